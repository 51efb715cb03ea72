import Dispatch
import KafkaWire
import Logging
import NIOCore
import Synchronization
import Testing

@testable import MiniBroker

@Suite("Partition log: compaction")
struct LogCleanerTests {
    /// After the delete retention of a tombstone written at 1_000 (the workload's timestamp).
    static let tombstonesExpired: Int64 = 1_000 + 86_400_000 + 1

    /// With the segments' key files (as produced) and without them (decoding the log).
    @Test(arguments: [true, false])
    func keepsTheNewestRecordOfEachKeyAtItsOffset(keyFiles: Bool) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.compactionTest()
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 300, keys: 30, tombstoneEvery: 10, keyFiles: keyFiles)
        let keyFileCount = try FileSystem.contents(of: log.directory).filter { $0.hasSuffix(".keys") }.count
        #expect(keyFileCount == (keyFiles ? log.segmentCount : 0))
        let before = try storedContents(log)
        let (sizeBefore, end, active) = (log.sizeInBytes, log.logEndOffset, log.activeBaseOffset)
        #expect(log.segmentCount > 20)

        let outcome = try log.clean(now: 10_000)
        guard case .cleaned(let figures) = outcome else {
            Issue.record("not cleaned: \(outcome)")
            return
        }
        let after = try storedContents(log)
        #expect(model.problems(in: after.records, cleanedUpTo: active) == [])
        #expect(after.records.count < before.records.count / 3)
        #expect(log.logStartOffset == 0 && log.logEndOffset == end)
        #expect(after.records.filter { $0.offset >= active } == before.records.filter { $0.offset >= active })
        #expect(log.sizeInBytes < sizeBefore / 2)
        #expect(figures.bytesReclaimed == Int64(sizeBefore - log.sizeInBytes))
        // The first cleaning maps and rewrites every closed segment; key files are smaller.
        let closedBytes = Int64(sizeBefore - log.state.withLock { $0.active.size })
        #expect(figures.bytesRead == closedBytes)
        #expect(keyFiles ? figures.mapBytesRead < closedBytes / 2 : figures.mapBytesRead == closedBytes)
        #expect(figures.bytesWritten > 0 && figures.recordsRemoved > 0 && figures.recordsKept > 0)
        #expect(try compactionLeftovers(log) == [])

        let stats = log.cleanerStats(now: 10_000)
        #expect(stats.cleanings == 1 && stats.lastCleaning == figures && stats.lastError == nil)
        #expect(stats.firstDirtyOffset == active && stats.dirtyRatio == 0)
        #expect(stats.totalBytesReclaimed == figures.bytesReclaimed)
        #expect(try log.clean(now: 10_000) == .notDue)

        // The swapped files and their indexes are what a restart finds.
        try log.close()
        let reopened = try openLog(directory, configuration: configuration)
        #expect(try storedContents(reopened).records == after.records)
        #expect(reopened.logEndOffset == end)
        for record in after.records.filter({ $0.offset % 7 == 0 }) {
            let first = batchHeaders(in: try reopened.read(from: record.offset, maxBytes: 1)).first
            #expect(first.map { $0.baseOffset <= record.offset && $0.lastOffset >= record.offset } == true)
        }
    }

    @Test func keepsTombstonesForTheDeleteRetentionThenDropsThem() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest()
        configuration.minCleanableDirtyRatio = 0
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 40, tombstoneEvery: 4)
        #expect(try log.clean(now: 10_000) != .notDue)
        let firstEnd = log.cleanerStats(now: 10_000).firstDirtyOffset
        let once = try storedContents(log).records
        #expect(model.problems(in: once, cleanedUpTo: firstEnd) == [])
        #expect(once.contains { $0.value == nil && $0.offset < firstEnd })

        try model.appendWorkload(to: log, batches: 100, keys: 400, prefix: "other", tombstoneEvery: 4)
        #expect(try log.clean(now: Self.tombstonesExpired) != .notDue)
        let twice = try storedContents(log).records
        #expect(model.problems(in: twice, tombstonesMayGo: true) == [])
        #expect(!twice.contains { $0.value == nil && $0.offset < firstEnd })
        // Tombstones first seen by this cleaning stay for one more.
        #expect(twice.contains { $0.value == nil && $0.offset >= firstEnd })
    }

    @Test func dropsRecordsWithoutAKey() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        for index in 0..<40 {
            let batch = [KeyedRecord(key: nil, value: "keyless \(index)"), KeyedRecord(key: "k", value: "v\(index)")]
            model.noteAppended(batch, at: try log.append(keyedBatch(batch)).baseOffset)
        }
        let active = log.activeBaseOffset
        _ = try log.clean(now: 10_000)
        let records = try storedContents(log).records
        #expect(!records.contains { $0.key == nil && $0.offset < active })
        #expect(model.problems(in: records, cleanedUpTo: active) == [])
    }

    @Test func keepsTheLastBatchOfEachProducerAsAnEmptyBatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.compactionTest()
        let log = try openLog(directory, configuration: configuration)
        let first = [KeyedRecord(key: "a", value: "1"), KeyedRecord(key: "b", value: "1")]
        try log.append(keyedBatch(first, producerID: 7, epoch: 0, sequence: 0))  // 0-1
        try log.append(keyedBatch(first, producerID: 7, epoch: 0, sequence: 2))  // 2-3: 7's last
        try log.append(keyedBatch([KeyedRecord(key: "c", value: "1")], producerID: 8, epoch: 3, sequence: 0))  // 4
        let padding = String(repeating: "x", count: 100)
        for _ in 0..<30 {
            try log.append(keyedBatch(["a", "b", "c"].map { KeyedRecord(key: $0, value: padding) }))
        }
        #expect(try log.clean(now: 10_000) != .notDue)

        let headers = try storedContents(log).headers
        #expect(!headers.contains { $0.baseOffset == 0 })
        let kept = headers.filter { $0.producerID >= 0 }
        #expect(kept.count == 2)
        #expect(kept.allSatisfy { $0.recordCount == 0 && $0.compressionCodec == 0 })
        #expect(kept.map(\.baseOffset) == [2, 4] && kept.map(\.lastOffset) == [3, 4])
        #expect(kept.map(\.baseSequence) == [2, 0] && kept.map(\.producerEpoch) == [0, 3])

        // Rebuilt from the log alone, the producers go on where they were.
        try log.close()
        let reopened = try openLog(directory, configuration: configuration)
        let retry = try reopened.append(keyedBatch(first, producerID: 7, epoch: 0, sequence: 2))
        #expect(retry.outcome == .duplicate && retry.baseOffset == 2 && retry.lastOffset == 3)
        #expect(try reopened.append(keyedBatch(first, producerID: 7, epoch: 0, sequence: 4)).outcome == .appended)
        #expect(throws: StorageError.self) {
            try reopened.append(keyedBatch(first, producerID: 8, epoch: 3, sequence: 5))
        }
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func recompressesRewrittenBatchesWithTheirCodec(codec: CompressionCodec) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel(seed: 7)
        try model.appendWorkload(to: log, batches: 150, keys: 25, tombstoneEvery: 8, codec: codec)
        let before = try storedContents(log)
        let active = log.activeBaseOffset
        #expect(try log.clean(now: 10_000) != .notDue)
        let after = try storedContents(log)  // decoding checks every CRC
        #expect(model.problems(in: after.records, cleanedUpTo: active) == [])
        #expect(after.headers.allSatisfy { $0.compressionCodec == Int(codec.rawValue) || $0.recordCount == 0 })
        // Some batches lost only part of their records: rewritten, same base and last offsets.
        let original = Dictionary(uniqueKeysWithValues: before.headers.map { ($0.baseOffset, $0) })
        let partial = after.headers.filter {
            $0.recordCount > 0 && $0.recordCount < original[$0.baseOffset]!.recordCount
        }
        #expect(!partial.isEmpty)
        #expect(partial.allSatisfy { $0.lastOffset == original[$0.baseOffset]!.lastOffset })
    }

    @Test func neverCleansTheActiveSegment() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest(segmentBytes: 1 << 20))
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 100, keys: 5)
        #expect(log.segmentCount == 1)
        #expect(try log.clean(now: 10_000) == .notDue)
        #expect(try storedContents(log).records.count == model.records.count)
    }

    @Test func waitsForTheDirtyRatioUnlessDirtyDataIsOverdue() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest()
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 300)  // mostly distinct keys
        #expect(try log.clean(now: 10_000) != .notDue)
        // A little more: dirty, but far below half of the cleanable bytes.
        try model.appendWorkload(to: log, batches: 20, keys: 300)
        let ratio = log.cleanerStats(now: 10_000).dirtyRatio
        #expect(ratio > 0 && ratio < 0.5)
        #expect(try log.clean(now: 10_000) == .notDue)

        configuration.maxCompactionLagMilliseconds = 60_000
        try log.close()
        let overdue = try openLog(directory, configuration: configuration)
        #expect(try overdue.clean(now: 30_000) == .notDue)  // dirty data 29 s old
        #expect(try overdue.clean(now: 100_000) != .notDue)
        #expect(model.problems(in: try storedContents(overdue).records) == [])
    }

    @Test func rollsTheActiveSegmentOnceItsRecordsAreOverdue() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest(segmentBytes: 1 << 20)
        configuration.maxCompactionLagMilliseconds = 60_000
        let log = try openLog(directory, configuration: configuration)
        try log.append(keyedBatch([KeyedRecord(key: "a", value: "1")], timestamp: 1_000))
        try log.append(keyedBatch([KeyedRecord(key: "a", value: "2")], timestamp: 61_000))
        #expect(log.activeBaseOffset == 0)  // exactly the lag: not yet
        try log.append(keyedBatch([KeyedRecord(key: "a", value: "3")], timestamp: 61_001))
        #expect(log.activeBaseOffset == 2)
        #expect(try log.clean(now: 100_000) != .notDue)
        #expect(try storedContents(log).records.map(\.value) == ["2", "3"])

        // Without compaction only segment.ms (7 days) rolls by age.
        var deleting = configuration
        deleting.cleanupPolicy = .delete
        log.reconfigure(deleting)
        try log.append(keyedBatch([KeyedRecord(key: "a", value: "4")], timestamp: 10_000_000))
        #expect(log.activeBaseOffset == 2)
    }

    @Test func waitsLongerAfterEachFailedCleaning() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        // Without key files, so that the map pass reads (and checks) every batch.
        try model.appendWorkload(to: log, batches: 100, keys: 10, timestamp: 1_000, keyFiles: false)
        // Damage a record of the first segment, as a bad disk would, after it was written.
        try SegmentFile(path: LogSegment.path(log.directory, 0, "log")).write(ByteBuffer(bytes: [0xAB]), at: 70)
        let cleaner = LogCleaner(configuration: .compactionTest(), logger: Logger(label: "test"))
        let start: Int64 = 10_000_000
        var attempts: [Int64] = []
        for now in stride(from: start, to: start + 400_000, by: 10_000) {
            if case .abandoned = cleaner.cleanDue([log], now: now)[log.topicPartition] { attempts.append(now - start) }
        }
        #expect(attempts == [0, 60_000, 180_000])  // then 240 s after the third
        let stats = log.cleanerStats(now: start)
        #expect(stats.failuresInARow == 3 && stats.retryAt == start + 180_000 + 240_000)
        #expect(stats.lastError?.contains("CRC") == true)
    }

    @Test func aKeyFileThatDisagreesWithTheLogIsDroppedAndTheSegmentDecoded() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 100, keys: 10)
        // A key file that tiles the first segment but claims other batch checksums: a stale one.
        let firstSegmentEnd = log.state.withLock { $0.segments[1].baseOffset }
        var file = ByteBuffer()
        var position = 0
        var offset: Int64 = 0
        while offset < firstSegmentEnd {
            let bytes = try log.read(from: offset, maxBytes: 1)
            let size = try #require(RecordBatchHeader.peek(bytes)).totalSize
            let batch = try #require(bytes.getSlice(at: bytes.readerIndex, length: size))
            var header = try #require(RecordBatchHeader.peek(batch))
            header.crc &+= 1
            var entry = SegmentKeys.entry(for: try BatchKeys(of: batch), header: header, position: position)
            file.writeBuffer(&entry)
            position += header.totalSize
            offset = header.lastOffset + 1
        }
        let path = LogSegment.path(log.directory, 0, SegmentKeys.suffix)
        try FileSystem.removeFile(path)
        try SegmentFile(path: path).write(file, at: 0)

        #expect(throws: StorageError.self) { try log.clean(now: 10_000) }
        #expect(!FileSystem.fileExists(path))
        #expect(try log.clean(now: 10_000) != .notDue)
        #expect(model.problems(in: try storedContents(log).records, cleanedUpTo: log.activeBaseOffset) == [])
    }

    @Test func leavesSegmentsYoungerThanTheMinimumLag() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest()
        configuration.minCompactionLagMilliseconds = 3_600_000
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 150, keys: 20, timestamp: 1_000)
        let firstYoung = log.activeBaseOffset
        try model.appendWorkload(to: log, batches: 150, keys: 20, timestamp: 4_000_000)
        #expect(try log.clean(now: 1_000_000) == .notDue)  // all younger than an hour

        let before = try storedContents(log).records
        #expect(try log.clean(now: 4_000_000) != .notDue)
        let after = try storedContents(log).records
        let boundary = log.cleanerStats(now: 4_000_000).firstDirtyOffset
        #expect(boundary >= firstYoung && boundary < log.activeBaseOffset)
        #expect(after.filter { $0.offset >= boundary } == before.filter { $0.offset >= boundary })
        #expect(model.problems(in: after, cleanedUpTo: boundary) == [])
    }

    @Test func savesTheFirstDirtyOffsetAcrossRestarts() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.compactionTest()
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 20)
        let active = log.activeBaseOffset
        _ = try log.clean(now: 10_000)
        #expect(CleanerCheckpoint.read(directory: log.directory) == active)
        try log.close()
        #expect(try openLog(directory, configuration: configuration).cleanerStats().firstDirtyOffset == active)

        // A damaged checkpoint means everything is dirty again.
        let path = log.directory + "/" + CleanerCheckpoint.fileName
        try FileSystem.writeAtomically(Array("aseed-cleaner-checkpoint 1\n12".utf8), to: path, directory: log.directory)
        #expect(CleanerCheckpoint.read(directory: log.directory) == nil)
        #expect(try openLog(directory, configuration: configuration).cleanerStats().firstDirtyOffset == 0)
    }

    @Test func appendsAndReadsGoOnWhileTheCleanerWorks() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 20)
        let active = log.activeBaseOffset
        let appended = Mutex<[(Int64, [KeyedRecord])]>([])
        var options = CleaningOptions()
        // Runs on the cleaning's own thread between writing the cleaned files and the swap:
        // with the partition's lock held this would deadlock.
        options.beforeSwap = {
            for index in 0..<30 {
                let batch = [KeyedRecord(key: "key-\(index % 5)", value: "during \(index)")]
                let base = try! log.append(keyedBatch(batch)).baseOffset
                appended.withLock { $0.append((base, batch)) }
                _ = try! log.read(from: 0, maxBytes: 4096)
            }
        }
        let outcome = try log.clean(now: 10_000, throttle: CleanerThrottle(bytesPerSecond: 0), options: options)
        guard case .cleaned = outcome else {
            Issue.record("not cleaned: \(outcome)")
            return
        }
        for (base, batch) in appended.withLock({ $0 }) { model.noteAppended(batch, at: base) }
        #expect(model.problems(in: try storedContents(log).records, cleanedUpTo: active) == [])
    }

    @Test func aThrottledCleaningDoesNotHoldUpAppends() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 300, keys: 30)
        let active = log.activeBaseOffset
        let done = Atomic<Bool>(false)
        let group = DispatchGroup()
        let outcome = Mutex<CleaningOutcome?>(nil)
        let started = CleanerThrottle.monotonicNanoseconds()
        DispatchQueue.global().async(group: group) {
            // About 100 KB of I/O at 400 KB/s: a quarter of a second.
            outcome.withLock { $0 = try? log.clean(now: 10_000, ioBytesPerSecond: 400_000) }
            done.store(true, ordering: .sequentiallyConsistent)
        }
        var slowest: UInt64 = 0
        var appendedDuring: [(Int64, [KeyedRecord])] = []
        while !done.load(ordering: .sequentiallyConsistent) {
            let batch = [KeyedRecord(key: "key-1", value: "concurrent \(appendedDuring.count)")]
            let before = CleanerThrottle.monotonicNanoseconds()
            let base = try log.append(keyedBatch(batch)).baseOffset
            _ = try log.read(from: log.logStartOffset, maxBytes: 1024)
            slowest = max(slowest, CleanerThrottle.monotonicNanoseconds() - before)
            appendedDuring.append((base, batch))
            CleanerThrottle.sleepNanoseconds(2_000_000)
        }
        group.wait()
        let cleaningTook = CleanerThrottle.monotonicNanoseconds() - started
        guard case .cleaned = outcome.withLock({ $0 }) else {
            Issue.record("not cleaned: \(String(describing: outcome.withLock { $0 }))")
            return
        }
        #expect(cleaningTook > 150_000_000)
        #expect(slowest < cleaningTook / 3)
        #expect(appendedDuring.count > 10)
        for (base, batch) in appendedDuring { model.noteAppended(batch, at: base) }
        #expect(model.problems(in: try storedContents(log).records, cleanedUpTo: active) == [])
    }

    @Test func givesUpTheSwapWhenRetentionDeletedASegmentMeanwhile() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest(policy: .compactAndDelete)
        configuration.retentionBytes = 20_000
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 250, keys: 30)
        var options = CleaningOptions()
        options.beforeSwap = { _ = try! log.applyRetention(now: 10_000) }
        let outcome = try log.clean(now: 10_000, throttle: CleanerThrottle(bytesPerSecond: 0), options: options)
        guard case .abandoned = outcome else {
            Issue.record("expected to give up: \(outcome)")
            return
        }
        #expect(log.logStartOffset > 0)
        #expect(try compactionLeftovers(log) == [])
        let records = try storedContents(log).records
        #expect(records.count == model.records.keys.filter { $0 >= log.logStartOffset }.count)
        #expect(records.allSatisfy { model.records[$0.offset] == $0 })
        #expect(log.cleanerStats().cleanings == 0)
    }

    @Test func stopsPromptlyAndLeavesTheLogAsItWas() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 20)
        let before = try storedContents(log).records
        let checks = Atomic<Int>(0)
        let outcome = try log.clean(now: 10_000) { checks.add(1, ordering: .relaxed).newValue > 150 }
        guard case .abandoned = outcome else {
            Issue.record("expected to stop: \(outcome)")
            return
        }
        #expect(try compactionLeftovers(log) == [])
        #expect(try storedContents(log).records == before)
        #expect(CleanerCheckpoint.read(directory: log.directory) == nil)
    }

    @Test func closingTheLogInterruptsACleaning() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.compactionTest()
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        try model.appendWorkload(to: log, batches: 200, keys: 20)
        let before = try storedContents(log).records
        let group = DispatchGroup()
        let outcome = Mutex<CleaningOutcome?>(nil)
        DispatchQueue.global().async(group: group) {
            outcome.withLock { $0 = try? log.clean(now: 10_000, ioBytesPerSecond: 50_000) }  // seconds
        }
        for _ in 0..<400 where !log.cleaning.withLock({ $0.isCleaning }) {
            CleanerThrottle.sleepNanoseconds(5_000_000)
        }
        CleanerThrottle.sleepNanoseconds(20_000_000)
        let closing = CleanerThrottle.monotonicNanoseconds()
        try log.close()
        #expect(CleanerThrottle.monotonicNanoseconds() - closing < 500_000_000)
        group.wait()
        #expect(outcome.withLock { $0 } == .abandoned("the cleaning was stopped"))
        let reopened = try openLog(directory, configuration: configuration)
        #expect(try compactionLeftovers(reopened) == [])
        #expect(try storedContents(reopened).records == before)
    }

    @Test func retentionLeavesACompactOnlyTopicAlone() throws {
        for policy in [CleanupPolicy.compact, .compactAndDelete] {
            let directory = TemporaryDirectory()
            defer { directory.remove() }
            var configuration = BrokerConfiguration.compactionTest(policy: policy)
            configuration.retentionBytes = 0
            configuration.retentionMilliseconds = 1
            let log = try openLog(directory, configuration: configuration)
            for _ in 0..<30 { try log.append(TestBatch(records: 3).bytes) }
            let segments = log.segmentCount
            let deleted = try log.applyRetention(now: 1_000_000)
            #expect(policy == .compact ? deleted == 0 : deleted == segments - 1)
            #expect(log.segmentCount == segments - deleted)
        }
    }
}
