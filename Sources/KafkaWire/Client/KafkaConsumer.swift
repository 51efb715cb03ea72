import Logging
import NIOCore

/// An asynchronous Kafka consumer.
///
/// Partitions come either from `assign` (manual assignment, each with a start position) or
/// from `subscribe` (classic consumer-group membership: the coordinator elects a leader, the
/// leader splits the partitions with a `ConsumerPartitionAssignor`, and a background task
/// heartbeats). `poll()` sends one Fetch per leader broker and returns whole record batches,
/// decompressed and CRC-checked, advancing each partition's position past them; a caller
/// reads the records with `FetchedBatch.forEachRecord` without an allocation per record.
///
/// Offsets are committed explicitly with `commit`. Call `close()` when done: it leaves the
/// group and closes the connections.
public actor KafkaConsumer {
    /// The configuration the consumer was created with.
    public nonisolated let configuration: KafkaConsumerConfiguration
    /// The cluster connections the consumer uses.
    public nonisolated let cluster: KafkaCluster
    nonisolated let logger: Logger

    /// Assigned partitions, in topic and partition order.
    var assigned: [KafkaTopicPartition] = []
    /// Next offset to fetch per partition, once known.
    var positions: [KafkaTopicPartition: Int64] = [:]
    /// The high watermark per partition, as the last fetch response gave it.
    var highWatermarks: [KafkaTopicPartition: Int64] = [:]
    /// Partitions whose position still has to be looked up (ListOffsets).
    var pendingPositions: [KafkaTopicPartition: ConsumerPosition] = [:]
    /// Topics whose leaders a broker said are out of date.
    var staleTopics: Set<String> = []
    var isClosed = false

    // Group membership (classic protocol).
    var subscription: [String]?
    var memberID = ""
    var generationID: Int32 = -1
    var needsRejoin = false
    var isJoining = false
    var coordinator: BrokerConnection?
    var heartbeatTask: Task<Void, Never>?

    /// Creates a consumer. Connections open on first use.
    ///
    /// - Parameter eventLoopGroup: the event loops for connections; without one the consumer
    ///   creates a one-thread group and stops it on `close`.
    public init(
        configuration: KafkaConsumerConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "kafka.consumer")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.cluster = KafkaCluster(
            configuration: configuration.cluster,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
    }

    /// The partitions the consumer reads, in topic and partition order.
    public var assignment: [KafkaTopicPartition] { assigned }

    /// The high watermark (offset after the last committed record) of each partition as the
    /// latest fetch response reported it: what lag is measured against.
    public var fetchedHighWatermarks: [KafkaTopicPartition: Int64] { highWatermarks }

    /// Reads exactly `partitions`, each from its start position, replacing any previous
    /// assignment. Positions are looked up on the next `poll` or `position` call.
    ///
    /// - Throws: `.invalidConfiguration` after `subscribe` (a group assigns the partitions).
    public func assign(_ partitions: [(topic: String, partition: Int32, position: ConsumerPosition)]) throws {
        try checkOpen()
        guard subscription == nil else {
            throw KafkaClientError(
                .invalidConfiguration,
                "the consumer subscribed to topics; the group assigns its partitions, so assign cannot be used"
            )
        }
        positions = [:]
        pendingPositions = [:]
        for entry in partitions {
            pendingPositions[KafkaTopicPartition(topic: entry.topic, partition: entry.partition)] = entry.position
        }
        assigned = pendingPositions.keys.sorted()
    }

    /// Moves an assigned partition's position; the next `poll` fetches from there.
    ///
    /// - Throws: `.invalidConfiguration` when the partition is not assigned.
    public func seek(topic: String, partition: Int32, to position: ConsumerPosition) throws {
        let key = KafkaTopicPartition(topic: topic, partition: partition)
        guard assigned.contains(key) else {
            throw KafkaClientError(
                .invalidConfiguration,
                "cannot seek \(key): the partition is not assigned to this consumer"
            )
        }
        positions[key] = nil
        pendingPositions[key] = position
    }

    /// The next offset `poll` will fetch from a partition, looked up first if needed; nil for
    /// a partition that is not assigned.
    public func position(topic: String, partition: Int32) async throws -> Int64? {
        try checkOpen()
        try await resolvePendingPositions()
        return positions[KafkaTopicPartition(topic: topic, partition: partition)]
    }

    /// Fetches the next batches of the assigned partitions: one Fetch request per leader
    /// broker, waiting at most `fetchMaxWait` when there is nothing new. Joins or rejoins the
    /// group first when subscribed.
    ///
    /// - Throws: `KafkaClientError` for broker errors the consumer cannot handle itself, a
    ///   batch that fails its CRC or cannot be decompressed, or unreachable brokers.
    public func poll() async throws -> [FetchedBatch] {
        try checkOpen()
        if subscription != nil { try await ensureMembership() }
        await refreshStaleTopics()
        try await resolvePendingPositions()
        return try await fetch()
    }

    /// Leaves the group (when subscribed), stops the heartbeats and closes the connections.
    public func close() async {
        guard !isClosed else { return }
        isClosed = true
        heartbeatTask?.cancel()
        heartbeatTask = nil
        await leaveGroup()
        await cluster.shutdown()
    }

    func checkOpen() throws {
        if isClosed { throw KafkaClientError(.connectionClosed, "the consumer was closed; create a new one") }
    }

    /// Asks again for the leaders of topics a broker said we have wrong; failures are left
    /// for the next poll.
    func refreshStaleTopics() async {
        for topic in staleTopics.sorted() {
            do {
                _ = try await cluster.topic(topic, refresh: true)
                staleTopics.remove(topic)
            } catch {
                logger.warning("metadata refresh for topic \(topic) failed: \(error)")
            }
        }
    }

    /// The leader node of a partition, asking for the topic's metadata when it is not cached.
    func leader(of partition: KafkaTopicPartition) async throws -> Int32 {
        if let node = await cluster.cachedMetadata.leader(topic: partition.topic, partition: partition.partition) {
            return node
        }
        let topic = try await cluster.topic(partition.topic)
        guard let node = topic.leaders[partition.partition], node >= 0 else {
            throw KafkaClientError(
                .metadataUnavailable,
                kafkaErrorCode: .unknownTopicOrPartition,
                """
                partition \(partition) does not exist (topic \(partition.topic) has \(topic.partitionCount) \
                partitions)
                """
            )
        }
        return node
    }
}
