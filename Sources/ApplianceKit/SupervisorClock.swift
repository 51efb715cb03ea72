/// The time a supervisor measures uptimes by and waits out its restart pauses with.
///
/// Production uses `ContinuousSupervisorClock`; tests give a clock they move themselves, so
/// a backoff of seconds takes none.
public protocol SupervisorClock: Sendable {
    /// A monotonic reading: only the difference between two readings means anything.
    var now: Duration { get }

    /// Suspends for `duration`.
    ///
    /// - Throws: `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws
}

/// The real monotonic clock (`ContinuousClock`), counting from the clock's creation.
public struct ContinuousSupervisorClock: SupervisorClock {
    private let origin = ContinuousClock.now

    /// A clock that starts at zero now.
    public init() {}

    /// The time since the clock was made.
    public var now: Duration {
        ContinuousClock.now - origin
    }

    /// Sleeps with `Task.sleep`.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
