#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the log cleaner's reads and writes under a rate (bytes per second), so compaction
/// leaves the disk and the CPU to produce and fetch. Kafka's cleaner has the same throttle
/// (`log.cleaner.io.max.bytes.per.second`).
///
/// The cleaner reports each chunk it read or wrote; when it is ahead of the rate the throttle
/// sleeps, in short slices so a stop or an abort is noticed promptly. Credit does not pile up:
/// after a second the measurement starts over, so an idle spell does not allow a burst.
struct CleanerThrottle {
    private let bytesPerSecond: Int64
    private let clock: () -> UInt64
    private let sleep: (UInt64) -> Void
    private var windowStart: UInt64
    private var bytesInWindow: Int64 = 0
    /// Nanoseconds slept in total, for the cleaning's statistics and tests.
    private(set) var sleptNanoseconds: UInt64 = 0

    /// Longest single sleep, so cancellation is seen within it.
    static let sleepSlice: UInt64 = 20_000_000

    /// - Parameters:
    ///   - bytesPerSecond: the rate; 0 or negative means no throttling.
    ///   - clock: monotonic nanoseconds (injected by tests).
    ///   - sleep: sleeps the given nanoseconds (injected by tests).
    init(
        bytesPerSecond: Int64,
        clock: @escaping () -> UInt64 = CleanerThrottle.monotonicNanoseconds,
        sleep: @escaping (UInt64) -> Void = CleanerThrottle.sleepNanoseconds
    ) {
        self.bytesPerSecond = bytesPerSecond
        self.clock = clock
        self.sleep = sleep
        self.windowStart = clock()
    }

    /// Counts `bytes` of I/O and sleeps while the cleaner is ahead of the rate. Returns early,
    /// without sleeping further, once `isCancelled` says so.
    mutating func account(_ bytes: Int, isCancelled: () -> Bool) {
        guard bytesPerSecond > 0 else { return }
        var now = clock()
        if now &- windowStart >= 1_000_000_000 {
            windowStart = now
            bytesInWindow = 0
        }
        bytesInWindow += Int64(bytes)
        let due = UInt64(Double(bytesInWindow) / Double(bytesPerSecond) * 1e9)
        while now &- windowStart < due, !isCancelled() {
            let pause = min(due - (now &- windowStart), Self.sleepSlice)
            sleep(pause)
            sleptNanoseconds += pause
            now = clock()
        }
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    static func sleepNanoseconds(_ nanoseconds: UInt64) {
        var time = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
        var left = timespec()
        while nanosleep(&time, &left) != 0 && errno == EINTR { time = left }
    }
}
