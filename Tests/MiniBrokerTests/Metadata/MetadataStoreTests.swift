import KafkaWire
import SQLite
import Testing

@testable import MiniBroker

@Suite("Metadata store")
struct MetadataStoreTests {
    @Test func topicsWithConfigsAndIds() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try MetadataStore(dataDirectory: directory.path)
        let id = KafkaUUID.random()
        try store.createTopic(TopicRecord(name: "orders", id: id, partitionCount: 3, configs: ["retention.ms": "1000"]))
        try store.createTopic(TopicRecord(name: "audit", id: .random(), partitionCount: 1))
        let error = #expect(throws: SQLiteError.self) {
            try store.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 1))
        }
        #expect(error?.isConstraintViolation == true)

        #expect(try store.topics().map(\.name) == ["audit", "orders"])
        #expect(
            try store.topic(named: "orders")
                == TopicRecord(
                    name: "orders",
                    id: id,
                    partitionCount: 3,
                    configs: ["retention.ms": "1000"]
                )
        )
        try store.setPartitionCount(5, of: "orders")
        try store.setPartitionCount(2, of: "orders")
        try store.setConfigs(["compression.type": "lz4"], of: "orders")
        #expect(try store.topic(named: "orders")?.partitionCount == 5)
        #expect(try store.topic(named: "orders")?.configs == ["compression.type": "lz4"])

        try store.deleteTopic("orders")
        #expect(try store.topic(named: "orders") == nil)
        try store.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 1))
        #expect(try store.topic(named: "orders")?.configs == [:])
    }

    @Test func committedOffsets() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try MetadataStore(dataDirectory: directory.path)
        try store.commitOffsets([
            CommittedOffset(group: "analyzer", topic: "orders", partition: 0, offset: 10, commitTime: 1),
            CommittedOffset(
                group: "analyzer",
                topic: "orders",
                partition: 1,
                offset: 20,
                leaderEpoch: 3,
                metadata: "m",
                commitTime: 1
            ),
            CommittedOffset(group: "audit", topic: "clicks", partition: 0, offset: 5, commitTime: 1),
        ])
        try store.commitOffsets([
            CommittedOffset(group: "analyzer", topic: "orders", partition: 0, offset: 15, commitTime: 2)
        ])

        #expect(try store.committedOffsets(group: "analyzer").map(\.offset) == [15, 20])
        #expect(
            try store.committedOffset(group: "analyzer", topic: "orders", partition: 1)
                == CommittedOffset(
                    group: "analyzer",
                    topic: "orders",
                    partition: 1,
                    offset: 20,
                    leaderEpoch: 3,
                    metadata: "m",
                    commitTime: 1
                )
        )
        #expect(try store.committedOffset(group: "analyzer", topic: "orders", partition: 0)?.metadata == nil)
        #expect(try store.committedOffset(group: "analyzer", topic: "orders", partition: 9) == nil)
        #expect(try store.groupsWithOffsets() == ["analyzer", "audit"])

        try store.deleteOffsets(topic: "clicks")
        #expect(try store.groupsWithOffsets() == ["analyzer"])
        try store.deleteOffsets(group: "analyzer")
        #expect(try store.groupsWithOffsets().isEmpty)
    }

    @Test func deletingATopicDeletesItsOffsetsAndCheckpoints() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try MetadataStore(dataDirectory: directory.path)
        try store.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 1))
        try store.commitOffsets([CommittedOffset(group: "g", topic: "orders", partition: 0, offset: 1, commitTime: 0)])
        let partition = KafkaTopicPartition(topic: "orders", partition: 0)
        try store.saveCheckpoints([
            partition: PartitionCheckpoint(recoveryPoint: 1, producerSnapshotOffset: 1, producerSnapshot: [])
        ])
        try store.saveLogStartOffset(1, for: partition)
        try store.deleteTopic("orders")
        #expect(try store.committedOffsets(group: "g").isEmpty)
        #expect(try store.checkpoint(for: partition) == nil)
        #expect(try store.logStartOffset(for: partition) == nil)
    }

    @Test func everythingSurvivesReopening() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let partition = KafkaTopicPartition(topic: "orders", partition: 2)
        let checkpoint = PartitionCheckpoint(
            recoveryPoint: 42,
            producerSnapshotOffset: 40,
            producerSnapshot: [1, 2, 3]
        )
        do {
            let store = try MetadataStore(dataDirectory: directory.path)
            #expect(try store.allocateProducerID() == 0)
            #expect(try store.allocateProducerID() == 1)
            try store.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 3))
            try store.commitOffsets([
                CommittedOffset(group: "g", topic: "orders", partition: 2, offset: 7, commitTime: 0)
            ])
            try store.saveCheckpoints([partition: checkpoint])
            try store.saveCheckpoints([partition: checkpoint])
            try store.saveLogStartOffset(5, for: partition)
            try store.saveLogStartOffset(9, for: partition)
            try store.setBrokerConfigs(["log.retention.ms": "1000"], scope: .clusterDefault)
            try store.setBrokerConfigs(["log.segment.bytes": "2000", "log.retention.ms": "3000"], scope: .broker)
            try store.setConfigs(["retention.ms": "60000"], of: "orders")
        }
        let store = try MetadataStore(dataDirectory: directory.path)
        #expect(try store.allocateProducerID() == 2)
        #expect(try store.topic(named: "orders")?.partitionCount == 3)
        #expect(try store.committedOffset(group: "g", topic: "orders", partition: 2)?.offset == 7)
        #expect(try store.checkpoint(for: partition) == checkpoint)
        #expect(try store.logStartOffset(for: partition) == 9)
        let brokerConfigs = try store.brokerConfigs()
        #expect(brokerConfigs[.clusterDefault] == ["log.retention.ms": "1000"])
        #expect(brokerConfigs[.broker] == ["log.segment.bytes": "2000", "log.retention.ms": "3000"])
        #expect(try store.topic(named: "orders")?.configs == ["retention.ms": "60000"])
    }

    @Test func schemaIsVersionedAndANewerOneIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/" + MetadataStore.fileName
        _ = try MetadataStore(path: path)
        let database = try SQLiteDatabase(path: path)
        #expect(try database.userVersion() == MetadataStore.schemaVersion)
        try database.setUserVersion(MetadataStore.schemaVersion + 1)
        #expect(throws: SQLiteError.self) { try MetadataStore(path: path) }
    }

    @Test func uuidsRoundTripThroughTheirBytes() {
        let id = KafkaUUID.random()
        #expect(MetadataStore.uuid(from: MetadataStore.bytes(of: id)) == id)
        #expect(MetadataStore.bytes(of: KafkaUUID(high: 0x0102, low: 0)).prefix(8) == [0, 0, 0, 0, 0, 0, 1, 2])
    }
}
