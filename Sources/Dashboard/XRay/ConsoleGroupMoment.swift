import KafkaWire

/// A consumer group right after a change of its membership or state, as the broker's
/// coordinator saw it: what the console's rebalance view plays back.
public struct ConsoleGroupMoment: Sendable, Equatable {
    /// One member then.
    public struct Member: Sendable, Equatable {
        public var memberID: String
        public var clientID: String
        public var clientHost: String
        /// "joining", "to rejoin", "to sync", "syncing" or "assigned".
        public var phase: String
        /// The partitions it was last given.
        public var partitions: [KafkaTopicPartition]

        public init(
            memberID: String,
            clientID: String,
            clientHost: String,
            phase: String,
            partitions: [KafkaTopicPartition]
        ) {
            self.memberID = memberID
            self.clientID = clientID
            self.clientHost = clientHost
            self.phase = phase
            self.partitions = partitions
        }
    }

    /// Milliseconds since the epoch.
    public var atMillis: Int64
    /// "PreparingRebalance", "CompletingRebalance", "Stable", "Empty".
    public var state: String
    public var generation: Int32
    public var leaderID: String?
    public var protocolName: String?
    public var members: [Member]
    /// What changed, in a sentence.
    public var change: String
    /// The client ids of the members a passing deadline (session or rebalance timeout) removed.
    public var expired: [String]

    public init(
        atMillis: Int64,
        state: String,
        generation: Int32,
        leaderID: String?,
        protocolName: String?,
        members: [Member],
        change: String,
        expired: [String] = []
    ) {
        self.atMillis = atMillis
        self.state = state
        self.generation = generation
        self.leaderID = leaderID
        self.protocolName = protocolName
        self.members = members
        self.change = change
        self.expired = expired
    }
}
