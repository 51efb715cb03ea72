import NIOCore

/// A SyncGroup request as the group coordinator needs it, independent of the wire version.
public struct SyncGroupInput: Sendable {
    public var groupId: String
    public var memberId: String
    public var generationId: Int32
    /// Sent from SyncGroup v5; when present it must match the group's.
    public var protocolType: String?
    /// Sent from SyncGroup v5; when present it must match the chosen protocol.
    public var protocolName: String?
    /// The leader's assignment per member; empty for followers.
    public var assignments: [(memberId: String, assignment: ByteBuffer)]

    /// Creates a sync request; see the properties for the meaning of each field.
    public init(
        groupId: String,
        memberId: String,
        generationId: Int32,
        protocolType: String? = nil,
        protocolName: String? = nil,
        assignments: [(memberId: String, assignment: ByteBuffer)] = []
    ) {
        self.groupId = groupId
        self.memberId = memberId
        self.generationId = generationId
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}
