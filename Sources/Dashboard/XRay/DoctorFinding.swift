/// A common mistake the console's doctor sees on the wire, named with what fixes it.
public struct DoctorFinding: Sendable, Equatable {
    /// What kind of mistake, for tests and the page's icons.
    public enum Kind: String, Sendable {
        case unreachableAdvertisedAddress = "advertised-address"
        case idleConsumers = "idle-consumers"
        case commitsWithoutFetching = "commits-without-fetching"
        case refusedProducer = "refused-producer"
        case rebalanceLoop = "rebalance-loop"
        case missingFeature = "missing-feature"
    }

    public var kind: Kind
    /// Who it is about: a client (`client id from host`) or a group.
    public var subject: String
    /// What is wrong, in a sentence with the evidence.
    public var problem: String
    /// What fixes it.
    public var fix: String
    /// The client id of the client it is about; nil for a group.
    public var clientID: String?
    /// The group it is about; nil for a client.
    public var groupID: String?

    public init(
        kind: Kind,
        subject: String,
        clientID: String? = nil,
        groupID: String? = nil,
        problem: String,
        fix: String
    ) {
        self.kind = kind
        self.subject = subject
        self.problem = problem
        self.fix = fix
        self.clientID = clientID
        self.groupID = groupID
    }
}
