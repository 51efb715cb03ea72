/// What the group state machine asks its owner to do after an event: answer a suspended call.
enum GroupAction {
    case answerJoin(GroupWaiterID, JoinGroupOutcome)
    case answerSync(GroupWaiterID, SyncGroupOutcome)
}
