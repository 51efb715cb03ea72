import NIOCore
import Synchronization

/// The requests of one connection that still wait for their response, by correlation id.
///
/// Kafka answers the requests of a connection in the order it received them, but matching by
/// correlation id does not depend on that: each response starts with the id of its request.
/// When the connection closes, every waiting request fails, so no caller hangs.
final class PendingRequests: Sendable {
    private struct State {
        var nextCorrelationID: Int32 = 1
        var waiting: [Int32: EventLoopPromise<ByteBuffer>] = [:]
        var closedError: KafkaClientError?
    }

    private let state = Mutex(State())

    /// Reserves a correlation id; with a promise, the response will complete it.
    ///
    /// - Throws: the error that closed the connection, if it is closed.
    func register(_ promise: EventLoopPromise<ByteBuffer>?) throws -> Int32 {
        try state.withLock { state in
            if let error = state.closedError { throw error }
            let id = state.nextCorrelationID
            state.nextCorrelationID = id == Int32.max ? 1 : id + 1
            if let promise { state.waiting[id] = promise }
            return id
        }
    }

    /// Completes the request whose id starts `frame`; the frame is passed on after the id.
    /// Returns false for an id nobody waits for (a request that already timed out).
    @discardableResult
    func complete(with frame: ByteBuffer) -> Bool {
        var body = frame
        guard let id = body.readInteger(endianness: .big, as: Int32.self) else { return false }
        let promise = state.withLock { $0.waiting.removeValue(forKey: id) }
        promise?.succeed(body)
        return promise != nil
    }

    /// Fails one request, e.g. on timeout.
    func fail(_ id: Int32, with error: KafkaClientError) {
        state.withLock { $0.waiting.removeValue(forKey: id) }?.fail(error)
    }

    /// Fails every waiting request and refuses new ones.
    func close(with error: KafkaClientError) {
        let waiting = state.withLock { state -> [EventLoopPromise<ByteBuffer>] in
            if state.closedError == nil { state.closedError = error }
            defer { state.waiting.removeAll() }
            return Array(state.waiting.values)
        }
        for promise in waiting { promise.fail(error) }
    }

    /// Whether the connection was closed.
    var isClosed: Bool { state.withLock { $0.closedError != nil } }

    /// Number of requests waiting for a response.
    var count: Int { state.withLock { $0.waiting.count } }
}
