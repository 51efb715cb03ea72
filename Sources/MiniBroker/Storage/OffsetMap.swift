/// Key -> offset of its newest record in the dirty part of a partition: what the log cleaner
/// builds before it rewrites the log (Kafka's `SkimpyOffsetMap`).
///
/// Keys are compared exactly, by their bytes, not by a hash of them as Kafka does (MD5, 16
/// bytes per key): a hash collision would make the cleaner drop the newest value of a key,
/// which must never happen, and the map's memory stays bounded anyway because a cleaning
/// that fills it stops at the end of that segment and leaves the rest to the next round
/// (`isFull`). The price is memory for long keys, which `estimatedBytes` counts.
struct OffsetMap {
    /// Bytes a cleaning's map may take before it stops adding segments (Kafka's
    /// `log.cleaner.dedupe.buffer.size` is 128 MiB for all cleaner threads).
    static let defaultMemoryLimit = 64 * 1_048_576
    /// Rough per-entry cost beyond the key bytes: the array's header and the table slot.
    private static let entryOverhead = 72

    private var offsets: [[UInt8]: Int64] = [:]
    private(set) var estimatedBytes = 0
    let memoryLimit: Int

    init(memoryLimit: Int = defaultMemoryLimit) {
        self.memoryLimit = memoryLimit
    }

    var count: Int { offsets.count }
    /// Whether the map reached its memory limit: no further segment should be added.
    var isFull: Bool { estimatedBytes >= memoryLimit }

    /// Records `offset` as the newest for `key` (offsets arrive in increasing order).
    mutating func put(_ key: UnsafeRawBufferPointer, offset: Int64) {
        let bytes = [UInt8](key)
        if offsets.updateValue(offset, forKey: bytes) == nil {
            estimatedBytes += bytes.count + Self.entryOverhead
        }
    }

    /// The newest offset of `key` in the mapped range, nil when the key is not there.
    func newestOffset(of key: UnsafeRawBufferPointer) -> Int64? {
        offsets[[UInt8](key)]
    }
}
