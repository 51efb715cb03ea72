import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open descriptors of all segment and index files, at most `capacity` at once.
///
/// Every partition has three files per segment; keeping them all open would tie the number of
/// partitions a broker can hold to its file limit (6,644 one-partition topics exhausted a
/// 20,000-file limit, and the broker could then not even start). Files are opened on first
/// use instead and the least recently used are closed when the cache is full; a file in use
/// (between `checkout` and `checkin`) is never closed under its user.
///
/// Thread-safe. A file may have several users at once: the partition's appends and reads under
/// its lock, and the log cleaner reading closed segments without it. The eviction of one
/// partition's files happens on whatever thread opens another's, and `close` of a file still
/// in use (retention deleting a segment the cleaner reads) only takes effect at the last
/// `checkin`, so a descriptor is never closed, and its number reused for another file, under a
/// `pread` in flight.
final class FileDescriptorCache: Sendable {
    /// One cached file's identity.
    struct Key: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct Entry {
        var descriptor: Int32
        var pins = 0
        var lastUse: UInt64
        /// `close` was asked while the file was in use: close it at the last `checkin`.
        var closesWhenIdle = false
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var nextKey: UInt64 = 0
        var clock: UInt64 = 0
    }

    /// The cache the broker's storage shares, sized from the process's file limit when first used.
    static let shared = FileDescriptorCache(capacity: defaultCapacity())

    /// How many descriptors the cache holds before it closes the least recently used.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    /// A quarter of the soft file limit (at least 16): the rest is left to client connections,
    /// the metadata database and descriptors duplicated for sendfile.
    static func defaultCapacity() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 4096 }
        return max(16, Int(min(limit.rlim_cur, 1 << 20)) / 4)
    }

    /// A key for a new file. Nothing is opened until the first `checkout`.
    func register() -> Key {
        state.withLock { state in
            state.nextKey += 1
            return Key(value: state.nextKey)
        }
    }

    /// The descriptor of `key`'s file, opening `path` with `flags` when it is not cached. It
    /// stays open until the matching `checkin`.
    func checkout(_ key: Key, path: String, flags: Int32) throws -> Int32 {
        try state.withLock { state in
            state.clock += 1
            if var entry = state.entries[key] {
                entry.pins += 1
                entry.lastUse = state.clock
                state.entries[key] = entry
                return entry.descriptor
            }
            if state.entries.count >= capacity { Self.evict(&state, keeping: capacity * 7 / 8) }
            var descriptor = open(path, flags, 0o644)
            if descriptor < 0 && (errno == EMFILE || errno == ENFILE) {
                // Out of descriptors for other reasons (connections): give back half and retry.
                Self.evict(&state, keeping: state.entries.count / 2)
                descriptor = open(path, flags, 0o644)
            }
            guard descriptor >= 0 else { throw SegmentFile.failure("open", path) }
            state.entries[key] = Entry(descriptor: descriptor, pins: 1, lastUse: state.clock)
            return descriptor
        }
    }

    /// Ends a use begun by `checkout`; the descriptor may be closed from now on.
    func checkin(_ key: Key) {
        let retired = state.withLock { state -> Int32? in
            guard var entry = state.entries[key] else { return nil }
            entry.pins -= 1
            if entry.pins == 0 && entry.closesWhenIdle {
                state.entries[key] = nil
                return entry.descriptor
            }
            state.entries[key] = entry
            return nil
        }
        if let retired { closeDescriptor(retired) }
    }

    /// Closes `key`'s file if it is open, or at the end of its last use when it is in use; the
    /// key may be checked out again later.
    func close(_ key: Key) {
        let descriptor = state.withLock { state -> Int32? in
            guard var entry = state.entries[key] else { return nil }
            if entry.pins > 0 {
                entry.closesWhenIdle = true
                state.entries[key] = entry
                return nil
            }
            state.entries[key] = nil
            return entry.descriptor
        }
        if let descriptor { closeDescriptor(descriptor) }
    }

    /// Descriptors open now.
    var openCount: Int { state.withLock { $0.entries.count } }

    /// Closes the least recently used idle descriptors until at most `keeping` remain (or only
    /// pinned ones). Evicting an eighth at a time keeps the sort off the common path.
    private static func evict(_ state: inout State, keeping: Int) {
        let excess = state.entries.count - keeping
        guard excess > 0 else { return }
        let idle = state.entries.filter { $0.value.pins == 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
        for (key, entry) in idle.prefix(excess) {
            closeDescriptor(entry.descriptor)
            state.entries[key] = nil
        }
    }
}
