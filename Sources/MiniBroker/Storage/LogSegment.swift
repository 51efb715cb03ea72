import KafkaWire
import NIOCore

/// One segment of a partition log: `{baseOffset:020}.log` holding RecordBatch v2 bytes
/// exactly as Kafka stores them, with its sparse `.index` (offset -> position) and
/// `.timeindex` (max timestamp -> offset). Not thread-safe: used under the partition's lock,
/// except that the log cleaner reads closed segments, which no longer change, without it
/// (see `CleaningSnapshot`).
final class LogSegment {
    /// Bytes of batches between two index entries, as Kafka's `index.interval.bytes`.
    static let indexIntervalBytes = 4096
    /// Chunk read when looking for a batch from an index entry: the entry is at most about
    /// one interval before it.
    static let lookupChunkSize = 16 * 1024

    let baseOffset: Int64
    let directory: String
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
    /// The key file being written while this segment is active (see `LogSegment+Keys`).
    var keysFile: SegmentFile?
    var keysSize = 0
    /// Set once the key file cannot describe the whole segment: no entries are written.
    var keysAbandoned = false

    /// The segment's file kinds, the log last: it is renamed last, so a `.log` under a name
    /// means its indexes already have that name too.
    static let fileKinds = ["index", "timeindex", "log"]

    /// Opens the three files of the segment starting at `baseOffset`, creating missing ones.
    /// Indexes are not loaded yet: call `load()` or `recover()`.
    ///
    /// - Parameter suffix: appended to each file name, e.g. `.cleaned` for a segment the log
    ///   cleaner writes before it swaps it in (see `PartitionLog+Compaction`); empty for a live one.
    init(directory: String, baseOffset: Int64, suffix: String = "") throws {
        self.baseOffset = baseOffset
        self.directory = directory
        let paths = ["log", "index", "timeindex"].map { Self.path(directory, baseOffset, $0) + suffix }
        let existed = paths.map(FileSystem.fileExists)
        do {
            log = try SegmentFile(path: paths[0])
            offsetIndex = try SparseIndex(path: paths[1])
            timeIndex = try SparseIndex(path: paths[2])
        } catch {
            // A new segment that could not be made whole (no descriptor, a full disk) leaves
            // no files behind.
            for (path, existed) in zip(paths, existed) where !existed { try? FileSystem.removeFile(path) }
            throw error
        }
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

    /// Writes `batch` at the end of the segment with `header.baseOffset` as its base offset,
    /// fsyncing it when `sync` is set. All or nothing: when any write fails (a full disk), the
    /// log and both indexes are cut back and the segment is as before, on disk and in memory,
    /// so a batch the producer is told failed never reappears after a restart.
    func append(_ batch: ByteBuffer, header: RecordBatchHeader, now: Int64, sync: Bool = false) throws {
        let before = AppendPoint(self)
        do {
            try log.write(batch: batch, baseOffset: header.baseOffset, at: before.size)
            size += header.totalSize
            lastModified = now
            try track(header, at: before.size)
            if sync { try self.sync() }
        } catch {
            rollBack(to: before)
            throw error
        }
    }

    /// Cuts the files back to `point` and restores the in-memory state: a failed append, or
    /// one whose companion write failed (a marker's aborted transactions). A file that cannot
    /// be cut keeps bytes past `size`; `trimToSize()` at close removes them.
    func rollBack(to point: AppendPoint) {
        try? log.truncate(to: point.size)
        try? offsetIndex.truncate(toCount: point.offsetEntries)
        try? timeIndex.truncate(toCount: point.timeEntries)
        point.restore(self)
    }

    /// Cuts the log file to the bytes the segment holds, should a failed append have left
    /// more behind; a later load would otherwise read them as batches.
    func trimToSize() throws {
        if try log.size() > size { try log.truncate(to: size) }
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
        try timeIndex.append(
            TimeIndexEntry(
                timestamp: maxTimestamp,
                relativeOffset: UInt32(offsetOfMaxTimestamp - baseOffset)
            )
        )
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
        finishKeys()
    }

    /// Renames the three files to their live names plus `suffix`, indexes first.
    func renameFiles(suffix: String) throws {
        try offsetIndex.rename(to: Self.path(directory, baseOffset, "index") + suffix)
        try timeIndex.rename(to: Self.path(directory, baseOffset, "timeindex") + suffix)
        try log.rename(to: Self.path(directory, baseOffset, "log") + suffix)
    }

    /// Closes and removes the segment's files.
    func delete() throws {
        close()
        Self.removeKeyFile(directory, baseOffset)
        try FileSystem.removeFile(log.path)
        try FileSystem.removeFile(offsetIndex.path)
        try FileSystem.removeFile(timeIndex.path)
    }
}
