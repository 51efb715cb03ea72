import KafkaWire

/// What the broker console changes in the cluster. The dashboard offers each behind the admin
/// token and logs who did what; the appliance backs them with `KafkaAdmin`, so they work against
/// any Kafka-compatible cluster as Kafka's own tools would.
///
/// Every method throws the cluster's refusal as a `KafkaClientError` carrying its Kafka error
/// code, which the dashboard turns into a sentence saying what fixes it (`BrokerRefusal`).
public protocol BrokerConsoleActions: Sendable {
    /// Creates a topic with `partitions` partitions and topic configs.
    func createTopic(_ name: String, partitions: Int32, configs: [String: String]) async throws
    /// Deletes a topic and its records.
    func deleteTopic(_ name: String) async throws
    /// Grows a topic to `totalCount` partitions.
    func addPartitions(_ topic: String, totalCount: Int32) async throws
    /// Sets and removes topic configs, all or none.
    func alterTopicConfigs(_ topic: String, _ changes: [KafkaAdmin.ConfigChange]) async throws
    /// Deletes the records below `offset` (-1: all) of one partition or of every partition;
    /// returns the new earliest offset by partition.
    func deleteRecords(_ topic: String, partition: Int32?, before offset: Int64) async throws -> [Int32: Int64]
    /// Writes one record and says where it landed.
    func writeRecord(_ draft: ConsoleRecordDraft, to topic: String) async throws -> KafkaAdmin.WrittenRecord
    /// Where `target` would move an idle group's offsets (every partition of `topic`, or those
    /// it committed for); changes nothing.
    func planOffsetReset(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan
    /// Works out the plan again and commits it, if the group is still idle; returns it.
    func resetOffsets(
        group: String,
        topic: String?,
        to target: KafkaAdmin.OffsetResetTarget
    ) async throws -> KafkaAdmin.OffsetResetPlan
    /// Deletes an idle group and its committed offsets.
    func deleteGroup(_ id: String) async throws
}

/// A record an operator writes from the console: text key, value and headers (UTF-8).
public struct ConsoleRecordDraft: Sendable, Equatable {
    /// The partition; nil to let the key choose (or a random one without a key).
    public var partition: Int32?
    /// nil for no key.
    public var key: String?
    /// nil for a tombstone (no value).
    public var value: String?
    public var headers: [ConsoleHeader]

    /// A draft from its parts.
    public init(partition: Int32?, key: String?, value: String?, headers: [ConsoleHeader] = []) {
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// A record header as text.
public struct ConsoleHeader: Sendable, Equatable {
    public var key: String
    public var value: String

    /// A header from its parts.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
