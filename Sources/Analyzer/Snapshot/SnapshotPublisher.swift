import Synchronization

/// Hands each new snapshot to whoever wants it: the latest one on demand, and a stream per
/// subscriber that always holds the newest (a slow subscriber skips snapshots, it never
/// slows the analyzer down or piles them up).
public final class SnapshotPublisher: Sendable {
    private struct State {
        var latest: AnalyticsSnapshot?
        var subscribers: [Int: AsyncStream<AnalyticsSnapshot>.Continuation] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// A publisher without snapshots yet.
    public init() {}

    /// The newest snapshot; nil before the first trigger.
    public var latest: AnalyticsSnapshot? { state.withLock { $0.latest } }

    /// A stream of snapshots from now on, starting with the newest one if there is one. It
    /// ends when the publisher finishes.
    public func subscribe() -> AsyncStream<AnalyticsSnapshot> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: AnalyticsSnapshot.self,
            bufferingPolicy: .bufferingNewest(1)
        )
        let id = state.withLock { state -> Int in
            defer { state.nextID += 1 }
            state.subscribers[state.nextID] = continuation
            if let latest = state.latest { continuation.yield(latest) }
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Publishes a snapshot to every subscriber.
    public func publish(_ snapshot: AnalyticsSnapshot) {
        let subscribers = state.withLock { state in
            state.latest = snapshot
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(snapshot) }
    }

    /// Ends every subscriber's stream.
    public func finish() {
        let subscribers = state.withLock { state in
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}
