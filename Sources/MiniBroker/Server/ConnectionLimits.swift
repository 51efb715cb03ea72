import NIOCore

/// What every connection is held to: frame size, the shared memory budget for requests still
/// arriving, and how long a request may take to arrive and a connection may sit idle.
struct ConnectionLimits: Sendable {
    /// Requests up to this size are received without a reservation from the budget. Metadata,
    /// fetch, heartbeat and commit requests are this small; they never wait behind large
    /// produce requests, and a connection holds at most one partial request at a time, so
    /// together they stay within connections x 64 KiB.
    static let unbudgetedFrameSize = 64 * 1024

    /// Largest request body accepted (`socket.request.max.bytes`).
    var maximumFrameSize: Int
    /// Shared by all connections of the listener.
    var requestBudget: RequestMemoryBudget
    /// Time from a request's first bytes to its last.
    var partialRequestTimeout: TimeAmount
    /// A connection with no request arriving, waiting or answered for this long is closed
    /// (`connections.max.idle.ms`).
    var idleTimeout: TimeAmount

    init(_ configuration: BrokerConfiguration) {
        maximumFrameSize = configuration.socketRequestMaxBytes
        requestBudget = RequestMemoryBudget(limit: configuration.queuedMaxRequestBytes)
        partialRequestTimeout = .milliseconds(configuration.partialRequestTimeoutMs)
        idleTimeout = .milliseconds(configuration.connectionsMaxIdleMs)
    }
}
