import KafkaWire

/// A client connection as the console lists it: who is connected as whom, and what it asks of
/// the broker. Only a broker inside the appliance's process can tell (`ConnectionsProvider`);
/// Kafka has no request for it.
public struct ConsoleConnection: Sendable, Equatable {
    /// The broker's number for the connection, for its request stream.
    public var id: Int
    /// The client's `address:port`.
    public var address: String
    /// The broker's `address:port` the client connected to.
    public var localAddress: String
    /// The listener's security protocol (PLAINTEXT, SASL_SSL...).
    public var listener: String
    /// `User:ANONYMOUS` until a SASL login.
    public var principal: String
    public var clientID: String?
    /// Client software name and version (from ApiVersions v3+).
    public var clientSoftware: String?
    /// Milliseconds since the epoch.
    public var connectedAtMillis: Int64
    /// Requests since it connected, by API name (`Produce`, `Fetch`, ...).
    public var requests: [String: Int]
    /// Request bytes received and response bytes sent.
    public var bytesIn: Int64
    public var bytesOut: Int64
    /// When its last request arrived, ms since the epoch.
    public var lastRequestAtMillis: Int64?
    /// Responses carrying each error, by API, most frequent first.
    public var errors: [ConsoleClientError.Count]
    /// The latest error it was answered with.
    public var lastError: ConsoleClientError?
    /// Where it fetches each partition from, and how far that is behind the partition's end.
    public var positions: [ConsolePosition]
    /// The groups it joined over this connection, by group id.
    public var groups: [ConsoleMembership]
    /// When it closed, ms since the epoch; nil while open.
    public var closedAtMillis: Int64?
    /// Fetches that asked for committed records only (isolation level read_committed).
    public var readCommittedFetches: Int

    public init(
        id: Int = 0,
        address: String,
        localAddress: String = "",
        listener: String,
        principal: String,
        clientID: String?,
        clientSoftware: String?,
        connectedAtMillis: Int64,
        requests: [String: Int] = [:],
        bytesIn: Int64 = 0,
        bytesOut: Int64 = 0,
        lastRequestAtMillis: Int64? = nil,
        errors: [ConsoleClientError.Count] = [],
        lastError: ConsoleClientError? = nil,
        positions: [ConsolePosition] = [],
        groups: [ConsoleMembership] = [],
        closedAtMillis: Int64? = nil,
        readCommittedFetches: Int = 0
    ) {
        self.id = id
        self.address = address
        self.localAddress = localAddress
        self.listener = listener
        self.principal = principal
        self.clientID = clientID
        self.clientSoftware = clientSoftware
        self.connectedAtMillis = connectedAtMillis
        self.requests = requests
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.lastRequestAtMillis = lastRequestAtMillis
        self.errors = errors
        self.lastError = lastError
        self.positions = positions
        self.groups = groups
        self.closedAtMillis = closedAtMillis
        self.readCommittedFetches = readCommittedFetches
    }

    /// Requests of API `name` so far.
    public func requestCount(_ name: String) -> Int { requests[name] ?? 0 }

    /// Requests other than those a client sends to whichever broker it first reaches
    /// (ApiVersions, Metadata, logins, InitProducerId, FindCoordinator, DescribeCluster): what
    /// it does once it has connected to the address the broker advertises.
    public var workRequests: Int {
        requests.filter { !Self.bootstrapAPIs.contains($0.key) }.values.reduce(0, +)
    }

    static let bootstrapAPIs: Set<String> = [
        "ApiVersions", "Metadata", "SaslHandshake", "SaslAuthenticate", "InitProducerId", "FindCoordinator",
        "DescribeCluster",
    ]
}

/// A client's membership of a consumer group.
public struct ConsoleMembership: Sendable, Equatable {
    public var groupID: String
    public var memberID: String
    /// The partitions the group's leader assigned it (empty while a rebalance runs).
    public var partitions: [KafkaTopicPartition]

    public init(groupID: String, memberID: String, partitions: [KafkaTopicPartition]) {
        self.groupID = groupID
        self.memberID = memberID
        self.partitions = partitions
    }
}

/// Where a client fetches one partition from.
public struct ConsolePosition: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The offset its last Fetch asked for: its consumer position.
    public var offset: Int64
    /// The partition's log end offset then; nil when the broker has no such partition.
    public var logEndOffset: Int64?

    public init(topic: String, partition: Int32, offset: Int64, logEndOffset: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.logEndOffset = logEndOffset
    }

    /// Records between the position and the end.
    public var lag: Int64? { logEndOffset.map { max(0, $0 - offset) } }
}
