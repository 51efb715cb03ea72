import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

/// Random interleavings of joins, syncs, heartbeats, leaves and time passing: no call is
/// answered twice (the harness checks), and once time moves on every call is answered.
@Suite("Group state machine under random events")
struct GroupStateMachineRandomTests {
    typealias Harness = GroupStateMachineHarness

    /// A small deterministic generator (SplitMix64), so a failing seed can be replayed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What a simulated client remembers between its requests.
    struct Client {
        let clientID: String
        var memberID = ""
        var generationID: Int32 = -1
        var lastJoin: GroupStateMachine.WaiterID?
    }

    @Test("every parked call is answered exactly once", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func everyCallAnswered(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        var harness = Harness(initialRebalanceDelayMs: 50)
        var clients = (1...6).map { Client(clientID: "c\($0)") }
        var clock = 0
        for _ in 0..<300 {
            clock += Int.random(in: 0...40, using: &random)
            let index = Int.random(in: 0..<clients.count, using: &random)
            Self.step(&clients[index], harness: &harness, at: clock, using: &random)
            harness.advance(to: clock)
        }
        for _ in 0..<5 {
            clock += 5_000
            harness.advance(to: clock)
        }
        #expect(harness.unansweredWaiters.isEmpty)
        #expect(harness.machine.state.name == .empty)
        #expect(harness.machine.generationID >= 3, "the run went through several generations")
        #expect(
            harness.syncAnswers.values.contains {
                $0.errorCode == KafkaErrorCode.none && $0.assignment.readableBytes > 0
            }
        )
    }

    private static func step(
        _ client: inout Client,
        harness: inout Harness,
        at clock: Int,
        using random: inout SeededGenerator
    ) {
        learn(&client, from: harness)
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<5:
            client.lastJoin = harness.join(
                Harness.request(memberID: client.memberID, clientID: client.clientID),
                at: clock
            )
            learn(&client, from: harness)
        case 5..<12:
            let assignments = (harness.machine.isLeader(client.memberID) ? Array(harness.machine.members.keys) : [])
                .map { (memberID: $0, assignment: ByteBuffer(string: "for-\($0)")) }
            _ = harness.sync(
                memberID: client.memberID,
                generationID: client.generationID,
                assignments: assignments,
                at: clock
            )
        case 12..<19:
            _ = harness.heartbeat(memberID: client.memberID, generationID: client.generationID, at: clock)
        default:
            _ = harness.leave([client.memberID], at: clock)
            client.memberID = ""
        }
    }

    /// Takes the member id and generation from the client's last answered JoinGroup.
    private static func learn(_ client: inout Client, from harness: Harness) {
        guard let waiter = client.lastJoin, let answer = harness.joinAnswers[waiter] else { return }
        client.lastJoin = nil
        switch answer.errorCode {
        case KafkaErrorCode.none:
            client.memberID = answer.memberID
            client.generationID = answer.generationID
        case KafkaErrorCode.memberIdRequired:
            client.memberID = answer.memberID
        case KafkaErrorCode.unknownMemberId:
            client.memberID = ""
        default:
            break
        }
    }
}
