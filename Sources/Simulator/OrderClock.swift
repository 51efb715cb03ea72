#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time and sleeping for the simulator, injectable so tests run hours of
/// simulated traffic in milliseconds with no timing flakiness.
public protocol OrderClock: Sendable {
    /// Now, in microseconds since 1970-01-01T00:00:00Z (used for order timestamps).
    func nowMicros() -> Int64
    /// Waits `micros` microseconds; throws `CancellationError` when the task is cancelled.
    func sleep(micros: Int64) async throws
}

/// The system's real-time clock, and `Task.sleep` for waiting.
public struct SystemOrderClock: OrderClock {
    /// The real clock.
    public init() {}

    public func nowMicros() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
    }

    public func sleep(micros: Int64) async throws {
        try await Task.sleep(for: .microseconds(micros))
    }
}
