extension GroupStateMachine {
    /// Names a suspended JoinGroup or SyncGroup call, so the pure state machine can say whom to
    /// answer while the coordinator keeps the continuation.
    struct WaiterID: Hashable, Sendable, CustomStringConvertible {
        let rawValue: UInt64

        var description: String { "waiter-\(rawValue)" }
    }
}
