extension GroupStateMachine {
    /// Members of the new generation that have not sent SyncGroup yet, and when they are
    /// dropped for it: Kafka's pending-sync timeout (the rebalance timeout), which keeps a
    /// leader that never sends the assignments from holding its followers' SyncGroup forever.
    struct PendingSyncs {
        /// Never empty: the last member to sync ends the wait.
        let memberIDs: Set<String>
        let deadline: ContinuousClock.Instant

        /// The wait without `memberID`, or nil when nobody is left to wait for.
        func removing(_ memberID: String) -> PendingSyncs? {
            var rest = memberIDs
            rest.remove(memberID)
            return rest.isEmpty ? nil : PendingSyncs(memberIDs: rest, deadline: deadline)
        }
    }
}
