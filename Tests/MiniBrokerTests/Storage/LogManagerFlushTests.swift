import KafkaWire
import Logging
import Testing

@testable import MiniBroker

@Suite("Log manager flush: only logs with new data are flushed and checkpointed")
struct LogManagerFlushTests {
    private static func logManager(_ directory: TemporaryDirectory, _ metadata: MetadataStore) -> LogManager {
        LogManager(
            dataDirectory: directory.path,
            configuration: .storageTest(),
            metadata: metadata,
            logger: Logger(label: "test")
        )
    }

    @Test func aFlushWithNothingNewWritesNoCheckpoint() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        let logs = Self.logManager(directory, metadata)
        try logs.open()
        let partitions = try logs.createPartitions(topic: "quiet", count: 2)
        try partitions[0].append(TestBatch(records: 2).bytes)
        try logs.flushAll()
        let busy = KafkaTopicPartition(topic: "quiet", partition: 0)
        let idle = KafkaTopicPartition(topic: "quiet", partition: 1)
        #expect(try metadata.checkpoint(for: busy)?.recoveryPoint == 2)

        // A stand-in row shows whether a flush rewrites a checkpoint: one with nothing new
        // must leave it alone (an idle broker would otherwise rewrite every partition's row,
        // and fsync its files, every flush interval).
        let marker = PartitionCheckpoint(recoveryPoint: 0, producerSnapshotOffset: 0, producerSnapshot: [42])
        try metadata.saveCheckpoints([busy: marker, idle: marker])
        try logs.flushAll()
        #expect(try metadata.checkpoint(for: busy) == marker)
        #expect(try metadata.checkpoint(for: idle) == marker)

        try partitions[0].append(TestBatch(records: 3).bytes)
        try logs.flushAll()
        #expect(try metadata.checkpoint(for: busy)?.recoveryPoint == 5)
        #expect(try metadata.checkpoint(for: idle) == marker)
        #expect(partitions[0].recoveryPoint == 5)

        // A clean close still saves every log's checkpoint.
        try logs.close()
        #expect(try metadata.checkpoint(for: idle)?.producerSnapshot != [42])
    }

    @Test func manyLogsAreFlushedAndClosedWithOneFileSystemSync() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        let logs = Self.logManager(directory, metadata)
        try logs.open()
        let count = LogManager.fileSystemSyncThreshold + 8
        try metadata.createTopic(TopicRecord(name: "wide", id: .random(), partitionCount: Int32(count)))
        let partitions = try logs.createPartitions(topic: "wide", count: Int32(count))
        for log in partitions { try log.append(TestBatch(records: 2).bytes) }
        try logs.flushAll()
        for log in partitions {
            #expect(log.recoveryPoint == 2)
            #expect(try metadata.checkpoint(for: log.topicPartition)?.recoveryPoint == 2)
        }
        for log in partitions { try log.append(TestBatch(records: 1).bytes) }
        try logs.close()
        for log in partitions {
            #expect(try metadata.checkpoint(for: log.topicPartition)?.recoveryPoint == 3)
        }
        // The next open trusts every log after the clean stop.
        let reopened = Self.logManager(directory, metadata)
        try reopened.open()
        #expect(reopened.lastShutdownWasClean)
        #expect(reopened.log(topic: "wide", partition: 0)?.logEndOffset == 3)
    }
}
