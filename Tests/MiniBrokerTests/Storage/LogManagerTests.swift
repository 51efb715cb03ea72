import KafkaWire
import Logging
import Testing

@testable import MiniBroker

@Suite("Log manager: topics, checkpoints, clean and unclean stops")
struct LogManagerTests {
    private func manager(_ directory: TemporaryDirectory, _ metadata: MetadataStore) -> LogManager {
        LogManager(
            dataDirectory: directory.path,
            configuration: .storageTest(),
            metadata: metadata,
            logger: Logger(label: "test")
        )
    }

    @Test func topicOverridesApplyToItsLogsAlsoAfterReopening() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        let configs = ["segment.bytes": "300"]
        try metadata.createTopic(TopicRecord(name: "small", id: .random(), partitionCount: 1, configs: configs))
        let logs = manager(directory, metadata)
        try logs.open()
        for _ in 0..<4 { try logs.log(topic: "small", partition: 0)!.append(TestBatch(records: 3).bytes) }
        // Every batch is larger than 300 bytes / 2, so the topic's segments roll where the
        // broker default (64 KiB here) would keep one segment.
        #expect(logs.log(topic: "small", partition: 0)!.segmentCount >= 2)
        try logs.close()

        let reopened = manager(directory, metadata)
        try reopened.open()
        let before = reopened.log(topic: "small", partition: 0)!.segmentCount
        for _ in 0..<4 { try reopened.log(topic: "small", partition: 0)!.append(TestBatch(records: 3).bytes) }
        #expect(reopened.log(topic: "small", partition: 0)!.segmentCount > before)
        try reopened.close()
    }

    @Test func opensTheTopicsOfTheMetadataStoreAndKnowsACleanStop() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        try metadata.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 3))

        let first = manager(directory, metadata)
        try first.open()
        #expect(!first.lastShutdownWasClean)
        #expect(first.logs(topic: "orders").map(\.topicPartition.partition) == [0, 1, 2])
        try first.log(topic: "orders", partition: 1)!.append(TestBatch(records: 5).bytes)
        try first.close()
        #expect(FileSystem.fileExists(directory.path + "/" + LogManager.cleanShutdownMarker))
        #expect(try metadata.checkpoint(for: KafkaTopicPartition(topic: "orders", partition: 1))?.recoveryPoint == 5)

        let second = manager(directory, metadata)
        try second.open()
        #expect(second.lastShutdownWasClean)
        #expect(!FileSystem.fileExists(directory.path + "/" + LogManager.cleanShutdownMarker))
        #expect(second.log(topic: "orders", partition: 1)?.logEndOffset == 5)
        #expect(second.log(topic: "orders", partition: 3) == nil)

        // No close: the next open must see an unclean stop.
        let third = manager(directory, metadata)
        try third.open()
        #expect(!third.lastShutdownWasClean)
        #expect(third.log(topic: "orders", partition: 1)?.logEndOffset == 5)
    }

    @Test func flushSavesCheckpointsAndDeleteRemovesFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        let logs = manager(directory, metadata)
        try logs.open()
        let created = try logs.createPartitions(topic: "clicks", count: 2)
        #expect(created.count == 2)
        #expect(try logs.createPartitions(topic: "clicks", count: 2)[0] === created[0])
        try created[0].append(TestBatch.idempotent(sequence: 0, records: 3))
        try logs.flushAll()
        let saved = try metadata.checkpoint(for: KafkaTopicPartition(topic: "clicks", partition: 0))
        #expect(saved?.recoveryPoint == 3)
        #expect(saved?.producerSnapshotOffset == 3)

        try logs.deleteTopic("clicks")
        #expect(logs.logs(topic: "clicks").isEmpty)
        #expect(!FileSystem.isDirectory(logs.topicsDirectory + "/clicks-0"))
        #expect(try metadata.checkpoint(for: KafkaTopicPartition(topic: "clicks", partition: 0)) == nil)
    }
}
