/// What the client knows of a cluster: its brokers and, per topic, each partition's leader.
public struct ClusterMetadata: Sendable, Hashable {
    /// A topic's partitions.
    public struct Topic: Sendable, Hashable {
        /// Topic name.
        public var name: String
        /// Leader node per partition index; -1 while a partition has no leader.
        public var leaders: [Int32: Int32]
        /// Number of partitions.
        public var partitionCount: Int { leaders.count }

        /// A topic from its leader table.
        public init(name: String, leaders: [Int32: Int32]) {
            self.name = name
            self.leaders = leaders
        }
    }

    /// Broker addresses by node id.
    public var brokers: [Int32: BrokerAddress]
    /// Topics by name.
    public var topics: [String: Topic]

    /// Metadata from its parts.
    public init(brokers: [Int32: BrokerAddress] = [:], topics: [String: Topic] = [:]) {
        self.brokers = brokers
        self.topics = topics
    }

    /// The leader of a partition, if known.
    public func leader(topic: String, partition: Int32) -> Int32? {
        guard let node = topics[topic]?.leaders[partition], node >= 0 else { return nil }
        return node
    }

    /// Merges a Metadata response: brokers are replaced, topics without error are updated, and
    /// topics the cluster no longer has are forgotten: those it answers UNKNOWN_TOPIC_OR_PARTITION
    /// for and, when the response lists every topic (`complete`), those it leaves out. Otherwise
    /// a deleted topic would stay listed, and every call that asks its partitions would fail.
    /// Returns the per-topic errors the response carried.
    @discardableResult
    mutating func merge(_ response: MetadataResponse, complete: Bool = false) -> [String: KafkaErrorCode] {
        if complete {
            let listed = Set(response.topics.compactMap(\.name))
            topics = topics.filter { listed.contains($0.key) }
        }
        if !response.brokers.isEmpty {
            brokers = Dictionary(
                response.brokers.map { ($0.nodeId, BrokerAddress(host: $0.host, port: Int($0.port))) },
                uniquingKeysWith: { first, _ in first }
            )
        }
        var errors: [String: KafkaErrorCode] = [:]
        for topic in response.topics {
            guard let name = topic.name else { continue }
            let code = KafkaErrorCode(rawValue: topic.errorCode)
            guard code == .none, !topic.partitions.isEmpty else {
                errors[name] = code == .none ? .leaderNotAvailable : code
                if code == .unknownTopicOrPartition { topics[name] = nil }
                continue
            }
            var leaders: [Int32: Int32] = [:]
            for partition in topic.partitions {
                let partitionCode = KafkaErrorCode(rawValue: partition.errorCode)
                leaders[partition.partitionIndex] = partitionCode == .none ? partition.leaderId : -1
            }
            topics[name] = Topic(name: name, leaders: leaders)
        }
        return errors
    }
}
