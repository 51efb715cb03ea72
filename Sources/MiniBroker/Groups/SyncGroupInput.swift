import NIOCore

/// A SyncGroup request as the group coordinator needs it, independent of the wire version.
public struct SyncGroupInput: Sendable {
    public var groupID: String
    public var memberID: String
    public var generationID: Int32
    /// Sent from SyncGroup v5; when present it must match the group's.
    public var protocolType: String?
    /// Sent from SyncGroup v5; when present it must match the chosen protocol.
    public var protocolName: String?
    /// The leader's assignment per member; empty for followers.
    public var assignments: [(memberID: String, assignment: ByteBuffer)]

    /// Creates a sync request; see the properties for the meaning of each field.
    public init(
        groupID: String,
        memberID: String,
        generationID: Int32,
        protocolType: String? = nil,
        protocolName: String? = nil,
        assignments: [(memberID: String, assignment: ByteBuffer)] = []
    ) {
        self.groupID = groupID
        self.memberID = memberID
        self.generationID = generationID
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignments = assignments
    }
}
