extension FetchRequest {
    /// A consumer's Fetch (no replica, no fetch session, read_uncommitted) of each partition
    /// from its offset, topics and partitions in order.
    static func reading(
        _ offsets: [KafkaTopicPartition: Int64],
        maxWaitMs: Int32,
        minBytes: Int32,
        maxBytes: Int32,
        partitionMaxBytes: Int32
    ) -> FetchRequest {
        let byTopic = Dictionary(grouping: offsets.keys, by: \.topic)
        return FetchRequest(
            replicaId: -1,
            maxWaitMs: maxWaitMs,
            minBytes: minBytes,
            maxBytes: maxBytes,
            isolationLevel: 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: byTopic.keys.sorted().map { topic in
                FetchRequest.FetchTopic(
                    topic: topic,
                    partitions: byTopic[topic]!.sorted().map {
                        .init(partition: $0.partition, fetchOffset: offsets[$0]!, partitionMaxBytes: partitionMaxBytes)
                    }
                )
            }
        )
    }
}
