import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

/// An append whose index write fails (as on a full disk) must leave the partition exactly as
/// before it: the bytes already written to the segment are cut back, the next append reuses
/// the offsets, and neither a clean reopen nor recovery finds the failed batch.
@Suite("Partition log: a failed append leaves nothing behind")
struct FailedAppendTests {
    private let batch = TestBatch(records: 3, maxTimestamp: 5_000).bytes
    /// Segments big enough for `pendingLimit` index entries.
    private let configuration = BrokerConfiguration.storageTest(segmentBytes: 1 << 20)

    /// Appends batches until the next one adds an offset index entry that makes the index
    /// write its pending entries to the file (`SparseIndex.pendingLimit`).
    private func fillToIndexEntry(_ log: PartitionLog) throws {
        let limit = SparseIndex<OffsetIndexEntry>.pendingLimit
        while log.state.withLock({
            $0.active.bytesSinceLastIndexEntry < LogSegment.indexIntervalBytes
                || $0.active.offsetIndex.pendingCount != limit - 1
        }) {
            try log.append(batch)
            try #require(log.state.withLock { $0.segments.count } == 1, "the segment rolled first")
        }
    }

    /// Makes the active segment's offset index read-only, so its next write fails as a full
    /// disk would fail it; returns a function that makes it writable again.
    private func breakOffsetIndex(_ log: PartitionLog) throws -> () throws -> Void {
        try reopenOffsetIndex(log, readOnly: true)
        return { try reopenOffsetIndex(log, readOnly: false) }
    }

    /// Replaces the active segment's offset index with its file opened again, holding the same
    /// entries (those not written yet included).
    private func reopenOffsetIndex(_ log: PartitionLog, readOnly: Bool) throws {
        try log.state.withLock { state in
            let current = state.active.offsetIndex
            var reopened = try SparseIndex<OffsetIndexEntry>(path: current.path, readOnly: readOnly)
            #expect(try reopened.load(logSize: state.active.size))
            for entry in current.entries.dropFirst(reopened.entries.count) { try reopened.append(entry) }
            #expect(reopened.entries == current.entries)
            state.active.offsetIndex = reopened
        }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    @Test func aFailedIndexWriteCutsTheBatchBackOnDiskAndInMemory() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: configuration)
        try fillToIndexEntry(log)
        let endBefore = log.logEndOffset
        let sizeBefore = log.sizeInBytes
        let logPath = log.state.withLock { $0.active.log.path }
        let repair = try breakOffsetIndex(log)

        #expect(throws: StorageError.self) { try log.append(batch) }
        #expect(log.logEndOffset == endBefore)
        #expect(log.sizeInBytes == sizeBefore)
        #expect(fileSize(logPath) == sizeBefore)
        #expect(try log.read(from: endBefore, maxBytes: 1 << 20).readableBytes == 0)

        try repair()
        let retried = try log.append(batch)
        #expect(retried.baseOffset == endBefore)
        #expect(fileSize(logPath) == sizeBefore + batch.readableBytes)
    }

    @Test(arguments: [true, false])
    func theFailedBatchIsNotThereAfterAReopen(clean: Bool) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: configuration)
        try fillToIndexEntry(log)
        let endBefore = log.logEndOffset
        let repair = try breakOffsetIndex(log)
        #expect(throws: StorageError.self) { try log.append(batch) }
        try repair()
        // Unclean: recovery re-validates the whole tail; clean: the files are trusted as they are.
        let checkpoint: PartitionCheckpoint? = clean ? try log.close() : nil
        if !clean {
            log.state.withLock { state in
                for segment in state.segments {
                    segment.close()
                }
            }
        }

        let reopened = try openLog(directory, configuration: configuration, checkpoint: checkpoint, clean: clean)
        #expect(reopened.logEndOffset == endBefore)
        #expect(try reopened.append(batch).baseOffset == endBefore)
        var offsets: [Int64] = []
        var offset: Int64 = 0
        while offset < reopened.logEndOffset {
            let headers = batchHeaders(in: try reopened.read(from: offset, maxBytes: 1 << 20))
            offsets += headers.map(\.baseOffset)
            offset = headers.last!.lastOffset + 1
        }
        #expect(offsets == Array(stride(from: 0, through: endBefore, by: 3)))
    }

    @Test func anIdempotentRetryAfterAFailedAppendIsWrittenOnce() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: configuration)
        try fillToIndexEntry(log)
        let repair = try breakOffsetIndex(log)
        let first = TestBatch.idempotent(sequence: 0, records: 2)
        #expect(throws: StorageError.self) { try log.append(first) }
        try repair()
        let written = try log.append(first)
        #expect(written.outcome == .appended)
        #expect(try log.append(first).outcome == .duplicate)
        #expect(log.logEndOffset == written.lastOffset + 1)
    }
}
