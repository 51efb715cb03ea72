import NIOCore

/// A JoinGroup request as the group coordinator needs it, independent of the wire version.
public struct JoinGroupInput: Sendable {
    public var groupId: String
    /// Empty for a member joining for the first time.
    public var memberId: String
    /// Static membership (KIP-345) is not supported: the value is kept for DescribeGroups only.
    public var groupInstanceId: String?
    /// `consumer` for consumers; all members of a group must use the same.
    public var protocolType: String
    /// Supported assignors with their subscription metadata, most preferred first.
    public var protocols: [(name: String, metadata: ByteBuffer)]
    public var sessionTimeoutMs: Int32
    /// How long the coordinator waits for members to rejoin. JoinGroup v0 has no such field:
    /// the handler passes the session timeout, as Kafka does.
    public var rebalanceTimeoutMs: Int32
    public var clientId: String
    public var clientHost: String
    /// True for JoinGroup v4+ (KIP-394): a new member first gets MEMBER_ID_REQUIRED and an id.
    public var requireKnownMemberId: Bool

    /// Creates a join request; see the properties for the meaning of each field.
    public init(
        groupId: String,
        memberId: String,
        groupInstanceId: String? = nil,
        protocolType: String,
        protocols: [(name: String, metadata: ByteBuffer)],
        sessionTimeoutMs: Int32,
        rebalanceTimeoutMs: Int32,
        clientId: String,
        clientHost: String,
        requireKnownMemberId: Bool
    ) {
        self.groupId = groupId
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.protocolType = protocolType
        self.protocols = protocols
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.clientId = clientId
        self.clientHost = clientHost
        self.requireKnownMemberId = requireKnownMemberId
    }
}
