import Common
import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("SASL login on a connection: handshake, authenticate, v0 raw messages, refusals")
struct SaslConnectionTests {
    /// A SASL_PLAINTEXT connection to a broker with user `alice` (password `wonderland`, both
    /// SCRAM mechanisms) and no delay before refusals.
    private func withSaslConnection(
        reauthMs: Int64 = 0,
        _ body: (EmbeddedKafkaConnection, ServedBroker) async throws -> Void
    ) async throws {
        let broker = try ServedBroker { configuration in
            configuration.securityProtocol = .saslPlaintext
            configuration.failedAuthenticationDelayMs = 0
            configuration.connectionsMaxReauthMs = reauthMs
        }
        defer { broker.remove() }
        _ = try broker.users.alter(
            ScramMechanism.allCases.map { mechanism in
                let salt = ScramMechanism.newSalt()
                let salted = mechanism.saltedPassword(Array("wonderland".utf8), salt: salt, iterations: 4096)
                return (
                    "alice",
                    .upsert(mechanism: mechanism.kafkaType, iterations: 4096, salt: salt, saltedPassword: salted)
                )
            }
        )
        let connection = try await EmbeddedKafkaConnection(broker)
        do {
            try await body(connection, broker)
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    private static func handshake(_ mechanism: String, version: Int16 = 1, id: Int32 = 1) -> [UInt8] {
        WireFrame.request(SaslHandshakeRequest(mechanism: mechanism), version: version, correlationId: id)
    }

    private static func authenticate(_ bytes: [UInt8], id: Int32) -> [UInt8] {
        WireFrame.request(SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: bytes)), version: 2, correlationId: id)
    }

    private static let metadata = WireFrame.request(MetadataRequest(topics: []), version: 9, correlationId: 9)

    private func decodeHandshake(_ transcript: ConnectionTranscript, _ id: Int32) throws -> SaslHandshakeResponse {
        let frame = try #require(transcript.response(to: id))
        return try WireFrame.decode(frame, as: SaslHandshakeResponse.self, apiKey: .saslHandshake, version: 1)
    }

    private func decodeAuthenticate(_ transcript: ConnectionTranscript, _ id: Int32) throws -> SaslAuthenticateResponse
    {
        let frame = try #require(transcript.response(to: id))
        return try WireFrame.decode(frame, as: SaslAuthenticateResponse.self, apiKey: .saslAuthenticate, version: 2)
    }

    @Test func plainLoginThenRequestsAreServed() async throws {
        try await withSaslConnection { connection, _ in
            try await connection.send(Self.handshake("PLAIN"))
            var transcript = try await connection.transcript(until: 1)
            let handshake = try decodeHandshake(transcript, 1)
            #expect(handshake.errorCode == 0)
            #expect(handshake.mechanisms == ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
            try await connection.send(Self.authenticate(Array("\u{0}alice\u{0}wonderland".utf8), id: 2))
            transcript = try await connection.transcript(until: 2)
            #expect(try decodeAuthenticate(transcript, 2).errorCode == 0)
            try await connection.send(Self.metadata)
            transcript = try await connection.transcript(until: 9)
            #expect(transcript.response(to: 9) != nil)
            #expect(transcript.closed == false)
        }
    }

    @Test func wrongPasswordIsRefusedAndTheConnectionCloses() async throws {
        try await withSaslConnection { connection, _ in
            try await connection.send(
                Self.handshake("PLAIN") + Self.authenticate(Array("\u{0}alice\u{0}guess".utf8), id: 2)
            )
            let transcript = try await connection.transcript(until: 2)
            let response = try decodeAuthenticate(transcript, 2)
            #expect(response.errorCode == KafkaErrorCode.saslAuthenticationFailed.rawValue)
            #expect(response.errorMessage?.contains("invalid credentials") == true)
            await connection.advanceTime(by: .milliseconds(200))
            #expect(try await connection.transcript(until: 99, timeout: .seconds(2)).closed)
        }
    }

    @Test func scramSha512LoginOverSaslAuthenticate() async throws {
        try await withSaslConnection { connection, broker in
            try await connection.send(Self.handshake("SCRAM-SHA-512"))
            _ = try await connection.transcript(until: 1)
            let clientFirstBare = "n=alice,r=clientnonce"
            try await connection.send(Self.authenticate(Array("n,,\(clientFirstBare)".utf8), id: 2))
            let first = try decodeAuthenticate(try await connection.transcript(until: 2), 2)
            #expect(first.errorCode == 0)
            let serverFirst = String(decoding: first.authBytes.readableBytesView, as: UTF8.self)
            let fields = Dictionary(
                uniqueKeysWithValues: serverFirst.split(separator: ",").map { ($0.first!, String($0.dropFirst(2))) }
            )
            let mechanism = ScramMechanism.sha512
            let salted = mechanism.saltedPassword(
                Array("wonderland".utf8),
                salt: try #require(Base64.decode(fields["s"]!)),
                iterations: Int(fields["i"]!)!
            )
            let clientKey = mechanism.hmac(key: salted, Array("Client Key".utf8))
            let withoutProof = "c=biws,r=\(fields["r"]!)"
            let signature = mechanism.hmac(
                key: mechanism.hash(clientKey),
                Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
            )
            let proof = Base64.encode(zip(clientKey, signature).map { $0 ^ $1 })
            try await connection.send(Self.authenticate(Array("\(withoutProof),p=\(proof)".utf8), id: 3))
            let final = try decodeAuthenticate(try await connection.transcript(until: 3), 3)
            #expect(final.errorCode == 0)
            #expect(String(decoding: final.authBytes.readableBytesView, as: UTF8.self).hasPrefix("v="))
            try await connection.send(Self.metadata)
            #expect(try await connection.transcript(until: 9).response(to: 9) != nil)
        }
    }

    @Test func unknownMechanismIsRefusedWithTheEnabledList() async throws {
        try await withSaslConnection { connection, _ in
            try await connection.send(Self.handshake("GSSAPI"))
            let transcript = try await connection.transcript(until: 1)
            let response = try decodeHandshake(transcript, 1)
            #expect(response.errorCode == KafkaErrorCode.unsupportedSaslMechanism.rawValue)
            #expect(response.mechanisms.contains("SCRAM-SHA-256"))
            await connection.advanceTime(by: .milliseconds(200))
            #expect(try await connection.transcript(until: 99, timeout: .seconds(2)).closed)
        }
    }

    @Test func requestsBeforeTheLoginCloseTheConnectionButApiVersionsIsAnswered() async throws {
        try await withSaslConnection { connection, _ in
            let apiVersions = ApiVersionsRequest(clientSoftwareName: "t", clientSoftwareVersion: "1")
            try await connection.send(WireFrame.request(apiVersions, version: 3, correlationId: 4))
            let answered = try await connection.transcript(until: 4)
            #expect(answered.response(to: 4) != nil)
            try await connection.send(Self.metadata)
            let transcript = try await connection.transcript(until: 9)
            #expect(transcript.response(to: 9) == nil)
            #expect(transcript.closed)
        }
    }

    @Test func oversizedFrameBeforeTheLoginClosesTheConnection() async throws {
        try await withSaslConnection { connection, _ in
            let token = [UInt8](repeating: 65, count: SaslAuthenticator.maximumFrameBeforeLogin + 1)
            try await connection.send(Self.handshake("PLAIN") + Self.authenticate(token, id: 2))
            let transcript = try await connection.transcript(until: 2)
            #expect(transcript.response(to: 2) == nil)
            #expect(transcript.closed)
        }
    }

    /// Handshake v0: the PLAIN message follows as a bare size-prefixed frame and the answer
    /// is an empty one; then requests are served.
    @Test func handshakeV0TakesTheRawMessage() async throws {
        try await withSaslConnection { connection, _ in
            try await connection.send(Self.handshake("PLAIN", version: 0))
            _ = try await connection.transcript(until: 1)
            try await connection.send(WireFrame.bare(Array("\u{0}alice\u{0}wonderland".utf8)))
            try await connection.send(Self.metadata)
            let transcript = try await connection.transcript(until: 9)
            #expect(transcript.responses.count == 3)
            #expect(transcript.responses[1].isEmpty)
            #expect(transcript.response(to: 9) != nil)
        }
    }

    /// KIP-368: the login's lifetime is announced; logging in again on the connection renews
    /// it; a request after it ran out closes the connection.
    @Test func sessionsExpireAndAreRenewedByReauthentication() async throws {
        try await withSaslConnection(reauthMs: 300) { connection, _ in
            let login = Array("\u{0}alice\u{0}wonderland".utf8)
            try await connection.send(Self.handshake("PLAIN") + Self.authenticate(login, id: 2))
            let first = try decodeAuthenticate(try await connection.transcript(until: 2), 2)
            #expect(first.errorCode == 0)
            #expect((1...300).contains(first.sessionLifetimeMs))
            try await connection.send(Self.handshake("PLAIN", id: 3) + Self.authenticate(login, id: 4))
            let renewed = try decodeAuthenticate(try await connection.transcript(until: 4), 4)
            #expect(renewed.errorCode == 0 && renewed.sessionLifetimeMs > 0)
            try await connection.send(Self.metadata)
            #expect(try await connection.transcript(until: 9).response(to: 9) != nil)
            await connection.advanceTime(by: .milliseconds(400))
            let late = WireFrame.request(MetadataRequest(topics: []), version: 9, correlationId: 10)
            try await connection.send(late)
            let transcript = try await connection.transcript(until: 10)
            #expect(transcript.response(to: 10) == nil)
            #expect(transcript.closed)
        }
    }

    @Test func reauthenticationMustKeepTheMechanismAndTheUser() async throws {
        try await withSaslConnection(reauthMs: 60_000) { connection, broker in
            _ = try broker.users.alter([
                (
                    "bob",
                    .upsert(
                        mechanism: 1,
                        iterations: 4096,
                        salt: [1, 2, 3],
                        saltedPassword: ScramMechanism.sha256.saltedPassword(
                            Array("pw".utf8),
                            salt: [1, 2, 3],
                            iterations: 4096
                        )
                    )
                )
            ])
            try await connection.send(
                Self.handshake("PLAIN") + Self.authenticate(Array("\u{0}alice\u{0}wonderland".utf8), id: 2)
            )
            #expect(try decodeAuthenticate(try await connection.transcript(until: 2), 2).errorCode == 0)
            try await connection.send(
                Self.handshake("PLAIN", id: 3) + Self.authenticate(Array("\u{0}bob\u{0}pw".utf8), id: 4)
            )
            let switched = try decodeAuthenticate(try await connection.transcript(until: 4), 4)
            #expect(switched.errorCode == KafkaErrorCode.saslAuthenticationFailed.rawValue)
            #expect(switched.errorMessage?.contains("re-authentication as User:bob") == true)
        }
    }

    @Test func handshakeOnALoggedInConnectionWithoutSessionLimitIsAnIllegalState() async throws {
        try await withSaslConnection { connection, _ in
            try await connection.send(
                Self.handshake("PLAIN") + Self.authenticate(Array("\u{0}alice\u{0}wonderland".utf8), id: 2)
            )
            #expect(try decodeAuthenticate(try await connection.transcript(until: 2), 2).sessionLifetimeMs == 0)
            try await connection.send(Self.handshake("PLAIN", id: 3))
            let transcript = try await connection.transcript(until: 3)
            let response = try decodeHandshake(transcript, 3)
            #expect(response.errorCode == KafkaErrorCode.illegalSaslState.rawValue)
        }
    }

    @Test func handshakeOnAPlaintextListenerIsAnIllegalState() async throws {
        let broker = try ServedBroker()
        defer { broker.remove() }
        let connection = try await EmbeddedKafkaConnection(broker)
        try await connection.send(Self.handshake("PLAIN"))
        let transcript = try await connection.transcript(until: 1)
        let response = try decodeHandshake(transcript, 1)
        #expect(response.errorCode == KafkaErrorCode.illegalSaslState.rawValue)
        #expect(response.mechanisms.isEmpty)
        await connection.close()
    }
}
