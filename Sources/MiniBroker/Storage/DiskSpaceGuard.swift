import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps room on the data directory's file system for what must always work: deleting topics
/// and records, committing offsets, a clean stop and the next start.
///
/// A file of `reserveBytes` (`<data>/.reserve`) holds the room while the broker runs. Appends
/// are refused with a clear error (KAFKA_STORAGE_ERROR, retriable, so producers resume on
/// their own) once they would leave less than a small margin free, or while the reserve could
/// not be held; reads go on. The reserve is given back before a deletion, a clean stop and a
/// start, so those succeed even when something else filled the disk to the last byte, and is
/// taken again afterwards when there is room. A reserve of 0 turns all of this off: appends
/// then run until the file system refuses them (and a failed append leaves nothing behind).
public final class DiskSpaceGuard: Sendable {
    /// The reserve file's name in the data directory.
    public static let reserveFileName = ".reserve"
    /// Free bytes checked again at least this often (milliseconds) ...
    static let refreshMilliseconds: Int64 = 100
    /// ... or after this many bytes were admitted since the last check.
    static let refreshBytes = 1 << 20

    /// What the guard knows of the disk, for status displays.
    public struct Report: Sendable, Equatable {
        /// True while appends are refused for lack of space.
        public var isFull: Bool
        public var freeBytes: Int64
        public var totalBytes: Int64
        public var reserveBytes: Int64
    }

    public let dataDirectory: String
    /// Bytes held back; 0 when the guard is off.
    public let reserveBytes: Int
    private let reservePath: String
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var reserveHeld = false
        var freeBytes: Int64 = .max
        var totalBytes: Int64 = 0
        /// nil: measure before the next admission.
        var checkedAt: Int64?
        var admittedSinceCheck = 0
        var lastReplenishAttempt: Int64?
        var refusing = false
    }

    /// - Parameter reserveBytes: bytes to hold back; nil for the default, a sixteenth of the
    ///   file system capped at 32 MiB (4 MiB of a 64 MiB disk, 32 MiB of anything over 512 MiB).
    public init(dataDirectory: String, reserveBytes: Int?, logger: Logger) {
        self.dataDirectory = dataDirectory
        reservePath = dataDirectory + "/" + Self.reserveFileName
        self.logger = logger
        if let reserveBytes {
            self.reserveBytes = max(0, reserveBytes)
        } else {
            let total = Self.fileSystemSpace(at: dataDirectory)?.total ?? 0
            self.reserveBytes = Int(max(1 << 20, min(32 << 20, total / 16)))
        }
    }

    /// The room appends must leave free beyond the reserve: index entries, offset commits.
    var margin: Int64 { Int64(min(1 << 20, reserveBytes)) }

    /// Gives the reserve back to the file system (before a start, a deletion, a clean stop).
    public func release() {
        guard reserveBytes > 0 else { return }
        state.withLock { state in
            _ = unlink(reservePath)
            state.reserveHeld = false
            state.checkedAt = nil
        }
    }

    /// Takes the reserve again when the disk has room for it and the margin; returns whether
    /// it is held. Logs when the disk is too full to hold it.
    @discardableResult
    public func replenish() -> Bool {
        guard reserveBytes > 0 else { return true }
        return state.withLock { state in
            takeReserve(&state, now: Self.monotonicMilliseconds())
        }
    }

    /// After a clean stop: takes back as much of the reserve as is free now, so that the next
    /// start has room to release even if something else fills the disk in the meantime.
    public func keepForNextStart() {
        guard reserveBytes > 0, let space = Self.fileSystemSpace(at: dataDirectory) else { return }
        let bytes = Int(min(Int64(reserveBytes), space.free - 64 * 1024))
        guard bytes > 0 else { return }
        _ = allocateReserveFile(bytes: bytes)
    }

    /// Runs `body` with the reserve given back, then takes it again: deleting a topic needs
    /// room for the metadata store's transaction even on a full disk.
    public func withReserveReleased<Result>(_ body: () throws -> Result) rethrows -> Result {
        release()
        defer { replenish() }
        return try body()
    }

    /// Admits an append of `bytes`, or throws `StorageError` `.diskFull` saying what is free
    /// and what to do.
    public func admit(bytes: Int) throws {
        guard reserveBytes > 0 else { return }
        let now = Self.monotonicMilliseconds()
        let refusal: StorageError? = state.withLock { state in
            if !state.reserveHeld, now - (state.lastReplenishAttempt ?? now - 1_000) >= 1_000 {
                _ = takeReserve(&state, now: now)
            }
            if now - (state.checkedAt ?? now - Self.refreshMilliseconds) >= Self.refreshMilliseconds
                || state.admittedSinceCheck >= Self.refreshBytes
            {
                refresh(&state, now: now)
            }
            let free = state.freeBytes - Int64(state.admittedSinceCheck)
            guard state.reserveHeld, free - Int64(bytes) >= margin else {
                if !state.refusing {
                    state.refusing = true
                    logger.error("\(fullMessage(free: free, total: state.totalBytes))")
                }
                return StorageError(.diskFull, fullMessage(free: free, total: state.totalBytes))
            }
            state.admittedSinceCheck += bytes
            if state.refusing {
                state.refusing = false
                logger.notice(
                    "the disk of \(dataDirectory) has room again (\(Self.describe(free)) free): appends resume"
                )
            }
            return nil
        }
        if let refusal { throw refusal }
    }

    /// Whether appends are refused now, from the disk itself (the reserve file and the free
    /// space), so any process can ask: the dashboard and `aseed status` do.
    public func report() -> Report {
        let space = Self.fileSystemSpace(at: dataDirectory) ?? (free: 0, total: 0)
        // A missing reserve is not yet a full disk: the next append takes it again if it fits.
        let needed = reserveFileIsWhole() ? margin : Int64(reserveBytes) + margin
        let full = reserveBytes > 0 && space.free < needed
        return Report(isFull: full, freeBytes: space.free, totalBytes: space.total, reserveBytes: Int64(reserveBytes))
    }

    /// The line an operator reads when the disk is full, nil when it is not.
    public func fullDiskNotice() -> String? {
        let report = report()
        return report.isFull ? fullMessage(free: report.freeBytes, total: report.totalBytes) : nil
    }

    /// What an operator reads when the disk is full: what is refused and what frees space.
    public static func advice(dataDirectory: String) -> String {
        "writes are refused until space is freed: delete topics (aseed topics delete NAME) or records, "
            + "lower retention.ms, or free space on the disk of \(dataDirectory)"
    }

    private func fullMessage(free: Int64, total: Int64) -> String {
        "disk full: \(Self.describe(max(0, free))) free of \(Self.describe(total)) on the disk of \(dataDirectory) "
            + "(\(Self.describe(Int64(reserveBytes))) kept for deletions and a clean stop); "
            + Self.advice(dataDirectory: dataDirectory)
    }

    private func refresh(_ state: inout State, now: Int64) {
        if let space = Self.fileSystemSpace(at: dataDirectory) {
            state.freeBytes = space.free
            state.totalBytes = space.total
        }
        state.checkedAt = now
        state.admittedSinceCheck = 0
    }

    /// Allocates the reserve file when the disk has room for it and the margin after it.
    private func takeReserve(_ state: inout State, now: Int64) -> Bool {
        state.lastReplenishAttempt = now
        if state.reserveHeld { return true }
        if reserveFileIsWhole() {
            state.reserveHeld = true
            return true
        }
        refresh(&state, now: now)
        guard state.freeBytes >= Int64(reserveBytes) + margin, allocateReserveFile(bytes: reserveBytes) else {
            _ = unlink(reservePath)
            logger.warning(
                """
                the disk of \(dataDirectory) is too full to keep its \(Self.describe(Int64(reserveBytes))) reserve \
                (\(Self.describe(state.freeBytes)) free): reads go on, \(Self.advice(dataDirectory: dataDirectory))
                """
            )
            return false
        }
        state.reserveHeld = true
        state.checkedAt = nil
        return true
    }

    private func reserveFileIsWhole() -> Bool {
        var info = stat()
        return stat(reservePath, &info) == 0 && Int(info.st_blocks) * 512 >= reserveBytes
    }

    /// posix_fallocate makes the blocks the file's own (a sparse file would hold nothing);
    /// where the file system cannot, zeros are written.
    private func allocateReserveFile(bytes: Int) -> Bool {
        let descriptor = open(reservePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { closeDescriptor(descriptor) }
        let result = posix_fallocate(descriptor, 0, off_t(bytes))
        if result == 0 { return fsync(descriptor) == 0 }
        guard result == EOPNOTSUPP || result == EINVAL else { return false }
        let zeros = [UInt8](repeating: 0, count: 64 * 1024)
        var written = 0
        while written < bytes {
            let count = min(zeros.count, bytes - written)
            let done = zeros.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, count, off_t(written)) }
            guard done > 0 else { return false }
            written += done
        }
        return fsync(descriptor) == 0
    }

    /// Free (for unprivileged users, as `df` shows) and total bytes of the file system at `path`.
    static func fileSystemSpace(at path: String) -> (free: Int64, total: Int64)? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let unit = Int64(info.f_frsize)
        return (Int64(info.f_bavail) * unit, Int64(info.f_blocks) * unit)
    }

    static func describe(_ bytes: Int64) -> String {
        if bytes >= 1 << 30 {
            return String(bytes / (1 << 20) / 1024) + "." + String(bytes / (1 << 20) % 1024 * 10 / 1024) + " GiB"
        }
        if bytes >= 1 << 20 { return String(bytes / (1 << 20)) + " MiB" }
        if bytes >= 1 << 10 { return String(bytes / (1 << 10)) + " KiB" }
        return String(bytes) + " bytes"
    }

    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
