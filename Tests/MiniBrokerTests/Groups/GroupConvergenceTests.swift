import KafkaWire
import NIOCore
import Synchronization
import Testing

@testable import MiniBroker

/// Many consumers joining and leaving at once must settle into one Stable generation in
/// which everyone holds its own assignment, without UNKNOWN_MEMBER_ID loops or hung calls.
@Suite("Group convergence", .timeLimit(.minutes(1)))
struct GroupConvergenceTests {
    typealias Support = GroupTestSupport

    @Test("ten consumers joining, then some leaving while others arrive, converge")
    func manyMembersConverge() async {
        let coordinator = Support.coordinator(initialRebalanceDelayMs: 30)
        let board = ConsumerBoard()
        var running: [String: Task<Void, Never>] = [:]
        for index in 1...10 {
            running["c\(index)"] = Self.start(clientID: "c\(index)", coordinator, board)
        }
        #expect(await Support.eventually { await Self.converged(coordinator, board, clients: Set(running.keys)) })

        for index in 1...4 {
            running.removeValue(forKey: "c\(index)")?.cancel()
        }
        for index in 11...13 {
            running["c\(index)"] = Self.start(clientID: "c\(index)", coordinator, board)
        }
        #expect(await Support.eventually { await Self.converged(coordinator, board, clients: Set(running.keys)) })

        for task in running.values {
            task.cancel()
        }
        for task in running.values {
            #expect(await Support.result(within: .seconds(30)) { await task.value } != nil, "a consumer hung")
        }
        #expect(await coordinator.describe(groupIDs: ["orders-analyzer"]).first?.state == "Empty")
        #expect(board.unknownMemberErrors == 0)
        coordinator.shutdown()
    }

    /// Runs a consumer until its task is cancelled, then leaves the group, like a consumer
    /// that polls, heartbeats and rejoins whenever the coordinator asks it to.
    static func start(clientID: String, _ coordinator: GroupCoordinator, _ board: ConsumerBoard) -> Task<Void, Never> {
        Task {
            var consumer = GroupTestConsumer(coordinator, clientID: clientID)
            // Long enough that no member expires while other suites keep the test's threads
            // busy: members here leave when cancelled, they never go silent.
            consumer.sessionTimeoutMs = 30_000
            consumer.rebalanceTimeoutMs = 30_000
            var needsJoin = true
            while !Task.isCancelled {
                if needsJoin {
                    needsJoin = await joinAndSyncOnce(&consumer, board)
                } else {
                    let error = await consumer.heartbeat()
                    board.count(error)
                    needsJoin = error != KafkaErrorCode.none
                    if error == KafkaErrorCode.unknownMemberId {
                        consumer.memberID = ""
                    }
                }
                try? await Task.sleep(for: .milliseconds(15))
            }
            board.record(clientID, nil)
            if !consumer.memberID.isEmpty {
                _ = await consumer.leave()
            }
        }
    }

    /// One JoinGroup + SyncGroup round; returns whether the consumer still needs to join.
    private static func joinAndSyncOnce(_ consumer: inout GroupTestConsumer, _ board: ConsumerBoard) async -> Bool {
        let joined = await consumer.join()
        board.count(joined.errorCode)
        guard joined.errorCode == KafkaErrorCode.none else { return true }
        let synced = await consumer.sync(after: joined)
        board.count(synced.errorCode)
        guard synced.errorCode == KafkaErrorCode.none else { return true }
        board.record(
            consumer.clientID,
            .init(memberID: consumer.memberID, generationID: consumer.generationID, assignment: synced.assignment)
        )
        return false
    }

    /// The group is Stable with exactly the running consumers, all in one generation, each
    /// holding the assignment the leader made for it.
    static func converged(_ coordinator: GroupCoordinator, _ board: ConsumerBoard, clients: Set<String>) async -> Bool {
        guard let group = await coordinator.describe(groupIDs: ["orders-analyzer"]).first, group.state == "Stable"
        else {
            return false
        }
        let entries = board.entries
        guard Set(entries.keys) == clients, Set(entries.values.map(\.generationID)).count == 1 else { return false }
        let memberIDs = Set(entries.values.map(\.memberID))
        guard Set(group.members.map(\.memberID)) == memberIDs, group.members.count == clients.count else {
            return false
        }
        return group.members.allSatisfy { $0.assignment == ByteBuffer(string: "for-\($0.memberID)") }
            && entries.values.allSatisfy { $0.assignment == ByteBuffer(string: "for-\($0.memberID)") }
    }
}

/// What each simulated consumer last saw, shared between their tasks.
final class ConsumerBoard: Sendable {
    struct Entry: Sendable {
        var memberID: String
        var generationID: Int32
        var assignment: ByteBuffer
    }

    private let state = Mutex<(entries: [String: Entry], unknownMemberErrors: Int)>(([:], 0))

    var entries: [String: Entry] { state.withLock { $0.entries } }
    var unknownMemberErrors: Int { state.withLock { $0.unknownMemberErrors } }

    func record(_ clientID: String, _ entry: Entry?) {
        state.withLock { $0.entries[clientID] = entry }
    }

    func count(_ errorCode: KafkaErrorCode) {
        if errorCode == KafkaErrorCode.unknownMemberId {
            state.withLock { $0.unknownMemberErrors += 1 }
        }
    }
}
