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

    /// Appends batches until the next one writes an offset index entry.
    private func fillToIndexEntry(_ log: PartitionLog) throws {
        while log.state.withLock({ $0.active.bytesSinceLastIndexEntry < LogSegment.indexIntervalBytes }) {
            try log.append(batch)
        }
    }

    /// Makes the active segment's offset index read-only, so its next write fails as a full
    /// disk would fail it; returns a function that makes it writable again.
    private func breakOffsetIndex(_ log: PartitionLog) throws -> () throws -> Void {
        let path = log.state.withLock { $0.active.offsetIndex.path }
        try log.state.withLock { state in
            let entries = state.active.offsetIndex.entries.count
            var readOnly = try SparseIndex<OffsetIndexEntry>(path: path, readOnly: true)
            #expect(try readOnly.load(logSize: state.active.size))
            #expect(readOnly.entries.count == entries)
            state.active.offsetIndex = readOnly
        }
        return {
            try log.state.withLock { state in
                var writable = try SparseIndex<OffsetIndexEntry>(path: path)
                _ = try writable.load(logSize: state.active.size)
                state.active.offsetIndex = writable
            }
        }
    }

    private func fileSize(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : -1
    }

    @Test func aFailedIndexWriteCutsTheBatchBackOnDiskAndInMemory() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
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
        let log = try openLog(directory)
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

        let reopened = try openLog(directory, checkpoint: checkpoint, clean: clean)
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
        let log = try openLog(directory)
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
