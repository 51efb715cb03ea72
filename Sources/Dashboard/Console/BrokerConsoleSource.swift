import KafkaWire

/// Where the broker console reads topics, groups, transactions and messages, and what it changes
/// (`BrokerConsoleActions`). The appliance backs it with `KafkaAdmin` over the Kafka protocol, so
/// the console works against any Kafka-compatible cluster; the dashboard adds the message rates
/// and the JSON.
public protocol BrokerConsoleSource: BrokerConsoleActions {
    /// Every topic with its partitions' offsets, by name.
    func topics() async throws -> [ConsoleTopic]
    /// One topic with its configs and, where known, its partitions' log cleaner figures; nil when
    /// there is no such topic.
    func topic(named name: String) async throws -> ConsoleTopic?
    /// Every consumer group, by id.
    func groups() async throws -> [ConsoleGroup]
    /// One group with its members, committed offsets and lag; nil when there is no such group.
    func group(id: String) async throws -> GroupDescription?
    /// Every transaction the cluster's coordinators know, in every state.
    ///
    /// - Throws: `DashboardRequestError` (`unavailable`) saying so when the cluster does not
    ///   serve the transactions admin APIs.
    func transactions() async throws -> [ConsoleTransaction]
    /// The broker's view of its clients on the wire (connections, their requests, the groups'
    /// rebalances); nil for a broker that is not the appliance's own.
    var wire: (any BrokerWireView)? { get }
    /// The timestamp (ms since the epoch) of the first record at or after each offset; those
    /// with no record there are left out.
    func firstRecordTimes(at offsets: [KafkaTopicPartition: Int64]) async throws -> [KafkaTopicPartition: Int64]
    /// The records of a topic the query asks for (`MessageQuery.answer`: the newest first, or
    /// from an offset oldest first).
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) for an unknown topic or partition.
    func messages(_ query: MessageQuery) async throws -> [ConsoleMessage]
}

/// A topic as the console lists it.
public struct ConsoleTopic: Sendable, Equatable {
    public var name: String
    /// By partition number.
    public var partitions: [ConsolePartition]
    /// Topic configs (`retention.ms`, `compression.type`, ...); empty in listings.
    public var configs: [String: String]

    /// A topic from its parts.
    public init(name: String, partitions: [ConsolePartition], configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.configs = configs
    }

    /// `cleanup.policy` (`delete`, `compact` or `compact,delete`); nil when the configs do not say.
    public var cleanupPolicy: String? { configs["cleanup.policy"] }

    /// Sets each partition's cleaner figures from `figures` (by partition number); a partition
    /// the figures do not name has none.
    public mutating func attach(_ figures: [Int32: ConsoleCleanerFigures]) {
        for index in partitions.indices {
            partitions[index].cleaner = figures[partitions[index].partition]
        }
    }
}

/// One partition's leader and offsets.
public struct ConsolePartition: Sendable, Equatable {
    public var partition: Int32
    /// Broker id of the leader; -1 when there is none.
    public var leader: Int32
    public var earliestOffset: Int64
    public var latestOffset: Int64
    /// Bytes on disk when the broker can tell (the embedded one can), else nil.
    public var sizeBytes: Int64?
    /// What the log cleaner did, for a compacted partition of the embedded broker in a topic's
    /// description; nil otherwise.
    public var cleaner: ConsoleCleanerFigures?

    /// A partition from its parts.
    public init(
        partition: Int32,
        leader: Int32,
        earliestOffset: Int64,
        latestOffset: Int64,
        sizeBytes: Int64? = nil,
        cleaner: ConsoleCleanerFigures? = nil
    ) {
        self.partition = partition
        self.leader = leader
        self.earliestOffset = earliestOffset
        self.latestOffset = latestOffset
        self.sizeBytes = sizeBytes
        self.cleaner = cleaner
    }
}

/// A consumer group in a listing.
public struct ConsoleGroup: Sendable, Equatable {
    public var groupID: String
    /// `Stable`, `Empty`, `PreparingRebalance`, ... as the coordinator says.
    public var state: String
    /// `consumer` for Kafka consumers; empty when unknown.
    public var protocolType: String
    /// Number of members.
    public var members: Int

    /// A group from its parts.
    public init(groupID: String, state: String, protocolType: String, members: Int) {
        self.groupID = groupID
        self.state = state
        self.protocolType = protocolType
        self.members = members
    }
}

/// One record as the message viewer shows it; key and value as text (UTF-8, invalid bytes
/// replaced).
public struct ConsoleMessage: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    /// Record timestamp, milliseconds since the epoch.
    public var timestampMillis: Int64
    public var key: String?
    public var value: String?
    public var headers: [(key: String, value: String)]

    /// A message from its parts.
    public init(
        partition: Int32,
        offset: Int64,
        timestampMillis: Int64,
        key: String?,
        value: String?,
        headers: [(key: String, value: String)] = []
    ) {
        self.partition = partition
        self.offset = offset
        self.timestampMillis = timestampMillis
        self.key = key
        self.value = value
        self.headers = headers
    }

    public static func == (lhs: ConsoleMessage, rhs: ConsoleMessage) -> Bool {
        lhs.partition == rhs.partition && lhs.offset == rhs.offset && lhs.timestampMillis == rhs.timestampMillis
            && lhs.key == rhs.key && lhs.value == rhs.value && lhs.headers.map(\.key) == rhs.headers.map(\.key)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}
