import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Log cleaner: settings, cleanable range, throttle, key checks")
struct CleanerPartsTests {
    @Test func parsesKafkasCleanupPolicies() {
        #expect(CleanupPolicy(kafkaValue: "delete") == .delete)
        #expect(CleanupPolicy(kafkaValue: "compact") == .compact)
        #expect(CleanupPolicy(kafkaValue: "compact,delete") == .compactAndDelete)
        #expect(CleanupPolicy(kafkaValue: "delete, compact") == .compactAndDelete)
        #expect(CleanupPolicy(kafkaValue: "compact,") == nil)
        #expect(CleanupPolicy(kafkaValue: "Compact") == nil)
        #expect(CleanupPolicy.compactAndDelete.kafkaValue == "compact,delete")
        #expect(!CleanupPolicy.compact.deletes && CleanupPolicy.compact.compacts)
        #expect(CleanupPolicy.delete.deletes && !CleanupPolicy.delete.compacts)
    }

    @Test func topicOverridesSetTheCompactionSettings() {
        let broker = BrokerConfiguration()
        #expect(broker.cleanupPolicy == .delete && broker.minCleanableDirtyRatio == 0.5)
        #expect(broker.minCompactionLagMilliseconds == 0 && broker.maxCompactionLagMilliseconds == .max)
        #expect(broker.deleteRetentionMilliseconds == 86_400_000)
        let topic = broker.applying(topicOverrides: [
            "cleanup.policy": "delete,compact",
            "min.cleanable.dirty.ratio": "0.1",
            "min.compaction.lag.ms": "1000",
            "max.compaction.lag.ms": "2000",
            "delete.retention.ms": "3000",
        ])
        #expect(topic.cleanupPolicy == .compactAndDelete && topic.minCleanableDirtyRatio == 0.1)
        #expect(topic.minCompactionLagMilliseconds == 1_000 && topic.maxCompactionLagMilliseconds == 2_000)
        #expect(topic.deleteRetentionMilliseconds == 3_000)
        #expect(broker.applying(topicOverrides: ["cleanup.policy": "bogus"]).cleanupPolicy == .delete)
    }

    private func segment(
        _ base: Int64,
        size: Int = 100,
        newest: Int64 = 1_000,
        oldest: Int64 = 500
    )
        -> CleanableRange.Segment
    {
        CleanableRange.Segment(baseOffset: base, size: size, largestTimestamp: newest, firstBatchTimestamp: oldest)
    }

    @Test func theCleanableRangeFollowsTheCheckpointAndTheLags() {
        var configuration = BrokerConfiguration()
        let segments = [segment(0), segment(10), segment(20, newest: 9_000), segment(30)]
        var range = CleanableRange(
            segments: segments,
            activeBaseOffset: 40,
            checkpoint: 20,
            now: 10_000,
            configuration: configuration
        )
        #expect(range.firstDirtyIndex == 2 && range.endIndex == 4 && range.endOffset == 40)
        #expect(range.dirtyRatio == 0.5 && !range.isCleanable(configuration))
        configuration.minCleanableDirtyRatio = 0.4
        #expect(range.isCleanable(configuration))

        // Segment 20 is younger than the lag: the range stops before it.
        configuration.minCompactionLagMilliseconds = 5_000
        range = CleanableRange(
            segments: segments,
            activeBaseOffset: 40,
            checkpoint: 10,
            now: 10_000,
            configuration: configuration
        )
        #expect(range.firstDirtyIndex == 1 && range.endIndex == 2 && range.endOffset == 20)
        #expect(range.dirtyBytes == 100 && range.cleanBytes == 100)

        // A checkpoint outside the log counts as none.
        range = CleanableRange(
            segments: segments,
            activeBaseOffset: 40,
            checkpoint: 99,
            now: 10_000,
            configuration: configuration
        )
        #expect(range.firstDirtyOffset == 0)
        configuration.minCompactionLagMilliseconds = 0
        configuration.minCleanableDirtyRatio = 0.99
        configuration.maxCompactionLagMilliseconds = 1_000
        range = CleanableRange(
            segments: segments,
            activeBaseOffset: 40,
            checkpoint: 30,
            now: 10_000,
            configuration: configuration
        )
        #expect(range.isOverdue && range.isCleanable(configuration))
        range = CleanableRange(
            segments: [],
            activeBaseOffset: 0,
            checkpoint: nil,
            now: 10_000,
            configuration: configuration
        )
        #expect(range.dirtyBytes == 0 && !range.isCleanable(configuration))
    }

    @Test func theThrottleSleepsToTheRateAndStopsSleepingWhenCancelled() {
        final class FakeClock: @unchecked Sendable {
            var now: UInt64 = 1_000
        }
        let clock = FakeClock()
        var slept: [UInt64] = []
        let sleep = { (nanoseconds: UInt64) in
            slept.append(nanoseconds)
            clock.now += nanoseconds
        }
        var throttle = CleanerThrottle(bytesPerSecond: 1_000_000, clock: { clock.now }, sleep: sleep)
        throttle.account(500_000, isCancelled: { false })  // half a second's worth
        #expect(throttle.sleptNanoseconds == 500_000_000)
        #expect(slept.allSatisfy { $0 <= CleanerThrottle.sleepSlice })
        slept = []
        var calls = 0
        throttle.account(
            1_000_000,
            isCancelled: {
                calls += 1
                return calls > 3
            }
        )
        #expect(slept.count == 3)
        var unthrottled = CleanerThrottle(
            bytesPerSecond: 0,
            clock: { clock.now },
            sleep: { _ in Issue.record("slept") }
        )
        unthrottled.account(1 << 30, isCancelled: { false })
    }

    @Test func theOffsetMapKeepsTheNewestOffsetOfEachExactKey() {
        var map = OffsetMap(memoryLimit: 6 + 4 * OffsetMap.entryOverhead)
        let keys = ["a", "ab", "a\u{0}"].map { Array($0.utf8) }
        for (offset, key) in keys.enumerated() { _ = key.withUnsafeBytes { map.put($0, offset: Int64(offset)) } }
        _ = keys[0].withUnsafeBytes { map.put($0, offset: 9) }
        #expect(map.count == 3 && !map.isFull)
        #expect(keys.map { key in key.withUnsafeBytes { map.newestOffset(of: $0) } } == [9, 1, 2])
        #expect(Array("b".utf8).withUnsafeBytes { map.newestOffset(of: $0) } == nil)
        _ = Array("c".utf8).withUnsafeBytes { map.put($0, offset: 10) }
        #expect(map.isFull)
    }

    @Test func theOffsetMapFindsEveryKeyAfterGrowing() {
        var map = OffsetMap()
        // Lengths 0 to 40: keys shorter than, equal to and longer than the hash's 8-byte words.
        let keys = (0..<20_000).map { index in Array("k\(index)".utf8) + Array(repeating: 7, count: index % 33) }
        var entries: [OffsetMap.Entry] = []
        for (offset, key) in keys.enumerated() {
            entries.append(key.withUnsafeBytes { map.put($0, offset: Int64(offset)) })
        }
        let empty: [UInt8] = []
        _ = empty.withUnsafeBytes { map.put($0, offset: 50_000) }
        for (index, key) in keys.enumerated() where index % 2 == 0 {
            let entry = key.withUnsafeBytes { map.put($0, offset: Int64(100_000 + index)) }
            #expect(entry == entries[index])
        }
        #expect(map.count == keys.count + 1)
        for (index, key) in keys.enumerated() {
            let expected = Int64(index % 2 == 0 ? 100_000 + index : index)
            #expect(key.withUnsafeBytes { map.newestOffset(of: $0) } == expected)
            #expect(map.newestOffset(of: entries[index]) == expected)
        }
        #expect(empty.withUnsafeBytes { map.newestOffset(of: $0) } == 50_000)
        #expect(Array("k2\u{7}".utf8).withUnsafeBytes { map.newestOffset(of: $0) } == nil)
    }

    @Test func mappedRecordsSayWhichRecordsAreTheirKeysNewest() throws {
        var map = OffsetMap()
        var records = MappedRecords()
        let keys = ["a", "b", "a", "c"].map { Array($0.utf8) }
        records.beginBatch(baseOffset: 10, size: 100, crc: 7, isDecided: true)
        for (delta, key) in keys.enumerated() {
            let offset = Int64(10 + delta)
            records.add(entry: key.withUnsafeBytes { map.put($0, offset: offset) }, offset: offset)
        }
        records.add(entry: MappedRecords.noKey, offset: 14)
        records.beginBatch(baseOffset: 20, size: 80, crc: 8, isDecided: true)
        records.add(entry: Array("b".utf8).withUnsafeBytes { map.put($0, offset: 20) }, offset: 20)
        var walk = MappedRecords.Walk(records)
        let first = try walk.next(matching: Self.header(baseOffset: 10, size: 100, crc: 7))
        #expect(records.keeps(first, map: map) == [false, false, true, true, false])
        #expect(throws: StorageError.self) { try walk.next(matching: Self.header(baseOffset: 20, size: 80, crc: 9)) }
        let second = try walk.next(matching: Self.header(baseOffset: 20, size: 80, crc: 8))
        #expect(records.keeps(second, map: map) == [true] && walk.isAtEnd)
    }

    @Test func aKeyFileIsUsedOnlyWhenItDescribesTheWholeSegment() throws {
        let batches = (0..<3).map { index in
            keyedBatch([KeyedRecord(key: "k\(index)", value: "v"), KeyedRecord(key: nil, value: "x")])
        }
        var file = ByteBuffer()
        var position = 0
        for (index, batch) in batches.enumerated() {
            var header = try #require(RecordBatchHeader.peek(batch))
            header.baseOffset = Int64(index * 2)
            var entry = SegmentKeys.entry(for: try BatchKeys(of: batch), header: header, position: position)
            file.writeBuffer(&entry)
            position += batch.readableBytes
        }
        let keys = try #require(SegmentKeys(bytes: file, segmentSize: position))
        var seen: [String] = []
        for batch in keys.batches {
            try keys.forEachRecord(of: batch) { delta, key in
                seen.append(
                    "\(batch.baseOffset + Int64(delta)):" + (key.map { String(decoding: $0, as: UTF8.self) } ?? "-")
                )
            }
        }
        #expect(seen == ["0:k0", "1:-", "2:k1", "3:-", "4:k2", "5:-"])
        #expect(SegmentKeys(bytes: file, segmentSize: position + 1) == nil)  // the segment grew
        #expect(SegmentKeys(bytes: file.getSlice(at: 0, length: file.readableBytes - 1)!, segmentSize: position) == nil)
        var damaged = file
        damaged.setInteger(UInt8(0xFF), at: 20)
        #expect(SegmentKeys(bytes: damaged, segmentSize: position) == nil)
    }

    private static func header(baseOffset: Int64, size: Int, crc: UInt32) -> RecordBatchHeader {
        var header = RecordBatchHeader()
        header.baseOffset = baseOffset
        header.batchLength = Int32(size - RecordBatchHeader.lengthPrefixSize)
        header.crc = crc
        return header
    }

    @Test func findsTheRecordsWithoutAKey() throws {
        let partition = KafkaTopicPartition(topic: "compacted", partition: 2)
        let keyed = keyedBatch([KeyedRecord(key: "a", value: "1"), KeyedRecord(key: "b", value: nil)], codec: .lz4)
        #expect(KeylessRecords(try BatchKeys(of: keyed), partition: partition) == nil)
        let mixed = keyedBatch(
            [KeyedRecord(key: nil, value: "1"), KeyedRecord(key: "b", value: "2"), KeyedRecord(key: nil, value: nil)],
            codec: .zstd
        )
        let found = try #require(KeylessRecords(try BatchKeys(of: mixed), partition: partition))
        #expect(found.indices == [0, 2])
        #expect(found.message.contains("compacted topic partition compacted-2 needs a key on every record"))
    }

    @Test func aFileInUseIsClosedOnlyAfterItsLastUse() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let cache = FileDescriptorCache(capacity: 8)
        let file = try SegmentFile(path: directory.path + "/file", cache: cache)
        try file.write(ByteBuffer(string: "content"), at: 0)
        let readWhileInUse = try file.withDescriptor { _ throws -> String in
            file.close()  // retention deleting a segment the cleaner is reading
            #expect(cache.openCount == 1)
            return String(buffer: try file.read(at: 0, count: 7))
        }
        #expect(readWhileInUse == "content")
        #expect(cache.openCount == 0)
        #expect(String(buffer: try file.read(at: 0, count: 7)) == "content")  // reopened
    }
}
