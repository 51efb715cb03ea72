/// Key -> offset of its newest record in the dirty part of a partition: what the log cleaner
/// builds before it rewrites the log (Kafka's `SkimpyOffsetMap`).
///
/// Keys are compared exactly, by their bytes, not by a hash of them as Kafka does (MD5, 16
/// bytes per key): a hash collision would make the cleaner drop the newest value of a key,
/// which must never happen, and the map's memory stays bounded anyway because a cleaning
/// that fills it stops at the end of that segment and leaves the rest to the next round
/// (`isFull`). The price is memory for long keys, which `estimatedBytes` counts.
///
/// Entries are found by a hash of the key's bytes and then compared byte for byte, so a
/// lookup (one per record rewritten) allocates nothing; the rare keys whose hash another key
/// already has go to a second table keyed by the bytes themselves.
struct OffsetMap {
    /// Bytes a cleaning's map may take before it stops adding segments (Kafka's
    /// `log.cleaner.dedupe.buffer.size` is 128 MiB for all cleaner threads).
    static let defaultMemoryLimit = 64 * 1_048_576
    /// Rough per-entry cost beyond the key bytes: the array's header and the table slot.
    private static let entryOverhead = 72

    private struct Entry {
        var key: [UInt8]
        var offset: Int64
    }

    private var byHash: [Int: Entry] = [:]
    private var collided: [[UInt8]: Int64] = [:]
    private(set) var estimatedBytes = 0
    let memoryLimit: Int

    init(memoryLimit: Int = defaultMemoryLimit) {
        self.memoryLimit = memoryLimit
    }

    var count: Int { byHash.count + collided.count }
    /// Whether the map reached its memory limit: no further segment should be added.
    var isFull: Bool { estimatedBytes >= memoryLimit }

    /// Records `offset` as the newest for `key` (offsets arrive in increasing order).
    mutating func put(_ key: UnsafeRawBufferPointer, offset: Int64) {
        let hash = Self.hash(key)
        if var entry = byHash[hash] {
            if entry.key.elementsEqual(key) {
                entry.offset = offset
                byHash[hash] = entry
            } else if collided.updateValue(offset, forKey: [UInt8](key)) == nil {
                estimatedBytes += key.count + Self.entryOverhead
            }
            return
        }
        byHash[hash] = Entry(key: [UInt8](key), offset: offset)
        estimatedBytes += key.count + Self.entryOverhead
    }

    /// The newest offset of `key` in the mapped range, nil when the key is not there.
    func newestOffset(of key: UnsafeRawBufferPointer) -> Int64? {
        guard let entry = byHash[Self.hash(key)] else { return nil }
        if entry.key.elementsEqual(key) { return entry.offset }
        return collided.isEmpty ? nil : collided[[UInt8](key)]
    }

    private static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return hasher.finalize()
    }
}
