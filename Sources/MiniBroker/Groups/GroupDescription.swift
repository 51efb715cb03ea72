import NIOCore

/// One group as DescribeGroups reports it.
public struct GroupDescription: Sendable {
    /// One member of a described group.
    public struct Member: Sendable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        /// Subscription metadata for the chosen protocol; empty unless the group is Stable.
        public var metadata: ByteBuffer
        /// The member's assignment; empty unless the group is Stable.
        public var assignment: ByteBuffer

        /// Creates a member description.
        public init(
            memberId: String, groupInstanceId: String?, clientId: String, clientHost: String,
            metadata: ByteBuffer, assignment: ByteBuffer
        ) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.metadata = metadata
            self.assignment = assignment
        }
    }

    /// 0, or INVALID_GROUP_ID; a group the coordinator does not know is reported as "Dead"
    /// with no error, as Kafka's classic coordinator does.
    public var errorCode: Int16
    public var groupId: String
    /// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable" or "Dead".
    public var state: String
    /// Empty when the group has none.
    public var protocolType: String
    /// The chosen protocol; empty unless the group is Stable (Kafka's behaviour).
    public var protocolName: String
    public var members: [Member]

    /// Creates a group description.
    public init(
        errorCode: Int16, groupId: String, state: String, protocolType: String,
        protocolName: String, members: [Member]
    ) {
        self.errorCode = errorCode
        self.groupId = groupId
        self.state = state
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.members = members
    }
}
