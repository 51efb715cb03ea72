extension KafkaCluster {
    /// A connection to the coordinator of consumer group `groupID`, found with FindCoordinator
    /// (key type 0 = group) and retried while the broker says it is not available yet (a new
    /// group's coordinator may need a moment).
    ///
    /// - Throws: `.brokerError` with the last error code when no coordinator is found.
    public func groupCoordinator(_ groupID: String) async throws -> BrokerConnection {
        var lastCode = KafkaErrorCode.coordinatorNotAvailable
        for attempt in 1...max(1, configuration.metadataAttempts) {
            let connection = try await anyConnection()
            let version = try connection.negotiatedVersion(for: .findCoordinator, cap: 6)
            // v4 replaced the single key with a batch of keys.
            let request =
                version >= 4
                ? FindCoordinatorRequest(keyType: 0, coordinatorKeys: [groupID])
                : FindCoordinatorRequest(key: groupID, keyType: 0)
            let response = try await connection.send(request, version: version, expecting: FindCoordinatorResponse.self)
            let (code, host, port) =
                version >= 4
                ? (
                    KafkaErrorCode(
                        rawValue: response.coordinators.first?.errorCode
                            ?? KafkaErrorCode.coordinatorNotAvailable.rawValue
                    ),
                    response.coordinators.first?.host ?? "", response.coordinators.first?.port ?? 0
                )
                : (KafkaErrorCode(rawValue: response.errorCode), response.host, response.port)
            if code == .none {
                return try await self.connection(to: [BrokerAddress(host: host, port: Int(port))])
            }
            lastCode = code
            guard code.isRetriable else { break }
            try await Task.sleep(for: configuration.reconnectBackoff.delay(forAttempt: attempt))
        }
        throw KafkaClientError.broker(lastCode, "FindCoordinator for group \(groupID)")
    }
}
