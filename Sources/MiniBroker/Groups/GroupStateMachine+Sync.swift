import KafkaWire
import NIOCore

/// SyncGroup (Kafka's `doSyncGroup`).
extension GroupStateMachine {
    /// Handles a SyncGroup. Followers park until the leader's SyncGroup brings the
    /// assignments; then everyone is answered and the group is Stable.
    mutating func sync(
        _ request: SyncGroupInput,
        waiter: WaiterID,
        now: ContinuousClock.Instant
    ) -> [Action] {
        if let error = syncError(for: request) {
            return [.answerSync(waiter, .failure(error))]
        }
        let memberID = request.memberID
        switch state {
        case .completingRebalance:
            var actions: [Action] = []
            if let previous = members[memberID]?.syncWaiter {
                actions.append(.answerSync(previous, .failure(KafkaErrorCode.rebalanceInProgress)))
            }
            members[memberID]?.syncWaiter = waiter
            members[memberID]?.extendSession(now: now)
            markSynced(memberID)
            if isLeader(memberID) {
                actions += propagateAssignments(request.assignments, now: now)
            }
            return actions
        case .stable:
            // The assignments are already set: a late or repeated SyncGroup returns at once.
            members[memberID]?.extendSession(now: now)
            markSynced(memberID)
            return [.answerSync(waiter, currentSyncOutcome(for: memberID))]
        case .preparingRebalance:
            return [.answerSync(waiter, .failure(KafkaErrorCode.rebalanceInProgress))]
        case .empty:
            return [.answerSync(waiter, .failure(KafkaErrorCode.unknownMemberId))]
        case .dead:
            return [.answerSync(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable))]
        }
    }

    /// The checks Kafka makes before looking at the state, in Kafka's order.
    private func syncError(for request: SyncGroupInput) -> KafkaErrorCode? {
        if case .dead = state { return KafkaErrorCode.coordinatorNotAvailable }
        if !hasMember(request.memberID) { return KafkaErrorCode.unknownMemberId }
        if request.generationID != generationID { return KafkaErrorCode.illegalGeneration }
        if let type = request.protocolType, type != protocolType { return KafkaErrorCode.inconsistentGroupProtocol }
        if let name = request.protocolName, name != protocolName { return KafkaErrorCode.inconsistentGroupProtocol }
        return nil
    }

    /// Stores the leader's assignments (members it left out get an empty one, ids it invented
    /// are ignored), answers every parked SyncGroup and settles the group.
    private mutating func propagateAssignments(
        _ assignments: [(memberID: String, assignment: ByteBuffer)],
        now: ContinuousClock.Instant
    ) -> [Action] {
        let byMember = Dictionary(
            assignments.map { ($0.memberID, $0.assignment) },
            uniquingKeysWith: { _, last in last }
        )
        for id in memberOrder {
            members[id]?.assignment = byMember[id] ?? ByteBuffer()
        }
        state = .stable(state.pendingSyncs)
        var actions: [Action] = []
        for id in memberOrder {
            guard let waiter = members[id]?.syncWaiter else { continue }
            members[id]?.syncWaiter = nil
            members[id]?.extendSession(now: now)
            actions.append(.answerSync(waiter, currentSyncOutcome(for: id)))
        }
        return actions
    }
}
