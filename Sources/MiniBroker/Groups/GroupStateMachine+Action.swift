extension GroupStateMachine {
    /// What the state machine asks its owner to do after an event: answer a suspended call.
    enum Action {
        case answerJoin(WaiterID, JoinGroupOutcome)
        case answerSync(WaiterID, SyncGroupOutcome)
    }
}
