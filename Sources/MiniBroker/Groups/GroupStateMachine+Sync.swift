import NIOCore

/// SyncGroup (Kafka's `doSyncGroup`).
extension GroupStateMachine {
    /// Handles a SyncGroup. Followers park until the leader's SyncGroup brings the
    /// assignments; then everyone is answered and the group is Stable.
    mutating func sync(
        _ request: SyncGroupInput, waiter: GroupWaiterID, now: ContinuousClock.Instant
    ) -> [GroupAction] {
        if let error = syncError(for: request) {
            return [.answerSync(waiter, .failure(error))]
        }
        let memberId = request.memberId
        switch state {
        case .completingRebalance:
            var actions: [GroupAction] = []
            if let previous = members[memberId]?.syncWaiter {
                actions.append(.answerSync(previous, .failure(GroupErrorCode.rebalanceInProgress)))
            }
            members[memberId]?.syncWaiter = waiter
            members[memberId]?.extendSession(now: now)
            markSynced(memberId)
            if isLeader(memberId) {
                actions += propagateAssignments(request.assignments, now: now)
            }
            return actions
        case .stable:
            // The assignments are already set: a late or repeated SyncGroup returns at once.
            members[memberId]?.extendSession(now: now)
            markSynced(memberId)
            return [.answerSync(waiter, currentSyncOutcome(for: memberId))]
        case .preparingRebalance:
            return [.answerSync(waiter, .failure(GroupErrorCode.rebalanceInProgress))]
        case .empty:
            return [.answerSync(waiter, .failure(GroupErrorCode.unknownMemberId))]
        case .dead:
            return [.answerSync(waiter, .failure(GroupErrorCode.coordinatorNotAvailable))]
        }
    }

    /// The checks Kafka makes before looking at the state, in Kafka's order.
    private func syncError(for request: SyncGroupInput) -> Int16? {
        if state == .dead { return GroupErrorCode.coordinatorNotAvailable }
        if !hasMember(request.memberId) { return GroupErrorCode.unknownMemberId }
        if request.generationId != generationId { return GroupErrorCode.illegalGeneration }
        if let type = request.protocolType, type != protocolType { return GroupErrorCode.inconsistentGroupProtocol }
        if let name = request.protocolName, name != protocolName { return GroupErrorCode.inconsistentGroupProtocol }
        return nil
    }

    /// Stores the leader's assignments (members it left out get an empty one, ids it invented
    /// are ignored), answers every parked SyncGroup and settles the group.
    private mutating func propagateAssignments(
        _ assignments: [(memberId: String, assignment: ByteBuffer)], now: ContinuousClock.Instant
    ) -> [GroupAction] {
        let byMember = Dictionary(
            assignments.map { ($0.memberId, $0.assignment) }, uniquingKeysWith: { _, last in last })
        for id in memberOrder {
            members[id]?.assignment = byMember[id] ?? ByteBuffer()
        }
        transition(to: .stable)
        var actions: [GroupAction] = []
        for id in memberOrder {
            guard let waiter = members[id]?.syncWaiter else { continue }
            members[id]?.syncWaiter = nil
            members[id]?.extendSession(now: now)
            actions.append(.answerSync(waiter, currentSyncOutcome(for: id)))
        }
        return actions
    }
}
