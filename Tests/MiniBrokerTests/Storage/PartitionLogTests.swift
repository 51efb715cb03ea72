import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Partition log: append, read, time lookup")
struct PartitionLogTests {
    /// 161-byte batches of three records each.
    @discardableResult
    private func appendBatches(
        _ count: Int,
        to log: PartitionLog,
        timestamps: (Int) -> Int64 = { 1_000 + Int64($0) * 10 }
    )
        throws -> [PartitionLog.AppendResult]
    {
        try (0..<count).map { try log.append(TestBatch(records: 3, maxTimestamp: timestamps($0)).bytes) }
    }

    @Test func appendAssignsConsecutiveOffsets() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        let results = try appendBatches(4, to: log)
        #expect(results.map(\.baseOffset) == [0, 3, 6, 9])
        #expect(results.map(\.lastOffset) == [2, 5, 8, 11])
        #expect(results.allSatisfy { $0.outcome == .appended && $0.logAppendTime > 0 })
        #expect(log.logStartOffset == 0)
        #expect(log.logEndOffset == 12)
    }

    @Test func readsEveryBatchAcrossSegmentRolls() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 1024))
        try appendBatches(50, to: log)
        #expect(log.segmentCount > 5)
        var offset: Int64 = 0
        var baseOffsets: [Int64] = []
        while offset < log.logEndOffset {
            let headers = batchHeaders(in: try log.read(from: offset, maxBytes: 100_000))
            #expect(!headers.isEmpty)
            baseOffsets += headers.map(\.baseOffset)
            offset = headers.last!.lastOffset + 1
        }
        #expect(baseOffsets == (0..<50).map { Int64($0) * 3 })
    }

    @Test func readBytesAreTheBatchWithItsAssignedOffsetAndValidCRC() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try appendBatches(2, to: log)
        let original = TestBatch(records: 3, maxTimestamp: 1_010).bytes
        let read = try log.read(from: 3, maxBytes: 1)
        #expect(read.readableBytes == original.readableBytes)
        #expect(RecordBatchHeader.hasValidCRC(read))
        #expect(RecordBatchHeader.peek(read)?.baseOffset == 3)
        #expect(
            read.getBytes(at: read.readerIndex + 8, length: read.readableBytes - 8)
                == original.getBytes(at: 8, length: original.readableBytes - 8)
        )
    }

    @Test func readFromTheMiddleOfABatchReturnsThatWholeBatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try appendBatches(5, to: log)
        let headers = batchHeaders(in: try log.read(from: 7, maxBytes: 1))
        #expect(headers.map(\.baseOffset) == [6])
    }

    @Test func maxBytesStopsBeforeExceedingButKeepsTheFirstBatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try appendBatches(5, to: log)
        #expect(batchHeaders(in: try log.read(from: 0, maxBytes: 1)).count == 1)
        #expect(batchHeaders(in: try log.read(from: 0, maxBytes: 161 * 2)).count == 2)
        #expect(try log.read(from: 0, maxBytes: 161 * 2 + 160).readableBytes == 161 * 2)
        #expect(batchHeaders(in: try log.read(from: 0, maxBytes: 1 << 20)).count == 5)
    }

    @Test func offsetsOutsideTheLogAreOutOfRange() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try appendBatches(2, to: log)
        #expect(try log.read(from: 6, maxBytes: 1000).readableBytes == 0)
        for offset: Int64 in [-1, 7, 1000] {
            let error = #expect(throws: StorageError.self) { try log.read(from: offset, maxBytes: 1000) }
            #expect(error?.code == .offsetOutOfRange)
            #expect(error?.kafkaErrorCode == .offsetOutOfRange)
        }
    }

    @Test func rejectsBytesThatAreNotOneWholeBatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        var truncated = TestBatch().bytes
        truncated.moveWriterIndex(to: 100)
        let error = #expect(throws: StorageError.self) { try log.append(truncated) }
        #expect(error?.kafkaErrorCode == .corruptMessage)
        #expect(log.logEndOffset == 0)
    }

    @Test func timestampLookupFindsTheFirstBatchAtOrAfterIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // 2 KB batches: an index entry every other batch, 19 batches per segment.
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 40_000))
        for index in 0..<60 {
            try log.append(TestBatch(records: 2, payloadSize: 2_000, maxTimestamp: 10_000 + Int64(index) * 100).bytes)
        }
        #expect(log.segmentCount == 4)
        #expect(try log.offset(forTimestamp: 0)?.offset == 0)
        #expect(try log.offset(forTimestamp: 10_000 + 3_700)! == (74, 13_700))
        #expect(try log.offset(forTimestamp: 10_000 + 3_650)! == (74, 13_700))
        #expect(try log.offset(forTimestamp: 10_000 + 5_900)! == (118, 15_900))
        #expect(try log.offset(forTimestamp: 10_000 + 5_901) == nil)
        let indexFile = try SegmentFile(path: LogSegment.path(log.directory, 0, "index"))
        #expect(try indexFile.size() > 0)
    }

    @Test func rollsASegmentWhenItsBatchesSpanMoreThanSegmentMilliseconds() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest()
        configuration.segmentMilliseconds = 1_000
        let log = try openLog(directory, configuration: configuration)
        try appendBatches(3, to: log) { [0, 500, 1_000][$0] }
        #expect(log.segmentCount == 1)
        try log.append(TestBatch(maxTimestamp: 1_001).bytes)
        #expect(log.segmentCount == 2)
    }

    @Test func reopeningKeepsTheData() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        let log = try openLog(directory, configuration: configuration)
        try appendBatches(20, to: log)
        let before = try log.read(from: 0, maxBytes: 1 << 20)
        let checkpoint = try log.close()
        #expect(checkpoint.recoveryPoint == 60)
        #expect(throws: StorageError.self) { try log.read(from: 0, maxBytes: 10) }

        for clean in [true, false] {
            let reopened = try openLog(directory, configuration: configuration, checkpoint: checkpoint, clean: clean)
            #expect(reopened.logEndOffset == 60)
            #expect(reopened.segmentCount == log.segmentCount)
            #expect(try reopened.read(from: 0, maxBytes: 1 << 20) == before)
            #expect(try reopened.offset(forTimestamp: 1_095)?.offset == 30)
            try reopened.close()
        }
        let reopened = try openLog(directory, configuration: configuration, checkpoint: checkpoint, clean: true)
        #expect(try reopened.append(TestBatch().bytes).baseOffset == 60)
    }
}
