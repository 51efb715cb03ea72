import NIOCore
import Synchronization

/// The WebSocket clients and their queues. Each client has a bounded queue that keeps its
/// newest messages: a slow client loses its oldest ones, and a broadcast never waits for a
/// client, so neither the analyzer nor the other clients are ever slowed down.
final class WebSocketHub: Sendable {
    /// A connected client's end: its id and the messages queued for it.
    struct Connection: Sendable {
        let id: Int
        let messages: AsyncStream<ByteBuffer>
    }

    private struct State {
        var clients: [Int: AsyncStream<ByteBuffer>.Continuation] = [:]
        /// Sessions between `connect` and `disconnect`: after `finishAll` they are no longer
        /// clients, but still have their close to send.
        var sessions: Set<Int> = []
        var nextID = 0
        /// Set by `finishAll`: the server is stopping and takes no new clients.
        var closed = false
    }

    private let state = Mutex(State())
    private let maxClients: Int
    private let queueLength: Int
    private let dropped = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)
    private let broadcasts = Atomic<Int>(0)

    /// A hub for at most `maxClients` clients of `queueLength` messages each.
    init(maxClients: Int, queueLength: Int) {
        self.maxClients = maxClients
        self.queueLength = queueLength
    }

    /// Registers a client; nil when the hub is full (the caller closes with 1013) or closed
    /// (1001): a client that connects while the server stops must not be left waiting.
    func connect() -> Connection? {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ByteBuffer.self,
            bufferingPolicy: .bufferingNewest(queueLength)
        )
        let id = state.withLock { state -> Int? in
            guard !state.closed, state.clients.count < maxClients else { return nil }
            defer { state.nextID += 1 }
            state.clients[state.nextID] = continuation
            state.sessions.insert(state.nextID)
            return state.nextID
        }
        guard let id else {
            refused.add(1, ordering: .relaxed)
            continuation.finish()
            return nil
        }
        return Connection(id: id, messages: stream)
    }

    /// Forgets a client and ends its queue; its session is over.
    func disconnect(_ id: Int) {
        let continuation = state.withLock { state in
            state.sessions.remove(id)
            return state.clients.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Queues a message for every client; a full queue drops its oldest message.
    func broadcast(_ message: ByteBuffer) {
        let clients = state.withLock { Array($0.clients.values) }
        broadcasts.add(1, ordering: .relaxed)
        var lost = 0
        for client in clients {
            if case .dropped = client.yield(message) { lost += 1 }
        }
        if lost > 0 { dropped.add(lost, ordering: .relaxed) }
    }

    /// Ends every client's queue and takes no more clients (shutdown).
    func finishAll() {
        let clients = state.withLock { state in
            defer { state.clients = [:] }
            state.closed = true
            return Array(state.clients.values)
        }
        for client in clients { client.finish() }
    }

    /// Waits until every session has ended (after `finishAll`, each sends its close and
    /// ends), or `limit` has passed: a session writing to a client that reads nothing may
    /// never end, and a stop must not wait on it. Polls: it runs once, while stopping.
    func waitUntilEverySessionEnded(within limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while sessionCount > 0 && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Whether `finishAll` ended the hub.
    var isClosed: Bool { state.withLock { $0.closed } }
    /// Clients connected now.
    var clientCount: Int { state.withLock { $0.clients.count } }
    /// Sessions not yet ended, clients and those closing after `finishAll`.
    var sessionCount: Int { state.withLock { $0.sessions.count } }
    /// Messages lost by slow clients since start.
    var droppedMessages: Int { dropped.load(ordering: .relaxed) }
    /// Connections refused because the hub was full.
    var refusedClients: Int { refused.load(ordering: .relaxed) }
    /// Messages broadcast since start.
    var broadcastMessages: Int { broadcasts.load(ordering: .relaxed) }
}
