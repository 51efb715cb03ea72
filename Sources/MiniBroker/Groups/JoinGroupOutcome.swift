import KafkaWire
import NIOCore

/// The answer to a JoinGroup request, independent of the wire version.
public struct JoinGroupOutcome: Sendable {
    public var errorCode: KafkaErrorCode
    /// -1 on error.
    public var generationID: Int32
    /// Nil on error; JoinGroup v7+ encodes it as null, older versions omit it.
    public var protocolType: String?
    /// The chosen assignor. Nil on error: v7+ encodes null, older versions an empty string.
    public var protocolName: String?
    public var leaderID: String
    /// The member's id: the generated one for MEMBER_ID_REQUIRED, the request's otherwise.
    public var memberID: String
    /// Every member with its metadata for the chosen protocol; only the leader receives it.
    public var members: [(memberID: String, groupInstanceID: String?, metadata: ByteBuffer)]
    /// JoinGroup v9 (KIP-814): always false, the leader computes the assignment.
    public var skipAssignment: Bool

    /// Creates an outcome; see the properties for the meaning of each field.
    public init(
        errorCode: KafkaErrorCode,
        generationID: Int32,
        protocolType: String?,
        protocolName: String?,
        leaderID: String,
        memberID: String,
        members: [(memberID: String, groupInstanceID: String?, metadata: ByteBuffer)],
        skipAssignment: Bool = false
    ) {
        self.errorCode = errorCode
        self.generationID = generationID
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.leaderID = leaderID
        self.memberID = memberID
        self.members = members
        self.skipAssignment = skipAssignment
    }

    /// An error answer, shaped as Kafka's: generation -1, no protocol, no leader, no members.
    static func failure(_ errorCode: KafkaErrorCode, memberID: String) -> JoinGroupOutcome {
        JoinGroupOutcome(
            errorCode: errorCode,
            generationID: -1,
            protocolType: nil,
            protocolName: nil,
            leaderID: "",
            memberID: memberID,
            members: []
        )
    }
}
