import KafkaWire
import NIOCore

extension KafkaBrokerConsole {
    public func createTopic(_ name: String, partitions: Int32, configs: [String: String]) async throws {
        try await admin.createTopic(name, partitions: partitions, configs: configs)
    }

    public func deleteTopic(_ name: String) async throws {
        try await admin.deleteTopic(name)
    }

    public func addPartitions(_ topic: String, totalCount: Int32) async throws {
        try await admin.createPartitions(topic, totalCount: totalCount)
    }

    public func alterTopicConfigs(_ topic: String, _ changes: [KafkaAdmin.ConfigChange]) async throws {
        try await admin.alterTopicConfigs(topic, changes)
    }

    public func deleteRecords(_ topic: String, partition: Int32?, before offset: Int64) async throws -> [Int32: Int64] {
        let partitions: [Int32]
        if let partition {
            partitions = [partition]
        } else {
            partitions = try await admin.describeTopic(topic).partitions.map(\.partition)
        }
        let targets = Dictionary(
            uniqueKeysWithValues: partitions.map { (KafkaTopicPartition(topic: topic, partition: $0), offset) }
        )
        let earliest = try await admin.deleteRecords(before: targets)
        return Dictionary(uniqueKeysWithValues: earliest.map { ($0.key.partition, $0.value) })
    }

    public func writeRecord(_ draft: ConsoleRecordDraft, to topic: String) async throws -> KafkaAdmin.WrittenRecord {
        try await admin.writeRecord(
            topic: topic,
            partition: draft.partition,
            key: draft.key.map { Array($0.utf8) },
            value: draft.value.map { Array($0.utf8) },
            headers: draft.headers.map { RecordHeader(key: $0.key, value: ByteBuffer(string: $0.value)) }
        )
    }

    public func planOffsetReset(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan {
        try await admin.planOffsetReset(group: group, topic: topic, to: target)
    }

    public func resetOffsets(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan {
        let plan = try await admin.planOffsetReset(group: group, topic: topic, to: target)
        try await admin.applyOffsetReset(plan)
        return plan
    }

    public func deleteGroup(_ id: String) async throws {
        try await admin.deleteGroup(id)
    }
}
