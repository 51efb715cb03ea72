import KafkaWire
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The broker console over the Kafka protocol (`KafkaAdmin` for topics, groups and
/// transactions, a group-less consumer for the message tail), so it shows an external cluster
/// as well as the embedded broker. With the embedded broker's data directory it also adds partition
/// sizes from disk, and with its cleaner figures what the log cleaner did to a compacted topic.
public final class KafkaBrokerConsole: BrokerConsoleSource {
    let admin: KafkaAdmin
    private let bootstrapServers: [BrokerAddress]
    private let security: KafkaClientSecurity
    private let topicsDirectory: String?
    private let cleanerFigures: CleanerFiguresProvider?
    public let wire: (any BrokerWireView)?
    private let logger: Logger
    /// The last total of every partition's latest offset, when it was read, and the rate then.
    private let lastTotal = Mutex<(offsets: Int64, at: ContinuousClock.Instant, rate: Double)?>(nil)

    /// A console of the cluster at `bootstrapServers`.
    ///
    /// - Parameters:
    ///   - dataDirectory: the embedded broker's data directory; nil for an external cluster.
    ///   - cleanerFigures: the embedded broker's log cleaner figures; nil for an external cluster.
    ///   - wire: the embedded broker's view of its clients; nil for an external cluster.
    ///   - security: TLS and the SASL login of the console's connections.
    public init(
        bootstrapServers: [BrokerAddress],
        security: KafkaClientSecurity = .plaintext,
        dataDirectory: String?,
        cleanerFigures: CleanerFiguresProvider? = nil,
        wire: (any BrokerWireView)? = nil,
        logger: Logger
    ) {
        var cluster = KafkaClusterConfiguration(bootstrapServers: bootstrapServers, clientID: "aseed-console")
        cluster.requestTimeout = .seconds(5)
        cluster.security = security
        admin = KafkaAdmin(configuration: cluster, logger: logger)
        self.bootstrapServers = bootstrapServers
        self.security = security
        topicsDirectory = dataDirectory.map { $0 + "/topics" }
        self.cleanerFigures = cleanerFigures
        self.wire = wire
        self.logger = logger
    }

    /// Messages per second written to the cluster, from the growth of every partition's latest
    /// offset between two calls at least 2 s apart (a quicker call gets the last figure).
    public func messagesPerSecond() async -> Double {
        let now = ContinuousClock.now
        if let last = lastTotal.withLock({ $0 }), now - last.at < .seconds(2) { return last.rate }
        guard let topics = try? await admin.listTopics() else { return 0 }
        let total = topics.reduce(Int64(0)) { sum, topic in
            sum + topic.partitions.reduce(0) { $0 + $1.latestOffset }
        }
        return lastTotal.withLock { last in
            var rate = 0.0
            if let previous = last {
                let elapsed = now - previous.at
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                rate = total >= previous.offsets && seconds > 0 ? Double(total - previous.offsets) / seconds : 0
            }
            last = (total, now, rate)
            return rate
        }
    }

    public func topics() async throws -> [ConsoleTopic] {
        try await admin.listTopics().map { convert($0, withConfigs: false) }
    }

    public func topic(named name: String) async throws -> ConsoleTopic? {
        let description: TopicDescription
        do {
            description = try await admin.describeTopic(name)
        } catch let error as KafkaClientError where error.kafkaErrorCode == .unknownTopicOrPartition {
            return nil
        }
        var topic = convert(description, withConfigs: true)
        if let figures = cleanerFigures?(name) { topic.attach(figures) }
        return topic
    }

    public func groups() async throws -> [ConsoleGroup] {
        var groups: [ConsoleGroup] = []
        for listing in try await admin.listGroups() {
            // ListGroups has no member count; a few groups are described one by one.
            let members = (try? await admin.describeGroup(listing.groupID).members.count) ?? 0
            groups.append(
                ConsoleGroup(
                    groupID: listing.groupID,
                    state: listing.state,
                    protocolType: listing.protocolType,
                    members: members
                )
            )
        }
        return groups
    }

    public func group(id: String) async throws -> GroupDescription? {
        let group: GroupDescription
        do {
            group = try await admin.describeGroup(id)
        } catch let error as KafkaClientError where error.kafkaErrorCode == .groupIdNotFound {
            return nil
        }
        // Kafka describes an unknown group as Dead with nothing in it.
        if group.state == "Dead" && group.members.isEmpty && group.offsets.isEmpty { return nil }
        return group
    }

    public func transactions() async throws -> [ConsoleTransaction] {
        do {
            return try await admin.transactions()
        } catch let error as KafkaClientError where error.code == .unsupportedVersion {
            // Its message says what the cluster lacks; "did not answer" would mislead.
            throw DashboardRequestError(.unavailable, error.message)
        }
    }

    public func firstRecordTimes(
        at offsets: [KafkaTopicPartition: Int64]
    ) async throws -> [KafkaTopicPartition: Int64] {
        try await admin.firstRecordTimes(at: offsets)
    }

    public func messages(_ query: MessageQuery) async throws -> [ConsoleMessage] {
        guard let description = try await self.topic(named: query.topic) else {
            throw DashboardRequestError(.notFound, "no topic '\(query.topic)'; /api/broker/topics lists them")
        }
        let partitions = description.partitions.filter { query.partition == nil || $0.partition == query.partition }
        guard !partitions.isEmpty else {
            throw DashboardRequestError(.notFound, "topic '\(query.topic)' has no partition \(query.partition ?? -1)")
        }
        let ranges = try await ranges(of: partitions, for: query)
        let tail = MessageTail(query: query, bootstrapServers: bootstrapServers, security: security, logger: logger)
        return query.answer(try await tail.read(ranges))
    }

    /// The offsets to read in each partition: the time range narrowed to offsets with ListOffsets
    /// by time, then the newest records of it (or those from `fromOffset`), as many as the answer
    /// needs, or up to `MessageQuery.scanLimit` when filters may skip most of them.
    private func ranges(
        of partitions: [ConsolePartition],
        for query: MessageQuery
    ) async throws -> [(partition: Int32, from: Int64, to: Int64)] {
        let topicPartitions = partitions.map { KafkaTopicPartition(topic: query.topic, partition: $0.partition) }
        var starts: [KafkaTopicPartition: Int64?]?
        if let from = query.fromMillis { starts = try await admin.offsets(forTime: from, of: topicPartitions) }
        // The first offset after the range's end; the partition's end where no record is that late.
        var ends: [KafkaTopicPartition: Int64?]?
        if let to = query.toMillis { ends = try await admin.offsets(forTime: to + 1, of: topicPartitions) }
        // A time range is read whole too: producers set timestamps, which need not grow with offsets.
        let narrowed = query.filters || query.fromMillis != nil || query.toMillis != nil
        let window = narrowed ? MessageQuery.scanLimit : Int64(query.limit)
        return zip(partitions, topicPartitions).map { partition, topicPartition in
            var from = partition.earliestOffset
            var to = partition.latestOffset
            if let start = starts?[topicPartition] { from = max(from, start ?? to) }
            if let end = ends?[topicPartition], let end { to = min(to, end) }
            if let fromOffset = query.fromOffset {
                from = max(from, fromOffset)
                to = min(to, from + window)
            } else {
                from = max(from, to - window)
            }
            return (partition.partition, from, max(from, to))
        }
    }

    private func convert(_ topic: TopicDescription, withConfigs: Bool) -> ConsoleTopic {
        ConsoleTopic(
            name: topic.name,
            partitions: topic.partitions.map { partition in
                ConsolePartition(
                    partition: partition.partition,
                    leader: partition.leader,
                    earliestOffset: partition.earliestOffset,
                    latestOffset: partition.latestOffset,
                    sizeBytes: topicsDirectory.flatMap { Self.size(of: "\($0)/\(topic.name)-\(partition.partition)") }
                )
            },
            configs: withConfigs ? topic.configs : [:]
        )
    }

    /// Bytes of the files in a partition directory; nil when there is none.
    private static func size(of directory: String) -> Int64? {
        guard let handle = opendir(directory) else { return nil }
        defer { closedir(handle) }
        var total: Int64 = 0
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            var info = stat()
            if lstat(directory + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                total += Int64(info.st_size)
            }
        }
        return total
    }
}
