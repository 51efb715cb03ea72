import NIOCore

extension BrokerConnection {
    /// Sends `request` at the highest negotiated version in `minimumVersion...maximumVersion`
    /// and waits up to `timeout` for the response instead of the connection's request
    /// timeout: a coordinator holds a JoinGroup until every member rejoined, which may take
    /// the whole rebalance timeout.
    ///
    /// - Throws: like `send(_:minimumVersion:maximumVersion:expecting:)`.
    public func send<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
        _ request: Request,
        minimumVersion: Int16 = 0,
        maximumVersion: Int16 = .max,
        timeout: Duration,
        expecting: Response.Type = Response.self
    ) async throws -> Response {
        let version = try negotiatedVersion(for: Request.apiKey, minimum: minimumVersion, cap: maximumVersion)
        let body = try await Self.exchange(
            request,
            version: version,
            channel: channel,
            pending: pending,
            clientID: clientID,
            timeout: TimeAmount(timeout),
            address: address
        ).get()
        return try Self.decodeResponse(body, as: Response.self, version: version, address: address)
    }
}
