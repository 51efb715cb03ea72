import Logging
import NIOCore
import NIOPosix

/// The client's view of a Kafka cluster: one connection per broker node, and a metadata cache
/// mapping topics to partitions to leader nodes.
///
/// It bootstraps from `KafkaClusterConfiguration.bootstrapServers`, reconnects with exponential
/// backoff and jitter, and refreshes metadata on demand: producers and consumers call
/// `refreshMetadata(topics:)` when a broker answers UNKNOWN_TOPIC_OR_PARTITION,
/// NOT_LEADER_OR_FOLLOWER or LEADER_NOT_AVAILABLE (see `KafkaErrorCode.isStaleMetadata`).
public actor KafkaCluster {
    /// The configuration the cluster was created with.
    public nonisolated let configuration: KafkaClusterConfiguration
    /// The event loops connections run on.
    public nonisolated let eventLoopGroup: any EventLoopGroup
    nonisolated let logger: Logger

    private let ownsEventLoopGroup: Bool
    private var metadata = ClusterMetadata()
    var connections: [BrokerAddress: Task<BrokerConnection, any Error>] = [:]
    var isShutDown = false

    /// A cluster client. Without `eventLoopGroup` it creates (and on `shutdown` stops) a
    /// one-thread `MultiThreadedEventLoopGroup`.
    public init(
        configuration: KafkaClusterConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "kafka.client")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.ownsEventLoopGroup = eventLoopGroup == nil
        self.logger = logger
    }

    /// The metadata cached so far.
    public var cachedMetadata: ClusterMetadata { metadata }

    /// The connection to broker `node`, opened (with retries) if needed.
    ///
    /// - Throws: `.metadataUnavailable` for a node the metadata does not name,
    ///   `.brokerUnreachable` after `connectAttempts` failed connects.
    public func connection(toNode node: Int32) async throws -> BrokerConnection {
        guard let address = metadata.brokers[node] else {
            throw KafkaClientError(
                .metadataUnavailable,
                "broker node \(node) is not in the cluster metadata; refreshing metadata"
            )
        }
        return try await connection(to: [address])
    }

    /// A connection to any broker: an open one if there is one, else the known brokers and the
    /// bootstrap servers in turn.
    public func anyConnection() async throws -> BrokerConnection {
        for task in connections.values {
            if let connection = try? await task.value, connection.isActive { return connection }
        }
        var candidates = Array(metadata.brokers.values)
        candidates += configuration.bootstrapServers.filter { !candidates.contains($0) }
        return try await connection(to: candidates)
    }

    /// Asks a broker for the metadata of `topics` (all topics when nil) and merges it into the
    /// cache. Returns the updated metadata and the per-topic errors the broker reported.
    @discardableResult
    public func refreshMetadata(
        topics: [String]?
    ) async throws -> (metadata: ClusterMetadata, errors: [String: KafkaErrorCode]) {
        let connection = try await anyConnection()
        let request = MetadataRequest(
            topics: topics?.map { MetadataRequest.MetadataRequestTopic(name: $0) },
            allowAutoTopicCreation: configuration.allowAutoTopicCreation
        )
        do {
            let response = try await connection.send(request, expecting: MetadataResponse.self)
            let errors = metadata.merge(response, complete: topics == nil)
            return (metadata, errors)
        } catch {
            await drop(connection)
            throw error
        }
    }

    /// The partitions and leaders of `topic`, refreshing metadata until every partition has a
    /// leader (a topic the broker just created may have none yet).
    ///
    /// - Throws: `.metadataUnavailable` with the broker's error code after `metadataAttempts`,
    ///   or at once for errors that retrying cannot fix (e.g. INVALID_TOPIC_EXCEPTION).
    public func topic(_ name: String, refresh: Bool = false) async throws -> ClusterMetadata.Topic {
        if !refresh, let topic = metadata.topics[name], topic.leaders.values.allSatisfy({ $0 >= 0 }) {
            return topic
        }
        var lastError = KafkaErrorCode.leaderNotAvailable
        for attempt in 1...max(1, configuration.metadataAttempts) {
            let (metadata, errors) = try await refreshMetadata(topics: [name])
            if let topic = metadata.topics[name], errors[name] == nil, topic.leaders.values.allSatisfy({ $0 >= 0 }) {
                return topic
            }
            lastError = errors[name] ?? .leaderNotAvailable
            guard lastError.isStaleMetadata else { break }
            logger.debug("metadata for topic \(name) not ready (\(lastError.name)); retrying (attempt \(attempt))")
            try await Task.sleep(for: configuration.reconnectBackoff.delay(forAttempt: attempt))
        }
        throw KafkaClientError(
            .metadataUnavailable,
            kafkaErrorCode: lastError,
            """
            topic \(name) has no usable metadata (\(lastError.name)); check that the topic exists or that the \
            broker may create it
            """
        )
    }

    /// Closes a connection that failed, so the next use reconnects.
    public func drop(_ connection: BrokerConnection) async {
        if let task = connections[connection.address], let current = try? await task.value, current === connection {
            connections[connection.address] = nil
        }
        await connection.close()
    }

    /// Closes every connection and, if the cluster created it, stops the event loop group.
    public func shutdown() async {
        isShutDown = true
        let tasks = Array(connections.values)
        connections.removeAll()
        for task in tasks {
            if let connection = try? await task.value { await connection.close() }
        }
        if ownsEventLoopGroup { try? await eventLoopGroup.shutdownGracefully() }
    }
}
