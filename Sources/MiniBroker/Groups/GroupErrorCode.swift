/// The Kafka error codes the group coordinator answers with, as raw protocol values.
///
/// Values follow `org.apache.kafka.common.protocol.Errors`; the request handlers put them
/// on the wire unchanged.
enum GroupErrorCode {
    static let none: Int16 = 0
    /// The group is being shut down or was deleted; clients look the coordinator up again.
    static let coordinatorNotAvailable: Int16 = 15
    /// The member's generation is not the group's current one.
    static let illegalGeneration: Int16 = 22
    /// Protocol type differs from the group's, or no protocol is shared with all members.
    static let inconsistentGroupProtocol: Int16 = 23
    /// Empty group id on a request that needs one.
    static let invalidGroupId: Int16 = 24
    /// The coordinator does not know this member (expired, left, or never joined).
    static let unknownMemberId: Int16 = 25
    /// Session timeout outside the broker's `[group.min.session.timeout.ms, group.max.session.timeout.ms]`.
    static let invalidSessionTimeout: Int16 = 26
    /// A rebalance is under way: the member has to send JoinGroup again.
    static let rebalanceInProgress: Int16 = 27
    /// DeleteGroups on a group that still has members.
    static let nonEmptyGroup: Int16 = 68
    /// DeleteGroups on a group the coordinator does not know.
    static let groupIdNotFound: Int16 = 69
    /// KIP-394: a new member must rejoin with the member id carried in this response.
    static let memberIdRequired: Int16 = 79
}
