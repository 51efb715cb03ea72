/// A consumer group as `KafkaAdmin` lists it.
public struct GroupListing: Sendable, Equatable {
    public var groupID: String
    /// `Stable`, `Empty`, `PreparingRebalance`, ... (empty when the broker does not say).
    public var state: String
    /// `consumer` for Kafka consumers; empty for groups that only commit offsets.
    public var protocolType: String
}

/// A consumer group in detail: members with their assignments, committed offsets and lag.
public struct GroupDescription: Sendable, Equatable {
    /// One member.
    public struct Member: Sendable, Equatable {
        public var memberID: String
        public var clientID: String
        public var host: String
        /// Partitions assigned to it (decoded from the consumer protocol; empty otherwise).
        public var assignment: [KafkaTopicPartition]

        /// A member from its parts.
        public init(memberID: String, clientID: String, host: String, assignment: [KafkaTopicPartition]) {
            self.memberID = memberID
            self.clientID = clientID
            self.host = host
            self.assignment = assignment
        }
    }

    /// A committed offset and how far it is behind.
    public struct Offset: Sendable, Equatable {
        public var partition: KafkaTopicPartition
        public var committed: Int64
        /// The partition's high watermark.
        public var latest: Int64
        public var lag: Int64 { max(0, latest - committed) }

        /// An offset row from its parts.
        public init(partition: KafkaTopicPartition, committed: Int64, latest: Int64) {
            self.partition = partition
            self.committed = committed
            self.latest = latest
        }
    }

    public var groupID: String
    public var state: String
    public var protocolType: String
    /// The assignor the group agreed on (`range`, `roundrobin`, ...).
    public var protocolName: String
    public var members: [Member]
    /// In topic and partition order.
    public var offsets: [Offset]

    /// A group from its parts.
    public init(
        groupID: String,
        state: String,
        protocolType: String,
        protocolName: String,
        members: [Member],
        offsets: [Offset]
    ) {
        self.groupID = groupID
        self.state = state
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.members = members
        self.offsets = offsets
    }
}
