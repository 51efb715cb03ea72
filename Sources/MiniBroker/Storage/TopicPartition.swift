/// One partition of one topic: the unit the logs, offsets and producer state are kept by.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic-partition`, as Kafka names the partition's directory and as logs print it.
    public var description: String { "\(topic)-\(partition)" }
}
