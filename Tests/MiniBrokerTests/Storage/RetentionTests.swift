import Testing

@testable import MiniBroker

@Suite("Partition log: retention")
struct RetentionTests {
    @Test func deletesOldestSegmentsWhileThePartitionIsTooLarge() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        configuration.retentionBytes = 2_000
        configuration.retentionMilliseconds = -1
        let log = try openLog(directory, configuration: configuration)
        for _ in 0..<50 { try log.append(TestBatch(records: 3).bytes) }
        let segments = log.segmentCount
        let deleted = try log.applyRetention(now: PartitionLog.currentTimeMilliseconds())
        #expect(deleted > 0)
        #expect(log.segmentCount == segments - deleted)
        #expect(log.sizeInBytes >= 2_000)
        #expect(log.sizeInBytes - 966 < 2_000)
        #expect(log.logStartOffset > 0)
        #expect(log.logEndOffset == 150)
        #expect(throws: StorageError.self) { try log.read(from: 0, maxBytes: 100) }
        #expect(
            batchHeaders(in: try log.read(from: log.logStartOffset, maxBytes: 100)).first?.baseOffset
                == log.logStartOffset
        )
    }

    @Test func deletesSegmentsWhoseNewestBatchIsOlderThanRetention() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        configuration.retentionMilliseconds = 50_000
        let log = try openLog(directory, configuration: configuration)
        // Six 161-byte batches per segment; batches 0-19 are old, 20-39 new.
        for index in 0..<40 {
            try log.append(TestBatch(maxTimestamp: index < 20 ? 1_000 : 100_000).bytes)
        }
        #expect(try log.applyRetention(now: 120_000) == 3)
        #expect(log.logStartOffset == 18)
        #expect(try log.applyRetention(now: 120_000) == 0)
    }

    @Test func neverDeletesTheActiveSegment() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest()
        configuration.retentionMilliseconds = 1
        configuration.retentionBytes = 0
        let log = try openLog(directory, configuration: configuration)
        try log.append(TestBatch(maxTimestamp: 1).bytes)
        #expect(try log.applyRetention(now: 1_000_000) == 0)
        #expect(log.logEndOffset == 1)
    }
}
