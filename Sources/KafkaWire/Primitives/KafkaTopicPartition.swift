/// One partition of one topic: how the producer keys its queues, the consumer names its
/// assignment and the broker keeps its logs, offsets and producer state. Prints as
/// `topic-partition`, the name of the partition's directory in Kafka's layout.
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// Topic name.
    public var topic: String
    /// Partition index.
    public var partition: Int32

    /// A partition of `topic`.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }

    public static func < (lhs: KafkaTopicPartition, rhs: KafkaTopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
