import KafkaWire
import NIOCore

@testable import MiniBroker

/// Drives one `GroupStateMachine` with synthetic instants (milliseconds after a fixed start)
/// and waiter ids, and collects the answers its actions carry.
struct GroupStateMachineHarness {
    var machine: GroupStateMachine
    let start = ContinuousClock.now
    private var lastWaiter: UInt64 = 0
    private(set) var joinAnswers: [GroupStateMachine.WaiterID: JoinGroupOutcome] = [:]
    private(set) var syncAnswers: [GroupStateMachine.WaiterID: SyncGroupOutcome] = [:]

    init(initialRebalanceDelayMs: Int = 100) {
        machine = GroupStateMachine(
            groupID: "orders-analyzer",
            initialRebalanceDelay: .milliseconds(initialRebalanceDelayMs)
        )
    }

    func instant(_ milliseconds: Int) -> ContinuousClock.Instant {
        start + .milliseconds(milliseconds)
    }

    static func request(
        memberID: String,
        clientID: String = "client",
        protocolType: String = "consumer",
        protocols: [String] = ["range"],
        sessionTimeoutMs: Int32 = 1_000,
        rebalanceTimeoutMs: Int32 = 2_000
    ) -> JoinGroupInput {
        JoinGroupInput(
            groupID: "orders-analyzer",
            memberID: memberID,
            protocolType: protocolType,
            protocols: protocols.map { (name: $0, metadata: ByteBuffer(string: "\($0)-\(clientID)")) },
            sessionTimeoutMs: sessionTimeoutMs,
            rebalanceTimeoutMs: rebalanceTimeoutMs,
            clientID: clientID,
            clientHost: "/127.0.0.1",
            requireKnownMemberID: true
        )
    }

    /// Sends a JoinGroup; the new member id offered is "<clientID>-new".
    @discardableResult
    mutating func join(_ request: JoinGroupInput, at milliseconds: Int = 0) -> GroupStateMachine.WaiterID {
        let waiter = nextWaiter()
        record(
            machine.join(request, waiter: waiter, newMemberID: "\(request.clientID)-new", now: instant(milliseconds))
        )
        return waiter
    }

    @discardableResult
    mutating func sync(
        memberID: String,
        generationID: Int32,
        assignments: [(memberID: String, assignment: ByteBuffer)] = [],
        at milliseconds: Int = 0
    ) -> GroupStateMachine.WaiterID {
        let waiter = nextWaiter()
        let request = SyncGroupInput(
            groupID: "orders-analyzer",
            memberID: memberID,
            generationID: generationID,
            assignments: assignments
        )
        record(machine.sync(request, waiter: waiter, now: instant(milliseconds)))
        return waiter
    }

    mutating func heartbeat(memberID: String, generationID: Int32, at milliseconds: Int = 0) -> KafkaErrorCode {
        machine.heartbeat(memberID: memberID, generationID: generationID, now: instant(milliseconds))
    }

    mutating func leave(
        _ memberIDs: [String],
        at milliseconds: Int = 0
    ) -> [(memberID: String, errorCode: KafkaErrorCode)] {
        let outcome = machine.leave(memberIDs: memberIDs, now: instant(milliseconds))
        record(outcome.actions)
        return outcome.members
    }

    mutating func advance(to milliseconds: Int) {
        record(machine.expireDeadlines(now: instant(milliseconds)))
    }

    /// Joins a new member through MEMBER_ID_REQUIRED and returns its id and parked join.
    mutating func joinNewMember(
        clientID: String,
        protocols: [String] = ["range"],
        at milliseconds: Int = 0
    ) -> (
        memberID: String, waiter: GroupStateMachine.WaiterID
    ) {
        let first = join(Self.request(memberID: "", clientID: clientID, protocols: protocols), at: milliseconds)
        let memberID = joinAnswers[first]?.memberID ?? ""
        let second = join(Self.request(memberID: memberID, clientID: clientID, protocols: protocols), at: milliseconds)
        return (memberID, second)
    }

    /// Joins and syncs that have not been answered yet.
    var unansweredWaiters: [GroupStateMachine.WaiterID] {
        (1...max(lastWaiter, 1)).map { GroupStateMachine.WaiterID(rawValue: $0) }
            .filter { joinAnswers[$0] == nil && syncAnswers[$0] == nil && $0.rawValue <= lastWaiter }
    }

    private mutating func nextWaiter() -> GroupStateMachine.WaiterID {
        lastWaiter += 1
        return GroupStateMachine.WaiterID(rawValue: lastWaiter)
    }

    private mutating func record(_ actions: [GroupStateMachine.Action]) {
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
