import KafkaWire
import NIOCore

/// The part of one cleaning that runs without the partition's lock: map the newest offset of
/// every key in the dirty range, then write the cleaned segments (`.cleaned` files) that will
/// replace the segments from the log start to the end of that range. It reads only closed
/// segments (see `CleaningSnapshot`) and writes only its own files, so produce and fetch go on.
///
/// A class so the closures that walk batches can update the figures and the throttle.
final class CompactionPass {
    let directory: String
    let configuration: BrokerConfiguration
    let snapshot: CleaningSnapshot
    let range: CleanableRange
    let now: Int64
    let isCancelled: () -> Bool
    var throttle: CleanerThrottle
    var figures = CleanerStats.Cleaning()

    init(
        directory: String,
        configuration: BrokerConfiguration,
        snapshot: CleaningSnapshot,
        range: CleanableRange,
        now: Int64,
        throttle: CleanerThrottle,
        isCancelled: @escaping () -> Bool
    ) {
        self.directory = directory
        self.configuration = configuration
        self.snapshot = snapshot
        self.range = range
        self.now = now
        self.throttle = throttle
        self.isCancelled = isCancelled
    }

    private var decompressionLimit: Int { max(configuration.messageMaxBytes, RecordBatch.defaultDecompressionLimit) }

    /// Maps key -> newest offset over the dirty segments, oldest first. Stops after the segment
    /// in which the map fills up (the first one always goes in whole). Returns the map and the
    /// index one past the last segment mapped: the cleaning covers `segments[..<end]`.
    func buildOffsetMap(memoryLimit: Int) throws -> (map: OffsetMap, end: Int) {
        var map = OffsetMap(memoryLimit: memoryLimit)
        for index in range.firstDirtyIndex..<range.endIndex {
            if index > range.firstDirtyIndex && map.isFull { return (map, index) }
            try forEachBatch(of: snapshot.segments[index]) { header, bytes in
                // Transaction markers and transactional batches are left as they are, and do not
                // count as newer values of a key.
                guard !header.isControl && !header.isTransactional else { return }
                try RecordBatch.forEachRecordKey(in: bytes, decompressionLimit: decompressionLimit) { record in
                    if let key = record.key { map.put(key, offset: header.baseOffset + Int64(record.offsetDelta)) }
                }
            }
        }
        return (map, range.endIndex)
    }

    /// Writes the cleaned copy of `replaced` (the segments from the log start on) as new
    /// segments of at most `segment.bytes` each, files `<base>.{log,index,timeindex}.cleaned`,
    /// fsynced, with indexes built as appends build them. The first starts at the log start,
    /// each later one at its first batch, so the log start offset does not move; one is
    /// written even when nothing is kept. Output segments are cut by what is kept, not by
    /// the old segments, so a first cleaning already packs many shrunken segments into one.
    /// On failure (or cancellation) every file written is removed.
    func writeCleanedSegments(_ replaced: [LogSegment], map: OffsetMap) throws -> [LogSegment] {
        var written: [LogSegment] = []
        do {
            var current = try newSegment(at: replaced[0].baseOffset)
            written.append(current)
            for segment in replaced {
                try forEachBatch(of: segment) { header, bytes in
                    guard let kept = try retained(header, bytes, map: map) else { return }
                    let keptHeader = RecordBatchHeader.peek(kept)!
                    let full = current.size + kept.readableBytes > configuration.segmentBytes
                    if !current.isEmpty && (full || !current.canHold(offset: keptHeader.lastOffset)) {
                        try finish(current)
                        current = try newSegment(at: keptHeader.baseOffset)
                        written.append(current)
                    }
                    try current.append(kept, header: keptHeader, now: now)
                    figures.bytesWritten += Int64(kept.readableBytes)
                    throttle.account(kept.readableBytes, isCancelled: isCancelled)
                }
            }
            try finish(current)
            return written
        } catch {
            for segment in written { try? segment.delete() }
            throw error
        }
    }

    private func newSegment(at base: Int64) throws -> LogSegment {
        for kind in LogSegment.fileKinds {
            try FileSystem.removeFile(LogSegment.path(directory, base, kind) + CompactionRecovery.cleanedSuffix)
        }
        return try LogSegment(directory: directory, baseOffset: base, suffix: CompactionRecovery.cleanedSuffix)
    }

    /// Adds the final time index entry, as a roll does, and fsyncs the three files.
    private func finish(_ segment: LogSegment) throws {
        try segment.appendTimeIndexEntryIfGrown()
        try segment.sync()
    }

    /// What of a batch stays, as bytes to write; nil when it goes entirely.
    ///
    /// A record stays unless a newer record of its key is in the map, it has no key (Kafka's
    /// cleaner drops those; a compacted topic refuses them at produce), or it is an expired
    /// tombstone. The tombstone rule: a tombstone survives the cleaning that first sees it in
    /// the dirty range; once it is in the clean range (below the first dirty offset) it is
    /// removed as soon as its batch's max timestamp is older than `delete.retention.ms`, so a
    /// consumer has at least that long after the tombstone's time to see the deletion.
    private func retained(_ header: RecordBatchHeader, _ bytes: ByteBuffer, map: OffsetMap) throws -> ByteBuffer? {
        if header.isControl || header.isTransactional { return bytes }
        let horizon = now.subtractingReportingOverflow(configuration.deleteRetentionMilliseconds)
        let tombstonesExpired = !horizon.overflow && header.maxTimestamp < horizon.partialValue
        let firstDirty = range.firstDirtyOffset
        var kept: Int64 = 0
        var removed: Int64 = 0
        let result = try RecordBatch.retaining(in: bytes, decompressionLimit: decompressionLimit) { record in
            let offset = header.baseOffset + Int64(record.offsetDelta)
            let keep: Bool
            if let key = record.key {
                let superseded = (map.newestOffset(of: key) ?? offset) > offset
                keep = !superseded && !(record.isTombstone && offset < firstDirty && tombstonesExpired)
            } else {
                keep = false
            }
            if keep { kept += 1 } else { removed += 1 }
            return keep
        }
        figures.recordsKept += kept
        figures.recordsRemoved += removed
        switch result {
        case .all: return bytes
        case .some(let rewritten): return rewritten
        case .none:
            let isProducersLast =
                header.producerID >= 0 && snapshot.producerLastOffsets[header.producerID] == header.lastOffset
            return isProducersLast ? RecordBatch.emptyBatch(replacing: header) : nil
        }
    }

    /// Calls `body` with every batch of a closed segment, CRC checked, counting the bytes read
    /// against the throttle and stopping when the cleaning is cancelled.
    private func forEachBatch(
        of segment: LogSegment,
        _ body: (RecordBatchHeader, ByteBuffer) throws -> Void
    ) throws {
        var cursor = BatchCursor(
            file: segment.log,
            size: segment.size,
            from: 0,
            validates: true,
            expectedOffset: segment.baseOffset
        )
        while true {
            if isCancelled() { throw CleaningCancelled() }
            switch try cursor.next() {
            case .batch(let header, _, let bytes):
                figures.bytesRead += Int64(header.totalSize)
                throttle.account(header.totalSize, isCancelled: isCancelled)
                try body(header, bytes!)
            case .end:
                return
            case .invalid(let position, let reason):
                throw StorageError(
                    .corruptBatch,
                    "segment \(segment.baseOffset) holds \(reason) at file position \(position); not compacting"
                )
            }
        }
    }
}
