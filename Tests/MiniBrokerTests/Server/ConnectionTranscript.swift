/// What a client saw of one connection: the response frames in the order they came (without
/// their size fields) and whether the broker closed the connection.
struct ConnectionTranscript: Equatable, Sendable {
    var responses: [[UInt8]] = []
    var closed = false

    /// The correlation id of each response, in order.
    var correlationIds: [Int32?] { responses.map(WireFrame.correlationId) }

    /// The response to the request with `correlationId`, if it came.
    func response(to correlationId: Int32) -> [UInt8]? {
        responses.first { WireFrame.correlationId(of: $0) == correlationId }
    }
}
