#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files (RLIMIT_NOFILE).
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as Kafka's packaging asks operators to do by
    /// hand: a login shell's 1,024 is too few for a broker with clients and many partitions.
    /// Returns the limits before and after; `after` equals `before` when nothing changed.
    @discardableResult
    static func raiseToHardLimit() -> (before: Int, after: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (-1, -1) }
        let before = Int(clamping: limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return (before, before) }
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return (before, before) }
        return (before, Int(clamping: limit.rlim_cur))
    }
}
