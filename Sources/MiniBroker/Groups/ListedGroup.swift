/// One group as ListGroups reports it.
public struct ListedGroup: Sendable, Equatable {
    public var groupID: String
    /// Empty when the group has none (e.g. only simple offset commits so far).
    public var protocolType: String
    /// "Empty", "PreparingRebalance", "CompletingRebalance" or "Stable".
    public var state: String

    /// Creates a listed group.
    public init(groupID: String, protocolType: String, state: String) {
        self.groupID = groupID
        self.protocolType = protocolType
        self.state = state
    }
}
