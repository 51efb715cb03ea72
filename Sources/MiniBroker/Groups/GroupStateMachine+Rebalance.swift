/// Starting and completing rebalances (Kafka's `prepareRebalance` and `onCompleteJoin`).
extension GroupStateMachine {
    /// Starts a join phase unless one is already running.
    mutating func maybePrepareRebalance(now: ContinuousClock.Instant) -> [GroupAction] {
        guard state == .stable || state == .completingRebalance || state == .empty else { return [] }
        return prepareRebalance(now: now)
    }

    /// Moves to PreparingRebalance. Members parked in SyncGroup learn that their generation is
    /// over (REBALANCE_IN_PROGRESS) and must rejoin; assignments of the old generation are
    /// dropped. A group leaving Empty waits the initial rebalance delay first.
    mutating func prepareRebalance(now: ContinuousClock.Instant) -> [GroupAction] {
        var actions: [GroupAction] = []
        if state == .completingRebalance {
            actions += abortPendingSyncs(now: now)
        }
        pendingSyncMembers = []
        syncDeadline = nil
        let rebalanceTimeout = members.values.map(\.rebalanceTimeout).max() ?? .zero
        if state == .empty && initialRebalanceDelay > .zero {
            let delay = min(initialRebalanceDelay, rebalanceTimeout)
            joinPhase = .initialDelay(
                deadline: now + delay, remaining: max(rebalanceTimeout - delay, .zero), newMemberAdded: false
            )
        } else {
            joinPhase = .awaitingMembers(deadline: now + rebalanceTimeout)
        }
        transition(to: .preparingRebalance)
        return actions + tryCompleteJoin(now: now)
    }

    /// As Kafka, answering a parked call restarts the member's session: it was kept alive
    /// while parked and needs a full session to rejoin.
    private mutating func abortPendingSyncs(now: ContinuousClock.Instant) -> [GroupAction] {
        var actions: [GroupAction] = []
        for id in memberOrder {
            members[id]?.assignment.clear()
            if let waiter = members[id]?.syncWaiter {
                members[id]?.syncWaiter = nil
                members[id]?.extendSession(now: now)
                actions.append(.answerSync(waiter, .failure(GroupErrorCode.rebalanceInProgress)))
            }
        }
        return actions
    }

    /// Records that a member joined during the initial delay, which earns one more delay.
    mutating func noteNewMemberDuringInitialDelay() {
        if case .initialDelay(let deadline, let remaining, _) = joinPhase {
            joinPhase = .initialDelay(deadline: deadline, remaining: remaining, newMemberAdded: true)
        }
    }

    /// Kafka's `hasAllMembersJoined`: every member has a parked JoinGroup and no id handed out
    /// with MEMBER_ID_REQUIRED is still on its way back.
    var allMembersRejoined: Bool {
        pendingMembers.isEmpty && members.values.allSatisfy { $0.joinWaiter != nil }
    }

    /// Completes the join phase early when everyone is in (never during the initial delay).
    mutating func tryCompleteJoin(now: ContinuousClock.Instant) -> [GroupAction] {
        guard state == .preparingRebalance, case .awaitingMembers = joinPhase, allMembersRejoined else {
            return []
        }
        return completeJoin(now: now)
    }

    /// The join-phase deadline passed: extend the initial delay if new members arrived during
    /// it (up to the rebalance timeout), otherwise complete with whoever rejoined.
    mutating func joinDeadlinePassed(now: ContinuousClock.Instant) -> [GroupAction] {
        if case .initialDelay(_, let remaining, let newMemberAdded) = joinPhase, newMemberAdded, remaining > .zero {
            let delay = min(initialRebalanceDelay, remaining)
            joinPhase = .initialDelay(deadline: now + delay, remaining: remaining - delay, newMemberAdded: false)
            return []
        }
        return completeJoin(now: now)
    }

    /// Kafka's `onCompleteJoin`: drop members that did not rejoin, open the next generation
    /// with the protocol all members vote for, and answer every parked JoinGroup.
    mutating func completeJoin(now: ContinuousClock.Instant) -> [GroupAction] {
        joinPhase = nil
        var actions: [GroupAction] = []
        for id in memberOrder where members[id]?.joinWaiter == nil {
            actions += removeMember(id)
        }
        generationId += 1
        guard !members.isEmpty else {
            protocolName = nil
            transition(to: .empty)
            return actions
        }
        protocolName = selectProtocol()
        transition(to: .completingRebalance)
        pendingSyncMembers = Set(memberOrder)
        syncDeadline = now + (members.values.map(\.rebalanceTimeout).max() ?? .zero)
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
