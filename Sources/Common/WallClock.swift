#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real-time clock: milliseconds since the Unix epoch are the unit of Kafka record
/// timestamps (CreateTime); microseconds are the analyzer's event-time unit.
public enum WallClock {
    /// Milliseconds since the Unix epoch.
    public static func nowMilliseconds() -> Int64 {
        now().milliseconds
    }

    /// Microseconds since the Unix epoch.
    public static var nowMicros: Int64 { now().micros }

    private static func now() -> (milliseconds: Int64, micros: Int64) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return (
            Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000,
            Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1000
        )
    }
}
