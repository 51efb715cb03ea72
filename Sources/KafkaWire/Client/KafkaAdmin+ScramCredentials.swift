import NIOCore

// The SCRAM users of a cluster (KIP-554), as `kafka-configs --entity-type users` manages them.
extension KafkaAdmin {
    /// Every user's SCRAM credentials, by user then mechanism.
    public func scramCredentials() async throws -> [ScramCredentialDescription] {
        let response: DescribeUserScramCredentialsResponse = try await send(
            DescribeUserScramCredentialsRequest(users: nil),
            maximumVersion: 0
        )
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else {
            throw KafkaClientError.broker(
                code,
                "DescribeUserScramCredentials\(response.errorMessage.map { " (\($0))" } ?? "")"
            )
        }
        var found: [ScramCredentialDescription] = []
        for result in response.results {
            let code = KafkaErrorCode(rawValue: result.errorCode)
            guard code == .none else {
                throw KafkaClientError.broker(code, "describing the credentials of '\(result.user)'")
            }
            for info in result.credentialInfos {
                found.append(
                    ScramCredentialDescription(
                        user: result.user,
                        mechanism: ScramCredentialDescription.mechanismName(info.mechanism),
                        iterations: info.iterations
                    )
                )
            }
        }
        return found.sorted { ($0.user, $0.mechanism) < ($1.user, $1.mechanism) }
    }

    /// Stores a credential the caller derived: `saltedPassword` is SCRAM's Hi(password, salt,
    /// iterations), so the password itself never leaves this process.
    /// - Parameter mechanism: Kafka's code, 1 for SCRAM-SHA-256, 2 for SCRAM-SHA-512.
    public func upsertScramCredential(
        user: String,
        mechanism: Int8,
        iterations: Int32,
        salt: [UInt8],
        saltedPassword: [UInt8]
    ) async throws {
        let upsertion = AlterUserScramCredentialsRequest.ScramCredentialUpsertion(
            name: user,
            mechanism: mechanism,
            iterations: iterations,
            salt: ByteBuffer(bytes: salt),
            saltedPassword: ByteBuffer(bytes: saltedPassword)
        )
        try await alterScramCredentials(AlterUserScramCredentialsRequest(upsertions: [upsertion]))
    }

    /// Removes a user's credential for one mechanism.
    public func deleteScramCredential(user: String, mechanism: Int8) async throws {
        let deletion = AlterUserScramCredentialsRequest.ScramCredentialDeletion(name: user, mechanism: mechanism)
        try await alterScramCredentials(AlterUserScramCredentialsRequest(deletions: [deletion]))
    }

    private func alterScramCredentials(_ request: AlterUserScramCredentialsRequest) async throws {
        let response: AlterUserScramCredentialsResponse = try await send(request, maximumVersion: 0)
        for result in response.results {
            let code = KafkaErrorCode(rawValue: result.errorCode)
            guard code == .none else {
                let reason = result.errorMessage.map { ": \($0)" } ?? ""
                throw KafkaClientError(
                    .brokerError,
                    kafkaErrorCode: code,
                    "changing the credentials of '\(result.user)' failed with \(code.name)\(reason)"
                )
            }
        }
    }
}
