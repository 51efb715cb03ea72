import KafkaWire
import NIOCore

/// One group as the coordinator describes it for DescribeGroups (Kafka's group summary); the
/// client's view of a described group is KafkaWire's `GroupDescription`.
public struct GroupSummary: Sendable {
    /// One member of a described group.
    public struct Member: Sendable {
        public var memberID: String
        public var groupInstanceID: String?
        public var clientID: String
        public var clientHost: String
        /// Subscription metadata for the chosen protocol; empty unless the group is Stable.
        public var metadata: ByteBuffer
        /// The member's assignment; empty unless the group is Stable.
        public var assignment: ByteBuffer

        /// Creates a member description.
        public init(
            memberID: String,
            groupInstanceID: String?,
            clientID: String,
            clientHost: String,
            metadata: ByteBuffer,
            assignment: ByteBuffer
        ) {
            self.memberID = memberID
            self.groupInstanceID = groupInstanceID
            self.clientID = clientID
            self.clientHost = clientHost
            self.metadata = metadata
            self.assignment = assignment
        }
    }

    /// 0, or INVALID_GROUP_ID; a group the coordinator does not know is reported as "Dead"
    /// with no error, as Kafka's classic coordinator does.
    public var errorCode: KafkaErrorCode
    public var groupID: String
    /// "Empty", "PreparingRebalance", "CompletingRebalance", "Stable" or "Dead".
    public var state: String
    /// Empty when the group has none.
    public var protocolType: String
    /// The chosen protocol; empty unless the group is Stable (Kafka's behaviour).
    public var protocolName: String
    public var members: [Member]

    /// Creates a group description.
    public init(
        errorCode: KafkaErrorCode,
        groupID: String,
        state: String,
        protocolType: String,
        protocolName: String,
        members: [Member]
    ) {
        self.errorCode = errorCode
        self.groupID = groupID
        self.state = state
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.members = members
    }
}
