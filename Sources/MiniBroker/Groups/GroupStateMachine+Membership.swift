/// Heartbeats, departures, session expiry and offset-commit checks.
extension GroupStateMachine {
    /// Kafka's `handleHeartbeat`. During PreparingRebalance the answer tells the member to
    /// rejoin; during CompletingRebalance Kafka answers 0, since members may heartbeat between
    /// their JoinGroup and SyncGroup responses.
    mutating func heartbeat(memberId: String, generationId: Int32, now: ContinuousClock.Instant) -> Int16 {
        switch state {
        case .dead: return GroupErrorCode.coordinatorNotAvailable
        case .empty: return GroupErrorCode.unknownMemberId
        default: break
        }
        guard hasMember(memberId) else { return GroupErrorCode.unknownMemberId }
        guard generationId == self.generationId else { return GroupErrorCode.illegalGeneration }
        members[memberId]?.extendSession(now: now)
        return state == .preparingRebalance ? GroupErrorCode.rebalanceInProgress : GroupErrorCode.none
    }

    /// Kafka's `handleLeaveGroup`: each listed member leaves (a pending id is simply
    /// forgotten); unknown ids get UNKNOWN_MEMBER_ID each, the request as a whole succeeds.
    mutating func leave(
        memberIds: [String], now: ContinuousClock.Instant
    ) -> (errorCode: Int16, members: [(memberId: String, errorCode: Int16)], actions: [GroupAction]) {
        if state == .dead {
            return (GroupErrorCode.coordinatorNotAvailable, [], [])
        }
        var results: [(memberId: String, errorCode: Int16)] = []
        var actions: [GroupAction] = []
        for memberId in memberIds {
            if pendingMembers.removeValue(forKey: memberId) != nil {
                actions += tryCompleteJoin(now: now)
                results.append((memberId, GroupErrorCode.none))
            } else if hasMember(memberId) {
                actions += removeMemberAndUpdateGroup(memberId, now: now)
                results.append((memberId, GroupErrorCode.none))
            } else {
                results.append((memberId, GroupErrorCode.unknownMemberId))
            }
        }
        return (GroupErrorCode.none, results, actions)
    }

    /// Applies every deadline that has passed: unused pending ids lapse, silent members are
    /// removed (Kafka's `onExpireHeartbeat`), and the join phase ends or is extended.
    mutating func expireDeadlines(now: ContinuousClock.Instant) -> [GroupAction] {
        var actions: [GroupAction] = []
        let lapsedPending = pendingMembers.filter { $0.value <= now }.map(\.key)
        for memberId in lapsedPending {
            pendingMembers[memberId] = nil
        }
        if !lapsedPending.isEmpty {
            actions += tryCompleteJoin(now: now)
        }
        for memberId in memberOrder {
            guard let member = members[memberId], !member.isAwaitingResponse, member.sessionDeadline <= now else {
                continue
            }
            actions += removeMemberAndUpdateGroup(memberId, now: now)
        }
        if let phase = joinPhase, phase.deadline <= now, state == .preparingRebalance {
            actions += joinDeadlinePassed(now: now)
        }
        if let deadline = syncDeadline, deadline <= now {
            actions += dropMembersThatDidNotSync(now: now)
        }
        return actions
    }

    /// Kafka's pending-sync expiry: members of the generation that never sent SyncGroup
    /// within the rebalance timeout are removed, which starts a new rebalance.
    private mutating func dropMembersThatDidNotSync(now: ContinuousClock.Instant) -> [GroupAction] {
        let laggards = memberOrder.filter { pendingSyncMembers.contains($0) }
        pendingSyncMembers = []
        syncDeadline = nil
        guard state == .completingRebalance || state == .stable else { return [] }
        var actions: [GroupAction] = []
        for memberId in laggards {
            actions += removeMemberAndUpdateGroup(memberId, now: now)
        }
        return actions
    }

    /// Kafka's checks on an OffsetCommit. Generation -1 is a "simple" commit from a client
    /// that manages partitions itself; it is only allowed while the group has no members.
    /// During CompletingRebalance the assignment is not known yet, so commits must wait.
    func validateOffsetCommit(memberId: String, generationId: Int32) -> Int16 {
        if state == .dead { return GroupErrorCode.coordinatorNotAvailable }
        if generationId < 0 && state == .empty { return GroupErrorCode.none }
        guard hasMember(memberId) else { return GroupErrorCode.unknownMemberId }
        guard generationId == self.generationId else { return GroupErrorCode.illegalGeneration }
        if state == .completingRebalance { return GroupErrorCode.rebalanceInProgress }
        return GroupErrorCode.none
    }

    /// Notes that offsets were committed without group management, so the group is kept.
    mutating func recordSimpleCommit() {
        hasCommittedOffsets = true
    }

    /// Ends the group: every parked call is answered with COORDINATOR_NOT_AVAILABLE, so
    /// clients look for the coordinator again.
    mutating func shutdown() -> [GroupAction] {
        var actions: [GroupAction] = []
        for id in memberOrder {
            if let waiter = members[id]?.joinWaiter {
                actions.append(.answerJoin(waiter, .failure(GroupErrorCode.coordinatorNotAvailable, memberId: id)))
            }
            if let waiter = members[id]?.syncWaiter {
                actions.append(.answerSync(waiter, .failure(GroupErrorCode.coordinatorNotAvailable)))
            }
            members[id]?.joinWaiter = nil
            members[id]?.syncWaiter = nil
        }
        joinPhase = nil
        pendingMembers = [:]
        pendingSyncMembers = []
        syncDeadline = nil
        transition(to: .dead)
        return actions
    }
}
