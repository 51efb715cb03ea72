import KafkaWire
import NIOCore

/// One segment of a partition log: `{baseOffset:020}.log` holding RecordBatch v2 bytes
/// exactly as Kafka stores them, with its sparse `.index` (offset -> position) and
/// `.timeindex` (max timestamp -> offset). Not thread-safe: used under the partition's lock.
final class LogSegment {
    /// Bytes of batches between two index entries, as Kafka's `index.interval.bytes`.
    static let indexIntervalBytes = 4096
    /// Chunk read when looking for a batch from an index entry: the entry is at most about
    /// one interval before it.
    static let lookupChunkSize = 16 * 1024

    let baseOffset: Int64
    let log: SegmentFile
    var offsetIndex: SparseIndex<OffsetIndexEntry>
    var timeIndex: SparseIndex<TimeIndexEntry>
    /// Length of the log file: where the next batch is written.
    var size = 0
    /// One past the last offset in this segment (the base offset while empty).
    var nextOffset: Int64
    /// Largest batch max timestamp in the segment, -1 when none; drives retention by age.
    var maxTimestamp: Int64 = -1
    var offsetOfMaxTimestamp: Int64
    /// Max timestamp of the first batch: a segment rolls once a new batch is
    /// `segment.ms` newer than this (Kafka's rule since KIP-33).
    var firstBatchTimestamp: Int64 = -1
    var bytesSinceLastIndexEntry = 0
    /// Wall-clock time of the last write, for retention when batches carry no timestamps.
    var lastModified: Int64

    /// Opens the three files of the segment starting at `baseOffset`, creating missing ones.
    /// Indexes are not loaded yet: call `load()` or `recover()`.
    init(directory: String, baseOffset: Int64) throws {
        self.baseOffset = baseOffset
        log = try SegmentFile(path: Self.path(directory, baseOffset, "log"))
        offsetIndex = try SparseIndex(path: Self.path(directory, baseOffset, "index"))
        timeIndex = try SparseIndex(path: Self.path(directory, baseOffset, "timeindex"))
        size = try log.size()
        nextOffset = baseOffset
        offsetOfMaxTimestamp = baseOffset
        lastModified = try log.lastModifiedMilliseconds()
    }

    /// Kafka's file name: the base offset padded to 20 digits.
    static func path(_ directory: String, _ baseOffset: Int64, _ suffix: String) -> String {
        let digits = String(baseOffset)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "." + suffix
    }

    var isEmpty: Bool { size == 0 }

    /// Whether the offset fits the index's u32 relative offsets.
    func canHold(offset: Int64) -> Bool {
        offset - baseOffset <= Int64(UInt32.max)
    }

    /// Writes `batch` at the end of the segment with `header.baseOffset` as its base offset.
    func append(_ batch: ByteBuffer, header: RecordBatchHeader, now: Int64) throws {
        let position = size
        do {
            try log.write(batch: batch, baseOffset: header.baseOffset, at: position)
        } catch {
            // Do not leave half a batch behind a failed write (disk full): cut back.
            try? log.truncate(to: position)
            throw error
        }
        size += header.totalSize
        lastModified = now
        try track(header, at: position)
    }

    /// Records a batch written at `position`: timestamps, next offset and, every
    /// `indexIntervalBytes`, an index entry.
    func track(_ header: RecordBatchHeader, at position: Int) throws {
        if position == 0 { firstBatchTimestamp = header.maxTimestamp }
        if bytesSinceLastIndexEntry >= Self.indexIntervalBytes {
            let relative = UInt32(header.baseOffset - baseOffset)
            try offsetIndex.append(OffsetIndexEntry(relativeOffset: relative, position: UInt32(position)))
            try appendTimeIndexEntryIfGrown()
            bytesSinceLastIndexEntry = 0
        }
        observe(header)
    }

    /// Updates timestamps and the next offset for a batch, without indexing it.
    func observe(_ header: RecordBatchHeader) {
        if header.maxTimestamp > maxTimestamp {
            maxTimestamp = header.maxTimestamp
            offsetOfMaxTimestamp = header.baseOffset
        }
        bytesSinceLastIndexEntry += header.totalSize
        nextOffset = header.lastOffset + 1
    }

    /// Adds the segment's final time index entry when it rolls or closes, as Kafka does, so
    /// the largest timestamp is known after a restart without scanning the segment.
    func appendTimeIndexEntryIfGrown() throws {
        guard maxTimestamp >= 0, maxTimestamp > (timeIndex.last?.timestamp ?? -1) else { return }
        try timeIndex.append(TimeIndexEntry(
            timestamp: maxTimestamp, relativeOffset: UInt32(offsetOfMaxTimestamp - baseOffset)))
    }

    func sync() throws {
        try log.sync()
        try offsetIndex.sync()
        try timeIndex.sync()
    }

    func close() {
        log.close()
        offsetIndex.close()
        timeIndex.close()
    }

    /// Closes and removes the segment's files.
    func delete() throws {
        close()
        try FileSystem.removeFile(log.path)
        try FileSystem.removeFile(offsetIndex.path)
        try FileSystem.removeFile(timeIndex.path)
    }
}
