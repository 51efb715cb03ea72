import Synchronization

/// What one connection has asked of the broker since it opened: requests by API key and the
/// bytes each way. Counted per request under the connection's own lock, which only the console
/// takes besides (now and then), so connections never wait on each other.
public final class ConnectionTraffic: Sendable {
    /// The counts at one moment.
    public struct Counts: Sendable, Equatable {
        /// Requests by API key (Kafka's numbers: 0 Produce, 1 Fetch, ...).
        public var requests: [Int16: Int] = [:]
        /// Request bytes received, size fields included.
        public var bytesIn: Int64 = 0
        /// Response bytes sent, size fields included.
        public var bytesOut: Int64 = 0
        /// When the last request arrived, ms since the epoch; nil before the first.
        public var lastRequestAtMillis: Int64?

        public init() {}
    }

    private let counts = Mutex(Counts())

    init() {}

    /// Counts a request frame of `bytes` (without its size field) for API `apiKey`.
    func request(apiKey: Int16, bytes: Int, atMillis: Int64) {
        counts.withLock { counts in
            counts.requests[apiKey, default: 0] += 1
            counts.bytesIn += Int64(bytes + 4)
            counts.lastRequestAtMillis = atMillis
        }
    }

    /// Counts response bytes written.
    func response(bytes: Int) {
        counts.withLock { $0.bytesOut += Int64(bytes) }
    }

    /// The counts now.
    public var current: Counts { counts.withLock { $0 } }
}
