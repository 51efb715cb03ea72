import KafkaWire

/// Heartbeats, departures, session expiry and offset-commit checks.
extension GroupStateMachine {
    /// Kafka's `handleHeartbeat`. During PreparingRebalance the answer tells the member to
    /// rejoin; during CompletingRebalance Kafka answers 0, since members may heartbeat between
    /// their JoinGroup and SyncGroup responses.
    mutating func heartbeat(memberID: String, generationID: Int32, now: ContinuousClock.Instant) -> KafkaErrorCode {
        switch state {
        case .dead: return KafkaErrorCode.coordinatorNotAvailable
        case .empty: return KafkaErrorCode.unknownMemberId
        default: break
        }
        guard hasMember(memberID) else { return KafkaErrorCode.unknownMemberId }
        guard generationID == self.generationID else { return KafkaErrorCode.illegalGeneration }
        members[memberID]?.extendSession(now: now)
        if case .preparingRebalance = state {
            return KafkaErrorCode.rebalanceInProgress
        }
        return KafkaErrorCode.none
    }

    /// Kafka's `handleLeaveGroup`: each listed member leaves (a pending id is simply
    /// forgotten); unknown ids get UNKNOWN_MEMBER_ID each, the request as a whole succeeds.
    mutating func leave(
        memberIDs: [String],
        now: ContinuousClock.Instant
    ) -> (errorCode: KafkaErrorCode, members: [(memberID: String, errorCode: KafkaErrorCode)], actions: [Action]) {
        if case .dead = state {
            return (KafkaErrorCode.coordinatorNotAvailable, [], [])
        }
        var results: [(memberID: String, errorCode: KafkaErrorCode)] = []
        var actions: [Action] = []
        for memberID in memberIDs {
            if pendingMembers.removeValue(forKey: memberID) != nil {
                actions += tryCompleteJoin(now: now)
                results.append((memberID, KafkaErrorCode.none))
            } else if hasMember(memberID) {
                actions += removeMemberAndUpdateGroup(memberID, now: now)
                results.append((memberID, KafkaErrorCode.none))
            } else {
                results.append((memberID, KafkaErrorCode.unknownMemberId))
            }
        }
        return (KafkaErrorCode.none, results, actions)
    }

    /// Applies every deadline that has passed: unused pending ids lapse, silent members are
    /// removed (Kafka's `onExpireHeartbeat`), and the join phase ends or is extended.
    mutating func expireDeadlines(now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        let lapsedPending = pendingMembers.filter { $0.value <= now }.map(\.key)
        for memberID in lapsedPending {
            pendingMembers[memberID] = nil
        }
        if !lapsedPending.isEmpty {
            actions += tryCompleteJoin(now: now)
        }
        for memberID in memberOrder {
            guard let member = members[memberID], !member.isAwaitingResponse, member.sessionDeadline <= now else {
                continue
            }
            actions += removeMemberAndUpdateGroup(memberID, now: now)
        }
        if let phase = state.joinPhase, phase.deadline <= now {
            actions += joinDeadlinePassed(now: now)
        }
        if let pending = state.pendingSyncs, pending.deadline <= now {
            actions += dropMembersThatDidNotSync(now: now)
        }
        return actions
    }

    /// Kafka's pending-sync expiry: members of the generation that never sent SyncGroup
    /// within the rebalance timeout are removed, which starts a new rebalance.
    private mutating func dropMembersThatDidNotSync(now: ContinuousClock.Instant) -> [Action] {
        guard let pending = state.pendingSyncs else { return [] }
        let laggards = memberOrder.filter { pending.memberIDs.contains($0) }
        state.pendingSyncs = nil
        var actions: [Action] = []
        for memberID in laggards {
            actions += removeMemberAndUpdateGroup(memberID, now: now)
        }
        return actions
    }

    /// Kafka's checks on an OffsetCommit. Generation -1 is a "simple" commit from a client
    /// that manages partitions itself; it is only allowed while the group has no members.
    /// During CompletingRebalance the assignment is not known yet, so commits must wait.
    func validateOffsetCommit(memberID: String, generationID: Int32) -> KafkaErrorCode {
        if case .dead = state { return KafkaErrorCode.coordinatorNotAvailable }
        if generationID < 0, case .empty = state { return KafkaErrorCode.none }
        guard hasMember(memberID) else { return KafkaErrorCode.unknownMemberId }
        guard generationID == self.generationID else { return KafkaErrorCode.illegalGeneration }
        if case .completingRebalance = state { return KafkaErrorCode.rebalanceInProgress }
        return KafkaErrorCode.none
    }

    /// Notes that offsets were committed without group management, so the group is kept.
    mutating func recordSimpleCommit() {
        hasCommittedOffsets = true
    }

    /// Ends the group: every parked call is answered with COORDINATOR_NOT_AVAILABLE, so
    /// clients look for the coordinator again.
    mutating func shutdown() -> [Action] {
        var actions: [Action] = []
        for id in memberOrder {
            if let waiter = members[id]?.joinWaiter {
                actions.append(.answerJoin(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable, memberID: id)))
            }
            if let waiter = members[id]?.syncWaiter {
                actions.append(.answerSync(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable)))
            }
            members[id]?.joinWaiter = nil
            members[id]?.syncWaiter = nil
        }
        pendingMembers = [:]
        state = .dead
        return actions
    }
}
