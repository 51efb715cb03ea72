/// Bytes a client sends at once, and the request whose answer it then waits for; it stops
/// waiting early when the broker closes the connection.
struct ConnectionStep: Sendable {
    var bytes: [UInt8]
    var awaitedCorrelationId: Int32
}
