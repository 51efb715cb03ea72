import KafkaWire

/// Starting and completing rebalances (Kafka's `prepareRebalance` and `onCompleteJoin`).
extension GroupStateMachine {
    /// Starts a join phase unless one is already running.
    mutating func maybePrepareRebalance(now: ContinuousClock.Instant) -> [Action] {
        switch state {
        case .stable, .completingRebalance, .empty: prepareRebalance(now: now)
        case .preparingRebalance, .dead: []
        }
    }

    /// Moves to PreparingRebalance. Members parked in SyncGroup learn that their generation is
    /// over (REBALANCE_IN_PROGRESS) and must rejoin; assignments of the old generation are
    /// dropped. A group leaving Empty waits the initial rebalance delay first. Leaving the
    /// current state also ends the wait for SyncGroup calls of the old generation.
    mutating func prepareRebalance(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        if case .completingRebalance = state {
            actions += abortPendingSyncs(now: now)
        }
        state = .preparingRebalance(firstJoinPhase(now: now))
        return actions + tryCompleteJoin(now: now)
    }

    private func firstJoinPhase(now: ContinuousClock.Instant) -> JoinPhase {
        let rebalanceTimeout = members.values.map(\.rebalanceTimeout).max() ?? .zero
        guard case .empty = state, initialRebalanceDelay > .zero else {
            return .awaitingMembers(deadline: now + rebalanceTimeout)
        }
        let delay = min(initialRebalanceDelay, rebalanceTimeout)
        return .initialDelay(
            deadline: now + delay,
            remaining: max(rebalanceTimeout - delay, .zero),
            newMemberAdded: false
        )
    }

    /// As Kafka, answering a parked call restarts the member's session: it was kept alive
    /// while parked and needs a full session to rejoin.
    private mutating func abortPendingSyncs(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for id in memberOrder {
            members[id]?.assignment.clear()
            if let waiter = members[id]?.syncWaiter {
                members[id]?.syncWaiter = nil
                members[id]?.extendSession(now: now)
                actions.append(.answerSync(waiter, .failure(KafkaErrorCode.rebalanceInProgress)))
            }
        }
        return actions
    }

    /// Records that a member joined during the initial delay, which earns one more delay.
    mutating func noteNewMemberDuringInitialDelay() {
        if case .preparingRebalance(.initialDelay(let deadline, let remaining, _)) = state {
            state = .preparingRebalance(.initialDelay(deadline: deadline, remaining: remaining, newMemberAdded: true))
        }
    }

    /// Kafka's `hasAllMembersJoined`: every member has a parked JoinGroup and no id handed out
    /// with MEMBER_ID_REQUIRED is still on its way back.
    var allMembersRejoined: Bool {
        pendingMembers.isEmpty && members.values.allSatisfy { $0.joinWaiter != nil }
    }

    /// Completes the join phase early when everyone is in (never during the initial delay).
    mutating func tryCompleteJoin(now: ContinuousClock.Instant) -> [Action] {
        guard case .preparingRebalance(.awaitingMembers) = state, allMembersRejoined else {
            return []
        }
        return completeJoin(now: now)
    }

    /// The join-phase deadline passed: extend the initial delay if new members arrived during
    /// it (up to the rebalance timeout), otherwise complete with whoever rejoined.
    mutating func joinDeadlinePassed(now: ContinuousClock.Instant) -> [Action] {
        if case .preparingRebalance(.initialDelay(_, let remaining, let newMemberAdded)) = state, newMemberAdded,
            remaining > .zero
        {
            let delay = min(initialRebalanceDelay, remaining)
            state = .preparingRebalance(
                .initialDelay(deadline: now + delay, remaining: remaining - delay, newMemberAdded: false)
            )
            return []
        }
        return completeJoin(now: now)
    }

    /// Kafka's `onCompleteJoin`: drop members that did not rejoin, open the next generation
    /// with the protocol all members vote for, and answer every parked JoinGroup.
    mutating func completeJoin(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        for id in memberOrder where members[id]?.joinWaiter == nil {
            actions += removeMember(id)
        }
        generationID += 1
        guard !members.isEmpty else {
            protocolName = nil
            state = .empty
            return actions
        }
        protocolName = selectProtocol()
        let syncDeadline = now + (members.values.map(\.rebalanceTimeout).max() ?? .zero)
        state = .completingRebalance(PendingSyncs(memberIDs: Set(memberOrder), deadline: syncDeadline))
        for id in memberOrder {
            guard let waiter = members[id]?.joinWaiter else { continue }
            members[id]?.joinWaiter = nil
            members[id]?.extendSession(now: now)
            actions.append(.answerJoin(waiter, currentJoinOutcome(for: id)))
        }
        return actions
    }

    /// Kafka's protocol selection: among protocols every member supports, each member votes
    /// for its most preferred one and the most votes win. Ties go to the protocol the oldest
    /// member prefers, so the choice is deterministic.
    func selectProtocol() -> String? {
        let ordered = memberOrder.compactMap { members[$0] }
        guard let oldest = ordered.first else { return nil }
        let candidates = oldest.protocols.map(\.name).filter { name in ordered.allSatisfy { $0.supports(name) } }
        let candidateSet = Set(candidates)
        var votes: [String: Int] = [:]
        for member in ordered {
            if let vote = member.vote(among: candidateSet) {
                votes[vote, default: 0] += 1
            }
        }
        var best: (name: String, votes: Int)?
        for name in candidates where votes[name, default: 0] > (best?.votes ?? -1) {
            best = (name, votes[name, default: 0])
        }
        return best?.name
    }
}
