/// A topic partition, as the producer keys its queues.
struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    var topic: String
    var partition: Int32
    var description: String { "\(topic)-\(partition)" }
}
