import KafkaWire

/// Operations that create, look up or remove groups before handing over to a state machine.
extension GroupRegistry {
    /// JoinGroup: a new member may create the group; a member id the coordinator never saw
    /// for a missing group is unknown. A group created by a join that failed is not kept.
    mutating func join(
        _ request: JoinGroupInput,
        waiter: GroupStateMachine.WaiterID,
        newMemberID: String,
        now: ContinuousClock.Instant
    ) -> [GroupStateMachine.Action] {
        let groupID = request.groupID
        if isShutDown {
            return [.answerJoin(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable, memberID: request.memberID))]
        }
        if groups[groupID] == nil {
            guard request.memberID.isEmpty else {
                return [.answerJoin(waiter, .failure(KafkaErrorCode.unknownMemberId, memberID: request.memberID))]
            }
            groups[groupID] = makeGroup(groupID)
        }
        let actions = groups[groupID]?.join(request, waiter: waiter, newMemberID: newMemberID, now: now) ?? []
        if groups[groupID]?.isUnused == true {
            groups[groupID] = nil
        }
        return actions
    }

    /// OffsetCommit checks. For a group the coordinator does not know, Kafka accepts a simple
    /// commit (generation < 0) and creates the group, and rejects any generation >= 0 as stale.
    mutating func validateOffsetCommit(groupID: String, memberID: String, generationID: Int32) -> KafkaErrorCode {
        if isShutDown { return KafkaErrorCode.coordinatorNotAvailable }
        guard let group = groups[groupID] else {
            guard generationID < 0 else { return KafkaErrorCode.illegalGeneration }
            var created = makeGroup(groupID)
            created.recordSimpleCommit()
            groups[groupID] = created
            return KafkaErrorCode.none
        }
        let error = group.validateOffsetCommit(memberID: memberID, generationID: generationID)
        if error == KafkaErrorCode.none && generationID < 0 {
            groups[groupID]?.recordSimpleCommit()
        }
        return error
    }

    /// DeleteGroups for one group (Kafka's `handleDeleteGroups`).
    mutating func deleteGroup(_ groupID: String) -> KafkaErrorCode {
        if isShutDown { return KafkaErrorCode.coordinatorNotAvailable }
        guard let group = groups[groupID], group.state.name != .dead else { return KafkaErrorCode.groupIdNotFound }
        guard group.state.name == .empty else { return KafkaErrorCode.nonEmptyGroup }
        groups[groupID] = nil
        moments[groupID] = nil
        timers.removeValue(forKey: groupID)?.task.cancel()
        return KafkaErrorCode.none
    }

    /// Marks every group Dead, cancels the timers and collects every parked call.
    mutating func shutdown() -> [Resumption] {
        isShutDown = true
        for timer in timers.values {
            timer.task.cancel()
        }
        timers = [:]
        var actions: [GroupStateMachine.Action] = []
        for groupID in groups.keys {
            actions += groups[groupID]?.shutdown() ?? []
        }
        return resumptions(for: actions) + drainParkedCalls(errorCode: KafkaErrorCode.coordinatorNotAvailable)
    }

    private func makeGroup(_ groupID: String) -> GroupStateMachine {
        GroupStateMachine(groupID: groupID, initialRebalanceDelay: initialRebalanceDelay)
    }
}
