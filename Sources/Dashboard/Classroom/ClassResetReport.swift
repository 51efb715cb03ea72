/// What a reset between classes did, for the teacher and the log.
public struct ClassResetReport: Sendable, Equatable {
    /// Topics deleted: every topic but the appliance's own.
    public var removedTopics: [String] = []
    /// Groups deleted: every group but the appliance's own.
    public var removedGroups: [String] = []
    /// Groups that could not be deleted, with why (members still connected).
    public var keptGroups: [KeptGroup] = []
    /// Orders (and dead letters) deleted; 0 when they were kept.
    public var deletedRecords: Int64 = 0
    /// Where the lab's progress went, when a lab ran.
    public var archivedLab: String?
    /// How the simulator and the analyzer came back.
    public var restart = ClassRestart(seed: nil, analyzerReset: false)

    /// A group a reset left in place.
    public struct KeptGroup: Sendable, Equatable {
        public var groupID: String
        public var reason: String

        /// A kept group and why.
        public init(groupID: String, reason: String) {
            self.groupID = groupID
            self.reason = reason
        }
    }

    /// An empty report.
    public init() {}

    /// One line for the log.
    public var summary: String {
        var parts = [
            "removed \(removedTopics.count) topics and \(removedGroups.count) groups",
            deletedRecords > 0 ? "deleted \(deletedRecords) orders" : "kept the orders",
        ]
        if !keptGroups.isEmpty { parts.append("kept \(keptGroups.count) groups with members") }
        if let archivedLab { parts.append("archived lab progress to \(archivedLab)") }
        if let seed = restart.seed { parts.append("simulator seed \(seed)") }
        return parts.joined(separator: ", ")
    }
}
