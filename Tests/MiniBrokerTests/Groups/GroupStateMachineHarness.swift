import NIOCore

@testable import MiniBroker

/// Drives one `GroupStateMachine` with synthetic instants (milliseconds after a fixed start)
/// and waiter ids, and collects the answers its actions carry.
struct GroupStateMachineHarness {
    var machine: GroupStateMachine
    let start = ContinuousClock.now
    private var lastWaiter: UInt64 = 0
    private(set) var joinAnswers: [GroupWaiterID: JoinGroupOutcome] = [:]
    private(set) var syncAnswers: [GroupWaiterID: SyncGroupOutcome] = [:]

    init(initialRebalanceDelayMs: Int = 100) {
        machine = GroupStateMachine(
            groupId: "orders-analyzer", initialRebalanceDelay: .milliseconds(initialRebalanceDelayMs))
    }

    func instant(_ milliseconds: Int) -> ContinuousClock.Instant {
        start + .milliseconds(milliseconds)
    }

    static func request(
        memberId: String, clientId: String = "client", protocolType: String = "consumer",
        protocols: [String] = ["range"], sessionTimeoutMs: Int32 = 1_000, rebalanceTimeoutMs: Int32 = 2_000
    ) -> JoinGroupInput {
        JoinGroupInput(
            groupId: "orders-analyzer", memberId: memberId, protocolType: protocolType,
            protocols: protocols.map { (name: $0, metadata: ByteBuffer(string: "\($0)-\(clientId)")) },
            sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
            clientId: clientId, clientHost: "/127.0.0.1", requireKnownMemberId: true
        )
    }

    /// Sends a JoinGroup; the new member id offered is "<clientId>-new".
    @discardableResult
    mutating func join(_ request: JoinGroupInput, at milliseconds: Int = 0) -> GroupWaiterID {
        let waiter = nextWaiter()
        record(
            machine.join(request, waiter: waiter, newMemberId: "\(request.clientId)-new", now: instant(milliseconds)))
        return waiter
    }

    @discardableResult
    mutating func sync(
        memberId: String, generationId: Int32, assignments: [(memberId: String, assignment: ByteBuffer)] = [],
        at milliseconds: Int = 0
    ) -> GroupWaiterID {
        let waiter = nextWaiter()
        let request = SyncGroupInput(
            groupId: "orders-analyzer", memberId: memberId, generationId: generationId, assignments: assignments
        )
        record(machine.sync(request, waiter: waiter, now: instant(milliseconds)))
        return waiter
    }

    mutating func heartbeat(memberId: String, generationId: Int32, at milliseconds: Int = 0) -> Int16 {
        machine.heartbeat(memberId: memberId, generationId: generationId, now: instant(milliseconds))
    }

    mutating func leave(_ memberIds: [String], at milliseconds: Int = 0) -> [(memberId: String, errorCode: Int16)] {
        let outcome = machine.leave(memberIds: memberIds, now: instant(milliseconds))
        record(outcome.actions)
        return outcome.members
    }

    mutating func advance(to milliseconds: Int) {
        record(machine.expireDeadlines(now: instant(milliseconds)))
    }

    /// Joins a new member through MEMBER_ID_REQUIRED and returns its id and parked join.
    mutating func joinNewMember(clientId: String, protocols: [String] = ["range"], at milliseconds: Int = 0) -> (
        memberId: String, waiter: GroupWaiterID
    ) {
        let first = join(Self.request(memberId: "", clientId: clientId, protocols: protocols), at: milliseconds)
        let memberId = joinAnswers[first]?.memberId ?? ""
        let second = join(Self.request(memberId: memberId, clientId: clientId, protocols: protocols), at: milliseconds)
        return (memberId, second)
    }

    /// Joins and syncs that have not been answered yet.
    var unansweredWaiters: [GroupWaiterID] {
        (1...max(lastWaiter, 1)).map { GroupWaiterID(rawValue: $0) }
            .filter { joinAnswers[$0] == nil && syncAnswers[$0] == nil && $0.rawValue <= lastWaiter }
    }

    private mutating func nextWaiter() -> GroupWaiterID {
        lastWaiter += 1
        return GroupWaiterID(rawValue: lastWaiter)
    }

    private mutating func record(_ actions: [GroupAction]) {
        for action in actions {
            switch action {
            case .answerJoin(let waiter, let outcome):
                precondition(joinAnswers[waiter] == nil, "\(waiter) answered twice")
                joinAnswers[waiter] = outcome
            case .answerSync(let waiter, let outcome):
                precondition(syncAnswers[waiter] == nil, "\(waiter) answered twice")
                syncAnswers[waiter] = outcome
            }
        }
    }
}
