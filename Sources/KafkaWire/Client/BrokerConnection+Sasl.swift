import NIOCore

// The SASL login a connection makes right after ApiVersions (KIP-43, KIP-152): SaslHandshake
// names the mechanism, then SaslAuthenticate carries its tokens until the broker is satisfied.
extension BrokerConnection {
    static func authenticate(
        _ login: KafkaClientSecurity.SaslLogin,
        versions: ApiVersionTable,
        channel: any Channel,
        pending: PendingRequests,
        clientID: String,
        timeout: TimeAmount,
        address: BrokerAddress
    ) async throws {
        func send<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
            _ request: Request,
            cap: Int16,
            as: Response.Type
        ) async throws -> Response {
            guard let version = versions.version(for: Request.apiKey, minimum: 1, cap: cap) else {
                throw KafkaClientError(
                    .unsupportedVersion,
                    "broker \(address) does not offer \(Request.apiKey.name) v1+: is this a SASL listener?"
                )
            }
            let body = try await exchange(
                request,
                version: version,
                channel: channel,
                pending: pending,
                clientID: clientID,
                timeout: timeout,
                address: address
            ).get()
            return try decodeResponse(body, as: Response.self, version: version, address: address)
        }
        let handshake = try await send(
            SaslHandshakeRequest(mechanism: login.mechanism.rawValue),
            cap: 1,
            as: SaslHandshakeResponse.self
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
        func step(_ token: [UInt8]) async throws -> [UInt8] {
            let response = try await send(
                SaslAuthenticateRequest(authBytes: ByteBuffer(bytes: token)),
                cap: 2,
                as: SaslAuthenticateResponse.self
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
        guard let scram = login.mechanism.scram else {
            _ = try await step([0] + Array(login.username.utf8) + [0] + Array(login.password.utf8))
            return
        }
        var scramExchange = ScramClientExchange(mechanism: scram, user: login.username, password: login.password)
        do {
            let serverFirst = try await step(scramExchange.clientFirst)
            let serverFinal = try await step(try scramExchange.clientFinal(serverFirst: serverFirst))
            try scramExchange.verify(serverFinal: serverFinal)
        } catch let failure as ScramClientFailure {
            throw KafkaClientError(.authenticationFailed, "login at broker \(address): \(failure.message)")
        }
    }
}
