import KafkaWire

/// JoinGroup (Kafka's `doNewMemberJoinGroup` / `doCurrentMemberJoinGroup`).
extension GroupStateMachine {
    /// Handles a JoinGroup whose session timeout and group id the coordinator already checked.
    ///
    /// - Parameters:
    ///   - waiter: the parked call; it is answered through the returned actions, at once or
    ///     when the join phase completes.
    ///   - newMemberID: the id to hand out if the request comes from a new member.
    mutating func join(
        _ request: JoinGroupInput,
        waiter: WaiterID,
        newMemberID: String,
        now: ContinuousClock.Instant
    ) -> [Action] {
        let memberID = request.memberID
        if case .dead = state {
            return [.answerJoin(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable, memberID: memberID))]
        }
        guard supportsProtocols(of: request) else {
            return [.answerJoin(waiter, .failure(KafkaErrorCode.inconsistentGroupProtocol, memberID: memberID))]
        }
        if memberID.isEmpty {
            return joinNewMember(request, waiter: waiter, newMemberID: newMemberID, now: now)
        }
        if pendingMembers[memberID] != nil {
            return addMemberAndRebalance(request, memberID: memberID, waiter: waiter, now: now)
        }
        guard members[memberID] != nil else {
            return [.answerJoin(waiter, .failure(KafkaErrorCode.unknownMemberId, memberID: memberID))]
        }
        return joinExistingMember(request, waiter: waiter, now: now)
    }

    /// Kafka's `supportsProtocols`: an empty group accepts any non-empty protocol type and list;
    /// otherwise the type must match and one of the protocols must be supported by every
    /// other member, so a common protocol always exists.
    func supportsProtocols(of request: JoinGroupInput) -> Bool {
        let others = members.values.filter { $0.memberID != request.memberID }
        if others.isEmpty {
            return !request.protocolType.isEmpty && !request.protocols.isEmpty
        }
        guard request.protocolType == protocolType else { return false }
        return request.protocols.contains { candidate in others.allSatisfy { $0.supports(candidate.name) } }
    }

    /// KIP-394: with `requireKnownMemberID` the new member only receives an id and must come
    /// back with it; the id stays pending for one session timeout. Older clients join directly.
    private mutating func joinNewMember(
        _ request: JoinGroupInput,
        waiter: WaiterID,
        newMemberID: String,
        now: ContinuousClock.Instant
    ) -> [Action] {
        guard request.requireKnownMemberID else {
            return addMemberAndRebalance(request, memberID: newMemberID, waiter: waiter, now: now)
        }
        pendingMembers[newMemberID] = now + .milliseconds(request.sessionTimeoutMs)
        return [.answerJoin(waiter, .failure(KafkaErrorCode.memberIdRequired, memberID: newMemberID))]
    }

    private mutating func addMemberAndRebalance(
        _ request: JoinGroupInput,
        memberID: String,
        waiter: WaiterID,
        now: ContinuousClock.Instant
    ) -> [Action] {
        addMember(GroupMember(request: request, memberID: memberID, joinWaiter: waiter, now: now))
        noteNewMemberDuringInitialDelay()
        if case .preparingRebalance = state {
            return tryCompleteJoin(now: now)
        }
        return maybePrepareRebalance(now: now)
    }

    private mutating func joinExistingMember(
        _ request: JoinGroupInput,
        waiter: WaiterID,
        now: ContinuousClock.Instant
    ) -> [Action] {
        let memberID = request.memberID
        guard let member = members[memberID] else { return [] }
        switch state {
        case .preparingRebalance:
            return updateMemberAndRebalance(request, waiter: waiter, now: now)
        case .completingRebalance where member.hasSameProtocols(as: request.protocols):
            // The member probably lost the JoinGroup response: send it again.
            members[memberID]?.extendSession(now: now)
            return [.answerJoin(waiter, currentJoinOutcome(for: memberID))]
        case .stable where !isLeader(memberID) && member.hasSameProtocols(as: request.protocols):
            // A follower with unchanged metadata gets the current generation; a leader's
            // JoinGroup always starts a rebalance (it may have seen new topics or partitions).
            members[memberID]?.extendSession(now: now)
            return [.answerJoin(waiter, currentJoinOutcome(for: memberID))]
        case .completingRebalance, .stable:
            return updateMemberAndRebalance(request, waiter: waiter, now: now)
        case .empty, .dead:
            return [.answerJoin(waiter, .failure(KafkaErrorCode.unknownMemberId, memberID: memberID))]
        }
    }

    /// Records the rejoin and starts (or continues) the join phase. A JoinGroup the member had
    /// already parked is superseded: it is answered with REBALANCE_IN_PROGRESS (a retriable
    /// error) rather than left hanging, and the newest request gets the generation.
    private mutating func updateMemberAndRebalance(
        _ request: JoinGroupInput,
        waiter: WaiterID,
        now: ContinuousClock.Instant
    ) -> [Action] {
        var actions: [Action] = []
        if let previous = members[request.memberID]?.joinWaiter {
            actions.append(
                .answerJoin(previous, .failure(KafkaErrorCode.rebalanceInProgress, memberID: request.memberID))
            )
        }
        members[request.memberID]?.update(from: request, joinWaiter: waiter, now: now)
        if case .preparingRebalance = state {
            return actions + tryCompleteJoin(now: now)
        }
        return actions + maybePrepareRebalance(now: now)
    }
}
