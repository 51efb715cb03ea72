/// Operations that create, look up or remove groups before handing over to a state machine.
extension GroupRegistry {
    /// JoinGroup: a new member may create the group; a member id the coordinator never saw
    /// for a missing group is unknown. A group created by a join that failed is not kept.
    mutating func join(
        _ request: JoinGroupInput, waiter: GroupWaiterID, newMemberId: String, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        let groupId = request.groupId
        if isShutDown {
            return [.answerJoin(waiter, .failure(GroupErrorCode.coordinatorNotAvailable, memberId: request.memberId))]
        }
        if groups[groupId] == nil {
            guard request.memberId.isEmpty else {
                return [.answerJoin(waiter, .failure(GroupErrorCode.unknownMemberId, memberId: request.memberId))]
            }
            groups[groupId] = makeGroup(groupId)
        }
        let actions = groups[groupId]?.join(request, waiter: waiter, newMemberId: newMemberId, now: now) ?? []
        if groups[groupId]?.isUnused == true {
            groups[groupId] = nil
        }
        return actions
    }

    /// OffsetCommit checks. For a group the coordinator does not know, Kafka accepts a simple
    /// commit (generation < 0) and creates the group, and rejects any generation >= 0 as stale.
    mutating func validateOffsetCommit(groupId: String, memberId: String, generationId: Int32) -> Int16 {
        if isShutDown { return GroupErrorCode.coordinatorNotAvailable }
        guard let group = groups[groupId] else {
            guard generationId < 0 else { return GroupErrorCode.illegalGeneration }
            var created = makeGroup(groupId)
            created.recordSimpleCommit()
            groups[groupId] = created
            return GroupErrorCode.none
        }
        let error = group.validateOffsetCommit(memberId: memberId, generationId: generationId)
        if error == GroupErrorCode.none && generationId < 0 {
            groups[groupId]?.recordSimpleCommit()
        }
        return error
    }

    /// DeleteGroups for one group (Kafka's `handleDeleteGroups`).
    mutating func deleteGroup(_ groupId: String) -> Int16 {
        if isShutDown { return GroupErrorCode.coordinatorNotAvailable }
        guard let group = groups[groupId], group.state != .dead else { return GroupErrorCode.groupIdNotFound }
        guard group.state == .empty else { return GroupErrorCode.nonEmptyGroup }
        groups[groupId] = nil
        timers.removeValue(forKey: groupId)?.task.cancel()
        return GroupErrorCode.none
    }

    /// Marks every group Dead, cancels the timers and collects every parked call.
    mutating func shutdown() -> [Resumption] {
        isShutDown = true
        for timer in timers.values {
            timer.task.cancel()
        }
        timers = [:]
        var actions: [GroupAction] = []
        for groupId in groups.keys {
            actions += groups[groupId]?.shutdown() ?? []
        }
        return resumptions(for: actions) + drainParkedCalls(errorCode: GroupErrorCode.coordinatorNotAvailable)
    }

    private func makeGroup(_ groupId: String) -> GroupStateMachine {
        GroupStateMachine(groupId: groupId, initialRebalanceDelay: initialRebalanceDelay)
    }
}
