import KafkaWire
import NIOCore

/// The answer to a SyncGroup request, independent of the wire version.
public struct SyncGroupOutcome: Sendable {
    public var errorCode: KafkaErrorCode
    /// Nil on error (SyncGroup v5+ encodes null).
    public var protocolType: String?
    /// Nil on error (SyncGroup v5+ encodes null).
    public var protocolName: String?
    /// The member's assignment; always present, empty when there is none, because several
    /// clients fail on a null assignment.
    public var assignment: ByteBuffer

    /// Creates an outcome; see the properties for the meaning of each field.
    public init(errorCode: KafkaErrorCode, protocolType: String?, protocolName: String?, assignment: ByteBuffer) {
        self.errorCode = errorCode
        self.protocolType = protocolType
        self.protocolName = protocolName
        self.assignment = assignment
    }

    /// An error answer: no protocol and an empty assignment.
    static func failure(_ errorCode: KafkaErrorCode) -> SyncGroupOutcome {
        SyncGroupOutcome(errorCode: errorCode, protocolType: nil, protocolName: nil, assignment: ByteBuffer())
    }
}
