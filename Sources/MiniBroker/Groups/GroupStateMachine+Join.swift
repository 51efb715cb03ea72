/// JoinGroup (Kafka's `doNewMemberJoinGroup` / `doCurrentMemberJoinGroup`).
extension GroupStateMachine {
    /// Handles a JoinGroup whose session timeout and group id the coordinator already checked.
    ///
    /// - Parameters:
    ///   - waiter: the parked call; it is answered through the returned actions, at once or
    ///     when the join phase completes.
    ///   - newMemberId: the id to hand out if the request comes from a new member.
    mutating func join(
        _ request: JoinGroupInput, waiter: GroupWaiterID, newMemberId: String, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        let memberId = request.memberId
        if state == .dead {
            return [.answerJoin(waiter, .failure(GroupErrorCode.coordinatorNotAvailable, memberId: memberId))]
        }
        guard supportsProtocols(of: request) else {
            return [.answerJoin(waiter, .failure(GroupErrorCode.inconsistentGroupProtocol, memberId: memberId))]
        }
        if memberId.isEmpty {
            return joinNewMember(request, waiter: waiter, newMemberId: newMemberId, now: now)
        }
        if pendingMembers[memberId] != nil {
            return addMemberAndRebalance(request, memberId: memberId, waiter: waiter, now: now)
        }
        guard members[memberId] != nil else {
            return [.answerJoin(waiter, .failure(GroupErrorCode.unknownMemberId, memberId: memberId))]
        }
        return joinExistingMember(request, waiter: waiter, now: now)
    }

    /// Kafka's `supportsProtocols`: an empty group accepts any non-empty protocol type and list;
    /// otherwise the type must match and one of the protocols must be supported by every
    /// other member, so a common protocol always exists.
    func supportsProtocols(of request: JoinGroupInput) -> Bool {
        let others = members.values.filter { $0.memberId != request.memberId }
        if others.isEmpty {
            return !request.protocolType.isEmpty && !request.protocols.isEmpty
        }
        guard request.protocolType == protocolType else { return false }
        return request.protocols.contains { candidate in others.allSatisfy { $0.supports(candidate.name) } }
    }

    /// KIP-394: with `requireKnownMemberId` the new member only receives an id and must come
    /// back with it; the id stays pending for one session timeout. Older clients join directly.
    private mutating func joinNewMember(
        _ request: JoinGroupInput, waiter: GroupWaiterID, newMemberId: String, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        guard request.requireKnownMemberId else {
            return addMemberAndRebalance(request, memberId: newMemberId, waiter: waiter, now: now)
        }
        pendingMembers[newMemberId] = now + .milliseconds(request.sessionTimeoutMs)
        return [.answerJoin(waiter, .failure(GroupErrorCode.memberIdRequired, memberId: newMemberId))]
    }

    private mutating func addMemberAndRebalance(
        _ request: JoinGroupInput, memberId: String, waiter: GroupWaiterID, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        addMember(GroupMember(request: request, memberId: memberId, joinWaiter: waiter, now: now))
        noteNewMemberDuringInitialDelay()
        if state == .preparingRebalance {
            return tryCompleteJoin(now: now)
        }
        return maybePrepareRebalance(now: now)
    }

    private mutating func joinExistingMember(
        _ request: JoinGroupInput, waiter: GroupWaiterID, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        let memberId = request.memberId
        guard let member = members[memberId] else { return [] }
        switch state {
        case .preparingRebalance:
            return updateMemberAndRebalance(request, waiter: waiter, now: now)
        case .completingRebalance where member.hasSameProtocols(as: request.protocols):
            // The member probably lost the JoinGroup response: send it again.
            members[memberId]?.extendSession(now: now)
            return [.answerJoin(waiter, currentJoinOutcome(for: memberId))]
        case .stable where !isLeader(memberId) && member.hasSameProtocols(as: request.protocols):
            // A follower with unchanged metadata gets the current generation; a leader's
            // JoinGroup always starts a rebalance (it may have seen new topics or partitions).
            members[memberId]?.extendSession(now: now)
            return [.answerJoin(waiter, currentJoinOutcome(for: memberId))]
        case .completingRebalance, .stable:
            return updateMemberAndRebalance(request, waiter: waiter, now: now)
        case .empty, .dead:
            return [.answerJoin(waiter, .failure(GroupErrorCode.unknownMemberId, memberId: memberId))]
        }
    }

    /// Records the rejoin and starts (or continues) the join phase. A JoinGroup the member had
    /// already parked is superseded: it is answered with REBALANCE_IN_PROGRESS (a retriable
    /// error) rather than left hanging, and the newest request gets the generation.
    private mutating func updateMemberAndRebalance(
        _ request: JoinGroupInput, waiter: GroupWaiterID, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        var actions: [GroupAction] = []
        if let previous = members[request.memberId]?.joinWaiter {
            actions.append(
                .answerJoin(previous, .failure(GroupErrorCode.rebalanceInProgress, memberId: request.memberId))
            )
        }
        members[request.memberId]?.update(from: request, joinWaiter: waiter, now: now)
        if state == .preparingRebalance {
            return actions + tryCompleteJoin(now: now)
        }
        return actions + maybePrepareRebalance(now: now)
    }
}
