/// A topic partition: how the producer keys its queues and the consumer its positions.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible, Comparable {
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

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}
