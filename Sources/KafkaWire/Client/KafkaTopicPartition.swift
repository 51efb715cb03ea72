/// A topic partition as the consumer names it in its public API (assignment, committed
/// offsets). Separate from the producer's internal key so that modules importing both this
/// and the broker's own partition type see no clash.
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
