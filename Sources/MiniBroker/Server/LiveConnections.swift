import Synchronization

/// The connections the broker serves now: who is connected, from where, on which listener, as
/// which principal, with which client id and client software, and what it has asked. For the
/// console's client list; the list is touched when a connection opens, logs in, sends its first
/// request or its ApiVersions, and closes; per request only the connection's own
/// `ConnectionTraffic` is.
public final class LiveConnections: Sendable {
    /// One open connection.
    public struct Connection: Sendable, Equatable {
        public var id: Int
        /// The client's `address:port`.
        public var address: String
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
    }

    private struct State {
        var nextID = 1
        var open: [Int: Connection] = [:]
        var traffic: [Int: ConnectionTraffic] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a new connection; returns its id and the counters its requests go to.
    func open(address: String, listener: String) -> (id: Int, traffic: ConnectionTraffic) {
        let now = PartitionLog.currentTimeMilliseconds()
        let traffic = ConnectionTraffic()
        return state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.traffic[id] = traffic
            state.open[id] = Connection(
                id: id,
                address: address,
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

    /// Forgets a closed connection.
    func close(_ id: Int) {
        state.withLock { state in
            state.open[id] = nil
            state.traffic[id] = nil
        }
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
