import KafkaWire
import Logging
import NIOCore
import Synchronization

@testable import MiniBroker

/// A consumer as the group coordinator sees it: the JoinGroup/SyncGroup/Heartbeat/LeaveGroup
/// sequence of Kafka's consumer, without any wire protocol. A leader assigns each member the
/// bytes "for-<memberID>", so every member can check it received its own assignment.
struct GroupTestConsumer {
    let coordinator: GroupCoordinator
    let groupID: String
    let clientID: String
    var memberID = ""
    var generationID: Int32 = -1
    var sessionTimeoutMs: Int32 = 2_000
    var rebalanceTimeoutMs: Int32 = 2_000
    var protocols = ["range"]

    init(_ coordinator: GroupCoordinator, groupID: String = "orders-analyzer", clientID: String) {
        self.coordinator = coordinator
        self.groupID = groupID
        self.clientID = clientID
    }

    func joinRequest(requireKnownMemberID: Bool = true) -> JoinGroupInput {
        JoinGroupInput(
            groupID: groupID,
            memberID: memberID,
            protocolType: "consumer",
            protocols: protocols.map { (name: $0, metadata: ByteBuffer(string: "\($0)-\(clientID)")) },
            sessionTimeoutMs: sessionTimeoutMs,
            rebalanceTimeoutMs: rebalanceTimeoutMs,
            clientID: clientID,
            clientHost: "/127.0.0.1",
            requireKnownMemberID: requireKnownMemberID
        )
    }

    /// JoinGroup, following MEMBER_ID_REQUIRED once; forgets the id on UNKNOWN_MEMBER_ID,
    /// as Kafka's consumer does.
    mutating func join() async -> JoinGroupOutcome {
        var outcome = await coordinator.join(joinRequest())
        if outcome.errorCode == KafkaErrorCode.memberIdRequired {
            memberID = outcome.memberID
            outcome = await coordinator.join(joinRequest())
        }
        if outcome.errorCode == KafkaErrorCode.none {
            generationID = outcome.generationID
        } else if outcome.errorCode == KafkaErrorCode.unknownMemberId {
            memberID = ""
        }
        return outcome
    }

    /// SyncGroup for the generation just joined; the leader sends every member's assignment.
    func sync(after joined: JoinGroupOutcome) async -> SyncGroupOutcome {
        let assignments = joined.members.map {
            (memberID: $0.memberID, assignment: ByteBuffer(string: "for-\($0.memberID)"))
        }
        return await coordinator.sync(
            SyncGroupInput(
                groupID: groupID,
                memberID: memberID,
                generationID: generationID,
                protocolType: joined.protocolType,
                protocolName: joined.protocolName,
                assignments: assignments
            )
        )
    }

    /// Joins and syncs until an assignment arrives, as a consumer's poll loop does.
    mutating func joinAndSync(attempts: Int = 50) async -> SyncGroupOutcome? {
        for _ in 0..<attempts {
            let joined = await join()
            guard joined.errorCode == KafkaErrorCode.none else { continue }
            let synced = await sync(after: joined)
            if synced.errorCode == KafkaErrorCode.none {
                return synced
            }
        }
        return nil
    }

    func heartbeat() async -> KafkaErrorCode {
        await coordinator.heartbeat(groupID: groupID, memberID: memberID, generationID: generationID)
    }

    func leave() async -> KafkaErrorCode {
        await coordinator.leave(groupID: groupID, memberIDs: [memberID]).members.first?.errorCode ?? .unknownServerError
    }
}

/// Test helpers around a coordinator with short timeouts.
enum GroupTestSupport {
    static func coordinator(initialRebalanceDelayMs: Int32 = 30) -> GroupCoordinator {
        GroupCoordinator(
            configuration: .init(
                minSessionTimeoutMs: 10,
                maxSessionTimeoutMs: 60_000,
                initialRebalanceDelayMs: initialRebalanceDelayMs
            ),
            logger: Logger(label: "test.groups")
        )
    }

    /// The operation's result, or nil if it did not finish in time (a hung call), without
    /// waiting for it: a parked continuation cannot be cancelled.
    static func result<T: Sendable>(
        within limit: Duration,
        _ operation: @escaping @Sendable () async -> T
    ) async -> T? {
        let first = FirstResult<T>()
        return await withCheckedContinuation { continuation in
            first.wait(continuation)
            Task { first.finish(await operation()) }
            Task {
                try? await Task.sleep(for: limit)
                first.finish(nil)
            }
        }
    }

    /// Polls until the condition holds or the limit passes.
    static func eventually(within limit: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if await condition() {
                return true
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await condition()
    }
}

/// Resumes a continuation with whichever result comes first.
final class FirstResult<T: Sendable>: Sendable {
    private let slot = Mutex<CheckedContinuation<T?, Never>?>(nil)

    func wait(_ continuation: CheckedContinuation<T?, Never>) {
        slot.withLock { $0 = continuation }
    }

    func finish(_ value: T?) {
        slot.withLock { $0.take() }?.resume(returning: value)
    }
}
