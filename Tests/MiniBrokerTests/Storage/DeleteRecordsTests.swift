import Testing

@testable import MiniBroker

@Suite("Partition log: DeleteRecords")
struct DeleteRecordsTests {
    /// 50 batches of 3 records in segments of about six batches each.
    private func filledLog(_ directory: TemporaryDirectory) throws -> PartitionLog {
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 1024))
        for _ in 0..<50 { try log.append(TestBatch(records: 3).bytes) }
        return log
    }

    @Test func movesTheStartAndDeletesTheSegmentsWhollyBelowIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try filledLog(directory)
        let segments = log.segmentCount
        var persisted: [Int64] = []
        #expect(try log.deleteRecords(before: 100) { persisted.append($0) } == 100)
        #expect(persisted == [100])
        #expect(log.logStartOffset == 100)
        #expect(log.segmentCount < segments)
        #expect(throws: StorageError.self) { try log.read(from: 99, maxBytes: 100) }
        // The batch holding offset 100 starts at 99; the client skips the record before.
        #expect(batchHeaders(in: try log.read(from: 100, maxBytes: 100)).first?.baseOffset == 99)
        #expect(log.logEndOffset == 150)
    }

    @Test func minusOneIsTheLogEndAndTheActiveSegmentStays() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try filledLog(directory)
        #expect(try log.deleteRecords(before: -1) { _ in } == 150)
        #expect(log.segmentCount == 1)
        #expect(try log.read(from: 150, maxBytes: 100).readableBytes == 0)
        try log.append(TestBatch(records: 3).bytes)
        #expect(log.logEndOffset == 153)
    }

    @Test func anOffsetPastTheEndIsRefusedAndOneBelowTheStartChangesNothing() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try filledLog(directory)
        #expect(throws: StorageError.self) { try log.deleteRecords(before: 151) { _ in } }
        #expect(throws: StorageError.self) { try log.deleteRecords(before: -2) { _ in } }
        try log.deleteRecords(before: 40) { _ in }
        var persisted: [Int64] = []
        #expect(try log.deleteRecords(before: 30) { persisted.append($0) } == 40)
        #expect(persisted.isEmpty)
        #expect(log.logStartOffset == 40)
    }

    @Test func aStartPersistedBeforeACrashIsKeptAndItsSegmentsDeletedOnOpen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let segments: Int
        do {
            let log = try filledLog(directory)
            segments = log.segmentCount
            try log.close()
        }
        // The store had the new start; the segments below it were still there.
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 1024), logStartOffset: 100)
        #expect(log.logStartOffset == 100)
        #expect(log.segmentCount < segments)
        #expect(throws: StorageError.self) { try log.read(from: 99, maxBytes: 100) }
        #expect(log.logEndOffset == 150)
    }

    @Test func retentionNeverMovesTheStartBack() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        configuration.retentionBytes = -1
        configuration.retentionMilliseconds = -1
        let log = try openLog(directory, configuration: configuration)
        for _ in 0..<50 { try log.append(TestBatch(records: 3).bytes) }
        try log.deleteRecords(before: 100) { _ in }
        #expect(try log.applyRetention(now: PartitionLog.currentTimeMilliseconds()) == 0)
        #expect(log.logStartOffset == 100)
        try log.deleteRecords(before: 140) { _ in }
        configuration.retentionBytes = 100
        log.reconfigure(configuration)
        #expect(try log.applyRetention(now: PartitionLog.currentTimeMilliseconds()) > 0)
        // The remaining segment starts past 140: the start follows it, never going back.
        #expect(log.logStartOffset > 140)
        #expect(
            batchHeaders(in: try log.read(from: log.logStartOffset, maxBytes: 100)).first?.baseOffset
                == log.logStartOffset
        )
    }

    @Test func reconfiguredSegmentSettingsDecideTheNextRoll() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 1_000_000))
        for _ in 0..<10 { try log.append(TestBatch(records: 3).bytes) }
        #expect(log.segmentCount == 1)
        log.reconfigure(.storageTest(segmentBytes: 200))
        for _ in 0..<3 { try log.append(TestBatch(records: 3).bytes) }
        #expect(log.segmentCount == 4)
    }
}
