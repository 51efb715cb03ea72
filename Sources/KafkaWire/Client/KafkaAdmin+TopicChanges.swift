import NIOCore

/// Changes to existing topics, as Kafka's own tools make them: more partitions
/// (`kafka-topics --alter`), configs (`kafka-configs --alter`, incrementally) and records
/// deleted up to an offset (`kafka-delete-records`).
extension KafkaAdmin {
    /// One change to a topic config.
    public enum ConfigChange: Sendable, Equatable {
        /// Sets the config to a value.
        case set(String, String)
        /// Removes the topic's own value, so the broker's default applies again.
        case delete(String)
    }

    /// Grows `topic` to `count` partitions in all.
    ///
    /// - Throws: `.broker` with the broker's code and message (INVALID_PARTITIONS when
    ///   `count` is not more than the topic has, UNKNOWN_TOPIC_OR_PARTITION, ...).
    public func createPartitions(_ topic: String, totalCount count: Int32) async throws {
        let request = CreatePartitionsRequest(
            topics: [.init(name: topic, count: count, assignments: nil)],
            timeoutMs: 30_000,
            validateOnly: false
        )
        let response: CreatePartitionsResponse = try await send(request, maximumVersion: 3)
        for result in response.results {
            try Self.check(result.errorCode, result.errorMessage, "adding partitions to topic \(result.name)")
        }
    }

    /// Applies `changes` to `topic`'s configs in one request; the broker takes all or none.
    ///
    /// - Throws: `.broker` (INVALID_CONFIG for an unknown name or a bad value,
    ///   UNKNOWN_TOPIC_OR_PARTITION, ...).
    public func alterTopicConfigs(_ topic: String, _ changes: [ConfigChange]) async throws {
        let configs: [IncrementalAlterConfigsRequest.AlterableConfig] = changes.map { change in
            switch change {
            // Operations: 0 SET, 1 DELETE.
            case .set(let name, let value): .init(name: name, configOperation: 0, value: value)
            case .delete(let name): .init(name: name, configOperation: 1, value: nil)
            }
        }
        // Resource type 2 = topic.
        let request = IncrementalAlterConfigsRequest(
            resources: [.init(resourceType: 2, resourceName: topic, configs: configs)],
            validateOnly: false
        )
        let response: IncrementalAlterConfigsResponse = try await send(request, maximumVersion: 1)
        for result in response.responses {
            try Self.check(result.errorCode, result.errorMessage, "changing the configs of topic \(topic)")
        }
    }

    /// Deletes the records of each partition below its offset (-1: all of them), asking each
    /// partition's leader; returns the partitions' new earliest offsets.
    ///
    /// - Throws: `.broker` (OFFSET_OUT_OF_RANGE for an offset past the end, POLICY_VIOLATION
    ///   on a compacted topic, UNKNOWN_TOPIC_OR_PARTITION, ...).
    public func deleteRecords(
        before offsets: [KafkaTopicPartition: Int64]
    ) async throws -> [KafkaTopicPartition: Int64] {
        let byLeader = try await partitionsByLeader(Array(offsets.keys))
        let led = Set(byLeader.values.joined())
        if let missing = offsets.keys.sorted().first(where: { !led.contains($0) }) {
            throw KafkaClientError.broker(.unknownTopicOrPartition, "deleting records of \(missing)")
        }
        var earliest: [KafkaTopicPartition: Int64] = [:]
        for (node, partitions) in byLeader {
            let byTopic = Dictionary(grouping: partitions, by: \.topic)
            let request = DeleteRecordsRequest(
                topics: byTopic.keys.sorted().map { topic in
                    .init(
                        name: topic,
                        partitions: byTopic[topic]!.sorted { $0.partition < $1.partition }.map {
                            .init(partitionIndex: $0.partition, offset: offsets[$0]!)
                        }
                    )
                },
                timeoutMs: 30_000
            )
            let connection = try await cluster.connection(toNode: node)
            let response: DeleteRecordsResponse = try await connection.send(request, maximumVersion: 2)
            for topic in response.topics {
                for answer in topic.partitions {
                    let partition = "\(topic.name)-\(answer.partitionIndex)"
                    try Self.check(answer.errorCode, nil, "deleting records of \(partition)")
                    earliest[KafkaTopicPartition(topic: topic.name, partition: answer.partitionIndex)] =
                        answer.lowWatermark
                }
            }
        }
        return earliest
    }
}
