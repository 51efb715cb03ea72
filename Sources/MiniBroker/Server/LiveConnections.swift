import Synchronization

/// The connections the broker serves now: who is connected, from where, on which listener, as
/// which principal, with which client id and client software. For the console's client list;
/// it is touched when a connection opens, logs in, sends its first request or its ApiVersions,
/// and closes, never per request.
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
    }

    private struct State {
        var nextID = 1
        var open: [Int: Connection] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Records a new connection; returns its id.
    func open(address: String, listener: String) -> Int {
        let now = PartitionLog.currentTimeMilliseconds()
        return state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.open[id] = Connection(
                id: id,
                address: address,
                listener: listener,
                principal: KafkaPrincipal.anonymous.description,
                connectedAtMillis: now
            )
            return id
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
        _ = state.withLock { $0.open.removeValue(forKey: id) }
    }

    /// The open connections, oldest first.
    public func snapshot() -> [Connection] {
        state.withLock { Array($0.open.values) }.sorted {
            ($0.connectedAtMillis, $0.id) < ($1.connectedAtMillis, $1.id)
        }
    }
}
