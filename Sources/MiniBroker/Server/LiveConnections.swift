import Synchronization

/// The connections the broker serves now: who is connected, from where, on which listener, as
/// which principal, with which client id and client software, and what it has asked. For the
/// console's client list; the list is touched when a connection opens, logs in, sends its first
/// request or its ApiVersions, and closes; per request only the connection's own
/// `ConnectionTraffic` is. Closed connections are remembered for `closedRetention`, so the
/// console can tell what a client that came and went did.
public final class LiveConnections: Sendable {
    /// One open connection.
    public struct Connection: Sendable, Equatable {
        public var id: Int
        /// The client's `address:port`.
        public var address: String
        /// The broker's `address:port` the client connected to.
        public var localAddress: String
        /// The listener's security protocol (PLAINTEXT, SASL_SSL...).
        public var listener: String
        /// `User:ANONYMOUS` until a SASL login.
        public var principal: String
        /// The header's client id of its first request.
        public var clientID: String?
        /// The software name and version of its ApiVersions v3+ request (KIP-511).
        public var clientSoftware: String?
        /// Milliseconds since the epoch.
        public var connectedAtMillis: Int64
        /// Requests and bytes so far, as of `snapshot`.
        public var traffic = ConnectionTraffic.Counts()
        /// Milliseconds since the epoch; nil while open.
        public var closedAtMillis: Int64?
    }

    /// How long closed connections are remembered, in ms, and at most how many.
    public static let closedRetentionMillis: Int64 = 10 * 60 * 1000
    public static let closedLimit = 200

    private struct State {
        var nextID = 1
        var open: [Int: Connection] = [:]
        var traffic: [Int: ConnectionTraffic] = [:]
        /// Oldest first.
        var closed: [Connection] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a new connection; returns its id and the counters its requests go to.
    func open(address: String, localAddress: String, listener: String) -> (id: Int, traffic: ConnectionTraffic) {
        let now = PartitionLog.currentTimeMilliseconds()
        let traffic = ConnectionTraffic()
        return state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.traffic[id] = traffic
            state.open[id] = Connection(
                id: id,
                address: address,
                localAddress: localAddress,
                listener: listener,
                principal: KafkaPrincipal.anonymous.description,
                connectedAtMillis: now
            )
            return (id, traffic)
        }
    }

    /// Changes what is known of connection `id`.
    func update(_ id: Int, _ change: (inout Connection) -> Void) {
        state.withLock { state in
            if var connection = state.open[id] {
                change(&connection)
                state.open[id] = connection
            }
        }
    }

    /// Moves a connection to the recently closed, with its final counts.
    func close(_ id: Int) {
        let now = PartitionLog.currentTimeMilliseconds()
        let (connection, traffic) = state.withLock { state in
            (state.open.removeValue(forKey: id), state.traffic.removeValue(forKey: id))
        }
        guard var connection else { return }
        connection.traffic = traffic?.current ?? ConnectionTraffic.Counts()
        connection.closedAtMillis = now
        state.withLock { state in
            state.closed.append(connection)
            let expired = state.closed.prefix { now - ($0.closedAtMillis ?? now) > Self.closedRetentionMillis }.count
            let excess = max(expired, state.closed.count - Self.closedLimit)
            if excess > 0 { state.closed.removeFirst(excess) }
        }
    }

    /// The connections closed in the last `closedRetentionMillis`, oldest first.
    public func recentlyClosed() -> [Connection] {
        let now = PartitionLog.currentTimeMilliseconds()
        return state.withLock { $0.closed }.filter { now - ($0.closedAtMillis ?? now) <= Self.closedRetentionMillis }
    }

    /// The counters of open connection `id`, for its request stream.
    public func traffic(of id: Int) -> ConnectionTraffic? {
        state.withLock { $0.traffic[id] }
    }

    /// The open connections, oldest first, with their traffic so far.
    public func snapshot() -> [Connection] {
        let (connections, traffic) = state.withLock { (Array($0.open.values), $0.traffic) }
        return connections.map { connection in
            var connection = connection
            connection.traffic = traffic[connection.id]?.current ?? ConnectionTraffic.Counts()
            return connection
        }.sorted { ($0.connectedAtMillis, $0.id) < ($1.connectedAtMillis, $1.id) }
    }
}
