import KafkaWire

/// A topic as the metadata store keeps it.
public struct TopicRecord: Sendable, Equatable {
    public var name: String
    /// The topic id Metadata v10+ and Fetch v13+ carry.
    public var id: KafkaUUID
    public var partitionCount: Int32
    /// Topic-level configs (`retention.ms`, `compression.type`, ...), as strings like Kafka's.
    public var configs: [String: String]

    public init(name: String, id: KafkaUUID, partitionCount: Int32, configs: [String: String] = [:]) {
        self.name = name
        self.id = id
        self.partitionCount = partitionCount
        self.configs = configs
    }
}
