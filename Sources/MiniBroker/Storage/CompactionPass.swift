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

    /// What the map pass found: the newest offset of every key, the dirty batches' records,
    /// and the index one past the last segment mapped (the cleaning covers `segments[..<end]`).
    struct Mapping {
        var map: OffsetMap
        var records = MappedRecords()
        var end: Int

        /// Whether the map and the records reached the memory limit.
        var isFull: Bool { map.estimatedBytes + records.estimatedBytes >= map.memoryLimit }
    }

    /// Maps key -> newest offset over the dirty segments, oldest first, and keeps each dirty
    /// record's entry for the rewrite. Stops after the segment in which the memory limit is
    /// reached (the first one always goes in whole). A segment's keys come from its key file
    /// when that describes the segment (`SegmentKeys`), else from decoding its batches, whose
    /// CRCs are then checked.
    func buildOffsetMap(memoryLimit: Int) throws -> Mapping {
        var mapping = Mapping(map: OffsetMap(memoryLimit: memoryLimit), end: range.endIndex)
        for index in range.firstDirtyIndex..<range.endIndex {
            if index > range.firstDirtyIndex && mapping.isFull {
                mapping.end = index
                return mapping
            }
            let segment = snapshot.segments[index]
            if let keys = SegmentKeys.load(for: segment) {
                try map(keys, into: &mapping)
            } else {
                try mapByDecoding(segment, into: &mapping)
            }
        }
        return mapping
    }

    private func map(_ keys: SegmentKeys, into mapping: inout Mapping) throws {
        figures.mapBytesRead += Int64(keys.bytes.readableBytes)
        throttle.account(keys.bytes.readableBytes, isCancelled: isCancelled)
        for batch in keys.batches {
            if isCancelled() { throw CleaningCancelled() }
            let isData = !batch.isControl && !batch.isTransactional
            let isDecided = isData && batch.baseOffset >= range.firstDirtyOffset
            mapping.records.beginBatch(
                baseOffset: batch.baseOffset,
                size: batch.size,
                crc: batch.crc,
                isDecided: isDecided
            )
            guard isData else { continue }
            try keys.forEachRecord(of: batch) { delta, key in
                Self.mapRecord(key: key, offset: batch.baseOffset + Int64(delta), isDecided: isDecided, into: &mapping)
            }
        }
    }

    private func mapByDecoding(_ segment: LogSegment, into mapping: inout Mapping) throws {
        try forEachBatch(of: segment, verifiesChecksums: true) { header, bytes in
            figures.mapBytesRead += Int64(header.totalSize)
            // Transaction markers and transactional batches are left as they are, and do not
            // count as newer values of a key. Records below the first dirty offset are mapped
            // (a newer copy of their key may follow) but decided again at the rewrite, where
            // the tombstone rule needs them.
            let isData = !header.isControl && !header.isTransactional
            let isDecided = isData && header.baseOffset >= range.firstDirtyOffset
            mapping.records.beginBatch(
                baseOffset: header.baseOffset,
                size: header.totalSize,
                crc: header.crc,
                isDecided: isDecided
            )
            guard isData else { return }
            try RecordBatch.forEachRecordKey(in: bytes, decompressionLimit: decompressionLimit, checksumVerified: true)
            {
                record in
                let offset = header.baseOffset + Int64(record.offsetDelta)
                Self.mapRecord(key: record.key, offset: offset, isDecided: isDecided, into: &mapping)
            }
        }
    }

    private static func mapRecord(
        key: UnsafeRawBufferPointer?,
        offset: Int64,
        isDecided: Bool,
        into mapping: inout Mapping
    ) {
        let entry = key.map { mapping.map.put($0, offset: offset) } ?? MappedRecords.noKey
        if isDecided { mapping.records.add(entry: entry, offset: offset) }
    }

    /// Writes the cleaned copy of `replaced` (the segments from the log start on) as new
    /// segments of at most `segment.bytes` each, files `<base>.{log,index,timeindex}.cleaned`,
    /// fsynced, with indexes built as appends build them. The first starts at the log start,
    /// each later one at its first batch, so the log start offset does not move; one is
    /// written even when nothing is kept. Output segments are cut by what is kept, not by
    /// the old segments, so a first cleaning already packs many shrunken segments into one.
    /// On failure (or cancellation) every file written is removed.
    func writeCleanedSegments(_ replaced: [LogSegment], mapping: Mapping) throws -> [LogSegment] {
        var written: [LogSegment] = []
        var mapped = MappedRecords.Walk(mapping.records)
        do {
            var current = try newSegment(at: replaced[0].baseOffset)
            written.append(current)
            for (index, segment) in replaced.enumerated() {
                // Checksums are checked where a batch is decoded; one kept whole or dropped
                // without decoding is copied or left as it is.
                let isMapped = index >= range.firstDirtyIndex
                try forEachBatch(of: segment, verifiesChecksums: false) { header, bytes in
                    figures.bytesRead += Int64(header.totalSize)
                    let batch = isMapped ? try mappedBatch(header, &mapped, in: segment) : nil
                    let decided = batch?.isDecided == true ? batch : nil
                    guard let kept = try retained(header, bytes, mapping: mapping, mapped: decided) else { return }
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
            guard mapped.isAtEnd else {
                throw StorageError(.corruptBatch, "the log holds fewer batches than the cleaner's map pass saw")
            }
            try finish(current)
            return written
        } catch {
            for segment in written { try? segment.delete() }
            throw error
        }
    }

    /// The map pass's record of the batch `header` describes. On a mismatch (a stale key file,
    /// or a segment changed under the cleaner) the segment's key file is removed so that the
    /// next attempt decodes it, and the cleaning fails.
    private func mappedBatch(
        _ header: RecordBatchHeader,
        _ walk: inout MappedRecords.Walk,
        in segment: LogSegment
    ) throws -> MappedRecords.Batch {
        do {
            return try walk.next(matching: header)
        } catch {
            LogSegment.removeKeyFile(directory, segment.baseOffset)
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
    ///
    /// A dirty batch (`mapped`) is decided from the map pass's entries: it is decoded only
    /// when some of its records stay and some go.
    private func retained(
        _ header: RecordBatchHeader,
        _ bytes: ByteBuffer,
        mapping: Mapping,
        mapped: MappedRecords.Batch?
    ) throws -> ByteBuffer? {
        if header.isControl || header.isTransactional { return bytes }
        let result: RecordBatch.Retained
        if let mapped {
            result = try retained(bytes, keeps: mapping.records.keeps(mapped, map: mapping.map))
        } else {
            result = try retainedByKey(header, bytes, map: mapping.map)
        }
        switch result {
        case .all: return bytes
        case .some(let rewritten): return rewritten
        case .none:
            let isProducersLast =
                header.producerID >= 0 && snapshot.producerLastOffsets[header.producerID] == header.lastOffset
            return isProducersLast ? RecordBatch.emptyBatch(replacing: header) : nil
        }
    }

    /// A dirty batch's records kept per `keeps` (one flag per record, from the map pass).
    private func retained(_ bytes: ByteBuffer, keeps: [Bool]) throws -> RecordBatch.Retained {
        let kept = keeps.reduce(0) { $1 ? $0 + 1 : $0 }
        figures.recordsKept += Int64(kept)
        figures.recordsRemoved += Int64(keeps.count - kept)
        if kept == 0 { return .none }
        if kept == keeps.count { return .all }
        return try RecordBatch.retaining(in: bytes, decompressionLimit: decompressionLimit) { record in
            guard record.index < keeps.count else {
                throw StorageError(.corruptBatch, "a batch changed between the cleaner's two passes")
            }
            return keeps[record.index]
        }
    }

    /// A batch below the first dirty offset, decided by looking up each record's key (the map
    /// pass kept no entries for it, and the tombstone rule applies to it).
    private func retainedByKey(
        _ header: RecordBatchHeader,
        _ bytes: ByteBuffer,
        map: OffsetMap
    ) throws
        -> RecordBatch.Retained
    {
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
        return result
    }

    /// Calls `body` with every batch of a closed segment, its framing checked (and its CRC when
    /// `verifiesChecksums`), counting the bytes read against the throttle and stopping when the
    /// cleaning is cancelled.
    private func forEachBatch(
        of segment: LogSegment,
        verifiesChecksums: Bool,
        _ body: (RecordBatchHeader, ByteBuffer) throws -> Void
    ) throws {
        var cursor = BatchCursor(
            file: segment.log,
            size: segment.size,
            from: 0,
            validates: true,
            verifiesChecksums: verifiesChecksums,
            expectedOffset: segment.baseOffset
        )
        while true {
            if isCancelled() { throw CleaningCancelled() }
            switch try cursor.next() {
            case .batch(let header, _, let bytes):
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
