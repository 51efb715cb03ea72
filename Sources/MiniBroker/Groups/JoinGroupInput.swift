import NIOCore

/// A JoinGroup request as the group coordinator needs it, independent of the wire version.
public struct JoinGroupInput: Sendable {
    public var groupID: String
    /// Empty for a member joining for the first time.
    public var memberID: String
    /// Static membership (KIP-345) is not supported: the value is kept for DescribeGroups only.
    public var groupInstanceID: String?
    /// `consumer` for consumers; all members of a group must use the same.
    public var protocolType: String
    /// Supported assignors with their subscription metadata, most preferred first.
    public var protocols: [(name: String, metadata: ByteBuffer)]
    public var sessionTimeoutMs: Int32
    /// How long the coordinator waits for members to rejoin. JoinGroup v0 has no such field:
    /// the handler passes the session timeout, as Kafka does.
    public var rebalanceTimeoutMs: Int32
    public var clientID: String
    public var clientHost: String
    /// True for JoinGroup v4+ (KIP-394): a new member first gets MEMBER_ID_REQUIRED and an id.
    public var requireKnownMemberID: Bool

    /// Creates a join request; see the properties for the meaning of each field.
    public init(
        groupID: String,
        memberID: String,
        groupInstanceID: String? = nil,
        protocolType: String,
        protocols: [(name: String, metadata: ByteBuffer)],
        sessionTimeoutMs: Int32,
        rebalanceTimeoutMs: Int32,
        clientID: String,
        clientHost: String,
        requireKnownMemberID: Bool
    ) {
        self.groupID = groupID
        self.memberID = memberID
        self.groupInstanceID = groupInstanceID
        self.protocolType = protocolType
        self.protocols = protocols
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.clientID = clientID
        self.clientHost = clientHost
        self.requireKnownMemberID = requireKnownMemberID
    }
}
