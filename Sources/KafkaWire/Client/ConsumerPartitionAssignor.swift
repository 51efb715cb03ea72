/// How a group leader splits partitions among the members (`partition.assignment.strategy`),
/// with the protocol names the Java client uses so mixed groups agree.
public enum ConsumerPartitionAssignor: String, Sendable, Hashable, CaseIterable {
    /// Per topic, consecutive ranges of partitions to the members in member-id order; the
    /// first members get one more when the count does not divide.
    case range = "range"
    /// All partitions, in topic and partition order, dealt one by one to the members in
    /// member-id order, skipping members not subscribed to the partition's topic.
    case roundRobin = "roundrobin"

    /// The protocol name sent in JoinGroup.
    public var protocolName: String { rawValue }

    /// Splits the partitions of the subscribed topics among `subscriptions` (member id to
    /// topics). `partitionCounts` gives each topic's partition count; topics missing from it
    /// are left out. Every member gets an entry, possibly empty.
    public func assign(
        subscriptions: [String: [String]],
        partitionCounts: [String: Int32]
    ) -> [String: [KafkaTopicPartition]] {
        var result = Dictionary(uniqueKeysWithValues: subscriptions.keys.map { ($0, [KafkaTopicPartition]()) })
        let members = subscriptions.keys.sorted()
        let topics = Set(subscriptions.values.joined()).filter { partitionCounts[$0] != nil }.sorted()
        switch self {
        case .range:
            for topic in topics {
                let subscribers = members.filter { subscriptions[$0]!.contains(topic) }
                let count = Int(partitionCounts[topic]!)
                let share = count / subscribers.count
                let extra = count % subscribers.count
                var next = 0
                for (index, member) in subscribers.enumerated() {
                    let size = share + (index < extra ? 1 : 0)
                    result[member]! += (next..<(next + size)).map {
                        KafkaTopicPartition(topic: topic, partition: Int32($0))
                    }
                    next += size
                }
            }
        case .roundRobin:
            var turn = 0
            for topic in topics {
                for partition in 0..<partitionCounts[topic]! {
                    // Some member subscribes to every topic in `topics`, so this ends.
                    while !subscriptions[members[turn % members.count]]!.contains(topic) { turn += 1 }
                    result[members[turn % members.count]]!.append(
                        KafkaTopicPartition(topic: topic, partition: partition)
                    )
                    turn += 1
                }
            }
        }
        return result
    }
}
