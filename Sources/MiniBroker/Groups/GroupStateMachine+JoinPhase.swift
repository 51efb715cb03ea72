extension GroupStateMachine {
    /// How the current join phase ends.
    enum JoinPhase {
        /// `group.initial.rebalance.delay.ms`: a group leaving Empty waits this long, and again
        /// (up to the rebalance timeout) while new members keep arriving, so consumers started
        /// together land in one generation. Never completes early.
        case initialDelay(deadline: ContinuousClock.Instant, remaining: Duration, newMemberAdded: Bool)
        /// Completes as soon as every known member has rejoined, or at the deadline
        /// (the largest rebalance timeout), dropping the members that did not.
        case awaitingMembers(deadline: ContinuousClock.Instant)

        var deadline: ContinuousClock.Instant {
            switch self {
            case .initialDelay(let deadline, _, _), .awaitingMembers(let deadline): deadline
            }
        }
    }
}
