import Logging
import NIOCore

/// Administrative calls over the Kafka protocol: topics (list, describe with offsets, create,
/// delete; changes in KafkaAdmin+TopicChanges.swift, one record written by hand in
/// KafkaAdmin+RecordWriting.swift) and consumer groups (list, describe with members, committed
/// offsets and lag). The broker console and the operator commands use it, so both work against
/// any Kafka-compatible cluster, not only the embedded broker.
public actor KafkaAdmin {
    /// The cluster connections it uses.
    public nonisolated let cluster: KafkaCluster

    /// An admin client; connections open on first use.
    ///
    /// - Parameter eventLoopGroup: the event loops for connections; without one a one-thread
    ///   group is created and stopped on `close`.
    public init(
        configuration: KafkaClusterConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "kafka.admin")
    ) {
        var configuration = configuration
        // Looking at a topic must never create it.
        configuration.allowAutoTopicCreation = false
        cluster = KafkaCluster(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Closes the connections.
    public func close() async {
        await cluster.shutdown()
    }

    /// Every topic with its partitions and offsets, by name.
    public func listTopics() async throws -> [TopicDescription] {
        let (metadata, _) = try await cluster.refreshMetadata(topics: nil)
        return try await describe(metadata.topics.values.sorted { $0.name < $1.name }, configs: [:])
    }

    /// One topic with its partitions, offsets and configs.
    ///
    /// - Throws: `.brokerError` with UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist.
    public func describeTopic(_ name: String) async throws -> TopicDescription {
        let (metadata, errors) = try await cluster.refreshMetadata(topics: [name])
        if let code = errors[name] { throw KafkaClientError.broker(code, "describing topic \(name)") }
        guard let topic = metadata.topics[name] else {
            throw KafkaClientError.broker(.unknownTopicOrPartition, "describing topic \(name)")
        }
        return try await describe([topic], configs: [name: try await topicConfigs(name)]).first!
    }

    /// Creates a topic.
    ///
    /// - Throws: `.brokerError` with the broker's code and message (TOPIC_ALREADY_EXISTS,
    ///   INVALID_PARTITIONS, INVALID_CONFIG, ...).
    public func createTopic(_ name: String, partitions: Int32, configs: [String: String] = [:]) async throws {
        let request = CreateTopicsRequest(
            topics: [
                .init(
                    name: name,
                    numPartitions: partitions,
                    replicationFactor: -1,
                    configs: configs.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }
                )
            ],
            timeoutMs: 30_000
        )
        let response: CreateTopicsResponse = try await send(request, maximumVersion: 7)
        for result in response.topics {
            try Self.check(result.errorCode, result.errorMessage, "creating topic \(result.name)")
        }
    }

    /// Deletes a topic and its records.
    ///
    /// - Throws: `.brokerError` (UNKNOWN_TOPIC_OR_PARTITION for a topic that does not exist).
    public func deleteTopic(_ name: String) async throws {
        let request = DeleteTopicsRequest(topics: [.init(name: name)], topicNames: [name], timeoutMs: 30_000)
        let response: DeleteTopicsResponse = try await send(request, maximumVersion: 4)
        for result in response.responses {
            try Self.check(result.errorCode, result.errorMessage, "deleting topic \(result.name ?? name)")
        }
    }

    /// Earliest and latest offsets of `partitions`, asked of each partition's leader.
    public func offsets(
        of partitions: [KafkaTopicPartition]
    ) async throws -> [KafkaTopicPartition: (earliest: Int64, latest: Int64)] {
        var result: [KafkaTopicPartition: (earliest: Int64, latest: Int64)] = [:]
        for (node, partitions) in try await partitionsByLeader(partitions) {
            let earliest = try await listOffsets(partitions, timestamp: -2, node: node)
            let latest = try await listOffsets(partitions, timestamp: -1, node: node)
            for partition in partitions {
                result[partition] = (earliest[partition] ?? 0, latest[partition] ?? 0)
            }
        }
        return result
    }

    /// Each partition's first offset whose record is at or after `millis` (ms since the epoch),
    /// asked of its leader (ListOffsets by time); nil where no record is that recent.
    public func offsets(
        forTime millis: Int64,
        of partitions: [KafkaTopicPartition]
    ) async throws -> [KafkaTopicPartition: Int64?] {
        var found: [KafkaTopicPartition: Int64?] = [:]
        for (node, group) in try await partitionsByLeader(partitions) {
            for (partition, offset) in try await listOffsets(group, timestamp: millis, node: node) {
                found[partition] = offset >= 0 ? offset : nil
            }
        }
        return found
    }

    /// `partitions` grouped by the node id of their leader; those without a leader are left out.
    func partitionsByLeader(_ partitions: [KafkaTopicPartition]) async throws -> [Int32: [KafkaTopicPartition]] {
        let metadata = await cluster.cachedMetadata
        var byLeader: [Int32: [KafkaTopicPartition]] = [:]
        for partition in partitions {
            var leader = metadata.leader(topic: partition.topic, partition: partition.partition)
            if leader == nil { leader = try await cluster.topic(partition.topic).leaders[partition.partition] }
            guard let node = leader, node >= 0 else { continue }
            byLeader[node, default: []].append(partition)
        }
        return byLeader
    }

    private func describe(
        _ topics: [ClusterMetadata.Topic],
        configs: [String: [String: String]]
    ) async throws -> [TopicDescription] {
        let partitions = topics.flatMap { topic in
            topic.leaders.keys.map { KafkaTopicPartition(topic: topic.name, partition: $0) }
        }
        let offsets = try await offsets(of: partitions)
        return topics.map { topic in
            TopicDescription(
                name: topic.name,
                partitions: topic.leaders.keys.sorted().map { index in
                    let found = offsets[KafkaTopicPartition(topic: topic.name, partition: index)]
                    return .init(
                        partition: index,
                        leader: topic.leaders[index] ?? -1,
                        earliestOffset: found?.earliest ?? 0,
                        latestOffset: found?.latest ?? 0
                    )
                },
                configs: configs[topic.name] ?? [:]
            )
        }
    }

    func listOffsets(
        _ partitions: [KafkaTopicPartition],
        timestamp: Int64,
        node: Int32
    ) async throws -> [KafkaTopicPartition: Int64] {
        let byTopic = Dictionary(grouping: partitions, by: \.topic)
        let request = ListOffsetsRequest(
            replicaId: -1,
            isolationLevel: 0,
            topics: byTopic.keys.sorted().map { topic in
                .init(
                    name: topic,
                    partitions: byTopic[topic]!.map { .init(partitionIndex: $0.partition, timestamp: timestamp) }
                )
            }
        )
        let connection = try await cluster.connection(toNode: node)
        let response: ListOffsetsResponse = try await connection.send(request, minimumVersion: 1, maximumVersion: 7)
        var result: [KafkaTopicPartition: Int64] = [:]
        for topic in response.topics {
            for answer in topic.partitions {
                let code = KafkaErrorCode(rawValue: answer.errorCode)
                guard code == .none else {
                    throw KafkaClientError.broker(code, "ListOffsets for \(topic.name)-\(answer.partitionIndex)")
                }
                result[KafkaTopicPartition(topic: topic.name, partition: answer.partitionIndex)] = answer.offset
            }
        }
        return result
    }

    /// The topic's configs, or none when the broker does not serve DescribeConfigs.
    private func topicConfigs(_ name: String) async throws -> [String: String] {
        let connection = try await cluster.anyConnection()
        guard (try? connection.negotiatedVersion(for: .describeConfigs, cap: 4)) != nil else { return [:] }
        // Resource type 2 = topic.
        let request = DescribeConfigsRequest(resources: [.init(resourceType: 2, resourceName: name)])
        let response: DescribeConfigsResponse = try await connection.send(request, maximumVersion: 4)
        var configs: [String: String] = [:]
        for result in response.results where KafkaErrorCode(rawValue: result.errorCode) == .none {
            for entry in result.configs { configs[entry.name] = entry.value ?? "" }
        }
        return configs
    }

    /// Throws the broker's error for a result's code (none: returns), with its message after
    /// `action`.
    static func check(_ errorCode: Int16, _ message: String?, _ action: String) throws {
        let code = KafkaErrorCode(rawValue: errorCode)
        guard code == .none else {
            throw KafkaClientError.broker(code, action + (message.map { ": \($0)" } ?? ""))
        }
    }

    /// Sends an admin request to any broker (the controller role does not exist here; every
    /// broker of the clusters we talk to accepts these).
    func send<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
        _ request: Request,
        maximumVersion: Int16
    ) async throws -> Response {
        let connection = try await cluster.anyConnection()
        return try await connection.send(request, maximumVersion: maximumVersion)
    }
}
