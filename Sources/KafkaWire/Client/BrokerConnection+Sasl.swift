import NIOCore

// The SASL login a connection makes right after ApiVersions (KIP-43, KIP-152): SaslHandshake
// names the mechanism, then SaslAuthenticate carries its tokens until the broker is satisfied.
extension BrokerConnection {
    /// Logs in with `login` on this freshly opened connection.
    /// - Throws: `.authenticationFailed` when the broker refuses the mechanism or the login, or
    ///   does not prove it knows the SCRAM credential.
    func authenticate(_ login: KafkaClientSecurity.SaslLogin) async throws {
        let handshake = try await send(
            SaslHandshakeRequest(mechanism: login.mechanism.rawValue),
            minimumVersion: 1,
            maximumVersion: 1,
            expecting: SaslHandshakeResponse.self
        )
        let handshakeCode = KafkaErrorCode(rawValue: handshake.errorCode)
        guard handshakeCode == .none else {
            let offered = handshake.mechanisms.joined(separator: ", ")
            throw KafkaClientError(
                .authenticationFailed,
                kafkaErrorCode: handshakeCode,
                "broker \(address) does not offer SASL mechanism \(login.mechanism.rawValue) (it offers: \(offered))"
            )
        }
        guard let scram = login.mechanism.scram else {
            _ = try await authenticationStep([0] + Array(login.username.utf8) + [0] + Array(login.password.utf8), login)
            return
        }
        var exchange = ScramClientExchange(mechanism: scram, user: login.username, password: login.password)
        do {
            let serverFirst = try await authenticationStep(exchange.clientFirst, login)
            let serverFinal = try await authenticationStep(try exchange.clientFinal(serverFirst: serverFirst), login)
            try exchange.verify(serverFinal: serverFinal)
        } catch let failure as ScramClientFailure {
            throw KafkaClientError(.authenticationFailed, "login at broker \(address): \(failure.message)")
        }
    }

    /// One SaslAuthenticate round: `token` out, the broker's token back.
    private func authenticationStep(_ token: [UInt8], _ login: KafkaClientSecurity.SaslLogin) async throws -> [UInt8] {
        let response = try await send(
            SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: token)),
            minimumVersion: 1,
            maximumVersion: 2,
            expecting: SaslAuthenticateResponse.self
        )
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else {
            let reason = response.errorMessage ?? "\(code.name)"
            let who = "'\(login.username)' with \(login.mechanism.rawValue)"
            throw KafkaClientError(
                .authenticationFailed,
                kafkaErrorCode: code,
                "login as \(who) at broker \(address) refused: \(reason)"
            )
        }
        return Array(response.authBytes.readableBytesView)
    }
}
