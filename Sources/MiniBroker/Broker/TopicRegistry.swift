import KafkaWire
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The broker's topics: names, ids, partition counts and configs (persisted in the
/// `MetadataStore`) together with their partition logs (owned by the `LogManager`).
final class TopicRegistry: Sendable {
    /// One topic as clients see it.
    struct Topic: Sendable {
        var name: String
        var id: KafkaUUID
        var partitionCount: Int32
        var configs: TopicConfigs
    }

    /// Why a topic could not be created, changed or deleted (or a config set), as a Kafka
    /// error.
    struct TopicError: Error {
        var code: KafkaErrorCode
        var message: String
    }

    let topics: Mutex<[String: Topic]>
    let store: MetadataStore
    let logs: LogManager
    let broker: BrokerConfiguration
    let logger: Logger

    init(store: MetadataStore, logs: LogManager, broker: BrokerConfiguration, logger: Logger) throws {
        self.store = store
        self.logs = logs
        self.broker = broker
        self.logger = logger
        var known: [String: Topic] = [:]
        for record in try store.topics() {
            known[record.name] = Topic(
                name: record.name,
                id: record.id,
                partitionCount: record.partitionCount,
                configs: TopicConfigs(overrides: record.configs)
            )
        }
        self.topics = Mutex(known)
    }

    func topic(named name: String) -> Topic? {
        topics.withLock { $0[name] }
    }

    func topic(withID id: KafkaUUID) -> Topic? {
        topics.withLock { topics in topics.values.first { $0.id == id } }
    }

    /// All topics, sorted by name.
    func allTopics() -> [Topic] {
        topics.withLock { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// The settings in force for a topic: start options, dynamic broker configs, its own.
    func configuration(of topic: Topic) -> BrokerConfiguration {
        logs.configuration(topicOverrides: topic.configs.overrides)
    }

    /// The settings a topic without overrides gets.
    var topicDefaults: BrokerConfiguration { logs.configuration(topicOverrides: [:]) }

    /// The dynamic broker configs in force.
    var brokerConfigs: BrokerConfigs { logs.brokerConfigs }

    /// The log of one partition, or nil when the topic or partition does not exist.
    func log(topic: String, partition: Int32) -> PartitionLog? {
        guard let known = self.topic(named: topic), partition >= 0, partition < known.partitionCount else { return nil }
        return logs.log(topic: topic, partition: partition)
    }

    /// The directory holding every partition log (Kafka's log dir; there is one), as an
    /// absolute path, which is what tools show.
    var logDirectory: String {
        let directory = logs.topicsDirectory
        guard let resolved = realpath(directory, nil) else { return directory }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Free and total bytes of the disk the logs are on.
    func diskSpace() -> DiskSpaceGuard.Report {
        logs.diskSpace.report()
    }

    /// Creates a topic; `validateOnly` checks without creating (CreateTopics v1+).
    @discardableResult
    func create(
        name: String,
        partitions: Int32,
        configs: [String: String] = [:],
        validateOnly: Bool = false
    ) throws(TopicError) -> Topic {
        if let problem = TopicRegistry.nameProblem(name) {
            throw TopicError(code: .invalidTopicException, message: problem)
        }
        guard partitions > 0, partitions <= 10_000 else {
            throw TopicError(
                code: .invalidPartitions,
                message: "partition count must be between 1 and 10000, got \(partitions)"
            )
        }
        if let problem = TopicConfigs.problem(in: configs) {
            throw TopicError(code: .invalidConfig, message: problem)
        }
        return try topics.withLock { topics throws(TopicError) -> Topic in
            if topics[name] != nil {
                throw TopicError(code: .topicAlreadyExists, message: "topic '\(name)' already exists")
            }
            try checkPartitionLimit(adding: partitions, to: name, in: topics)
            let topic = Topic(
                name: name,
                id: KafkaUUID.random(),
                partitionCount: partitions,
                configs: TopicConfigs(overrides: configs)
            )
            if validateOnly { return topic }
            do {
                try store.createTopic(
                    TopicRecord(name: name, id: topic.id, partitionCount: partitions, configs: configs)
                )
                try logs.createPartitions(topic: name, count: partitions, configs: configs)
            } catch {
                // All or nothing: a topic half made (no descriptors, a full disk) would be
                // reopened, and fail again, at every start.
                try? logs.deleteTopic(name)
                try? logs.diskSpace.withReserveReleased { try store.deleteTopic(name) }
                logger.error("creating topic \(name) failed, nothing of it kept: \(error)")
                throw TopicError(code: .kafkaStorageError, message: "could not create topic '\(name)': \(error)")
            }
            topics[name] = topic
            logger.info("created topic \(name) with \(partitions) partitions")
            return topic
        }
    }

    /// Returns the topic, creating it with the default partition count when auto-creation is on.
    func existingOrAutoCreated(_ name: String, allowed: Bool) -> Result<Topic, TopicError> {
        if let topic = topic(named: name) { return .success(topic) }
        guard allowed, broker.autoCreateTopics else {
            return .failure(TopicError(code: .unknownTopicOrPartition, message: "unknown topic '\(name)'"))
        }
        do {
            return .success(try create(name: name, partitions: broker.defaultPartitions))
        } catch  where error.code == .topicAlreadyExists {
            // Another connection created it between our look-up and the create.
            return topic(named: name).map { .success($0) } ?? .failure(error)
        } catch {
            return .failure(error)
        }
    }

    func delete(name: String) throws(TopicError) {
        let removed = topics.withLock { $0.removeValue(forKey: name) }
        guard removed != nil else {
            throw TopicError(code: .unknownTopicOrPartition, message: "unknown topic '\(name)'")
        }
        do {
            // On a full disk the metadata store's transaction needs the reserve's room.
            try logs.diskSpace.withReserveReleased {
                try store.deleteTopic(name)
                try logs.deleteTopic(name)
            }
        } catch {
            logger.error("deleting topic \(name) failed: \(error)")
            throw TopicError(code: .kafkaStorageError, message: "could not delete topic '\(name)': \(error)")
        }
        logger.info("deleted topic \(name)")
    }

    /// Refuses partitions that would take the broker past `--max-partitions`.
    func checkPartitionLimit(adding count: Int32, to name: String, in topics: [String: Topic]) throws(TopicError) {
        let held = topics.values.reduce(0) { $0 + Int($1.partitionCount) }
        guard held + Int(count) <= broker.maxPartitions else {
            throw TopicError(
                code: .policyViolation,
                message: """
                    topic '\(name)' would bring the broker to \(held + Int(count)) partitions; \
                    it holds at most \(broker.maxPartitions) (--max-partitions): delete topics or create \
                    fewer partitions
                    """
            )
        }
    }

    /// Kafka's topic name rule: 1-249 characters of [a-zA-Z0-9._-], not "." or "..".
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "topic name is empty" }
        if name == "." || name == ".." { return "topic name cannot be '.' or '..'" }
        if name.utf8.count > 249 { return "topic name is longer than 249 characters" }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        return allowed ? nil : "topic name '\(name)' may contain only letters, digits, '.', '_' and '-'"
    }
}
