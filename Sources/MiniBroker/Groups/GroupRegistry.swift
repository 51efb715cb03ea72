import KafkaWire

/// Everything the coordinator guards with its lock: the state machine of each group, the
/// continuations of parked JoinGroup and SyncGroup calls, and one timer per group.
struct GroupRegistry {
    /// A sleeping task that delivers a group's next deadline.
    struct Timer {
        let deadline: ContinuousClock.Instant
        let task: Task<Void, Never>
    }

    /// A parked call ready to be resumed, once the lock is released.
    enum Resumption {
        case join(CheckedContinuation<JoinGroupOutcome, Never>, JoinGroupOutcome)
        case sync(CheckedContinuation<SyncGroupOutcome, Never>, SyncGroupOutcome)

        func resume() {
            switch self {
            case .join(let continuation, let outcome): continuation.resume(returning: outcome)
            case .sync(let continuation, let outcome): continuation.resume(returning: outcome)
            }
        }
    }

    /// Given to each new group: Kafka's `group.initial.rebalance.delay.ms`.
    let initialRebalanceDelay: Duration
    var groups: [String: GroupStateMachine] = [:]
    var timers: [String: Timer] = [:]
    /// The last `GroupMoment.kept` changes of each group, oldest first.
    var moments: [String: [GroupMoment]] = [:]
    var isShutDown = false
    private var joinContinuations: [GroupStateMachine.WaiterID: CheckedContinuation<JoinGroupOutcome, Never>] = [:]
    private var syncContinuations: [GroupStateMachine.WaiterID: CheckedContinuation<SyncGroupOutcome, Never>] = [:]
    private var lastWaiterID: UInt64 = 0

    init(initialRebalanceDelay: Duration) {
        self.initialRebalanceDelay = initialRebalanceDelay
    }

    mutating func park(join continuation: CheckedContinuation<JoinGroupOutcome, Never>) -> GroupStateMachine.WaiterID {
        let waiter = nextWaiterID()
        joinContinuations[waiter] = continuation
        return waiter
    }

    mutating func park(sync continuation: CheckedContinuation<SyncGroupOutcome, Never>) -> GroupStateMachine.WaiterID {
        let waiter = nextWaiterID()
        syncContinuations[waiter] = continuation
        return waiter
    }

    /// Takes the continuations the actions name; each is resumed exactly once.
    mutating func resumptions(for actions: [GroupStateMachine.Action]) -> [Resumption] {
        actions.compactMap { action in
            switch action {
            case .answerJoin(let waiter, let outcome):
                joinContinuations.removeValue(forKey: waiter).map { .join($0, outcome) }
            case .answerSync(let waiter, let outcome):
                syncContinuations.removeValue(forKey: waiter).map { .sync($0, outcome) }
            }
        }
    }

    /// Every continuation still parked, answered with `errorCode`: the last resort of shutdown.
    mutating func drainParkedCalls(errorCode: KafkaErrorCode) -> [Resumption] {
        let joins = joinContinuations.values.map { Resumption.join($0, .failure(errorCode, memberID: "")) }
        let syncs = syncContinuations.values.map { Resumption.sync($0, .failure(errorCode)) }
        joinContinuations = [:]
        syncContinuations = [:]
        return joins + syncs
    }

    /// Adds the group's moment after an event, if its state or membership changed.
    mutating func noteMoment(of groupID: String, atMillis: Int64, deadline: Bool) {
        guard let group = groups[groupID] else { return }
        let previous = moments[groupID]?.last
        var moment = GroupMoment(group, atMillis: atMillis, change: "")
        // A new group starts out Empty; only what comes after is a change.
        guard moment.signature != previous?.signature ?? ["\(GroupState.empty.rawValue) 0"] else { return }
        moment.describe(from: previous, deadline: deadline)
        moments[groupID, default: []].append(moment)
        if moments[groupID]!.count > GroupMoment.kept { moments[groupID]!.removeFirst() }
    }

    private mutating func nextWaiterID() -> GroupStateMachine.WaiterID {
        lastWaiterID += 1
        return GroupStateMachine.WaiterID(rawValue: lastWaiterID)
    }
}
