import Logging
import NIOCore
import Synchronization

@testable import MiniBroker

/// A consumer as the group coordinator sees it: the JoinGroup/SyncGroup/Heartbeat/LeaveGroup
/// sequence of Kafka's consumer, without any wire protocol. A leader assigns each member the
/// bytes "for-<memberId>", so every member can check it received its own assignment.
struct GroupTestConsumer {
    let coordinator: GroupCoordinator
    let groupId: String
    let clientId: String
    var memberId = ""
    var generationId: Int32 = -1
    var sessionTimeoutMs: Int32 = 2_000
    var rebalanceTimeoutMs: Int32 = 2_000
    var protocols = ["range"]

    init(_ coordinator: GroupCoordinator, groupId: String = "orders-analyzer", clientId: String) {
        self.coordinator = coordinator
        self.groupId = groupId
        self.clientId = clientId
    }

    func joinRequest(requireKnownMemberId: Bool = true) -> JoinGroupInput {
        JoinGroupInput(
            groupId: groupId, memberId: memberId, protocolType: "consumer",
            protocols: protocols.map { (name: $0, metadata: ByteBuffer(string: "\($0)-\(clientId)")) },
            sessionTimeoutMs: sessionTimeoutMs, rebalanceTimeoutMs: rebalanceTimeoutMs,
            clientId: clientId, clientHost: "/127.0.0.1", requireKnownMemberId: requireKnownMemberId
        )
    }

    /// JoinGroup, following MEMBER_ID_REQUIRED once; forgets the id on UNKNOWN_MEMBER_ID,
    /// as Kafka's consumer does.
    mutating func join() async -> JoinGroupOutcome {
        var outcome = await coordinator.join(joinRequest())
        if outcome.errorCode == GroupErrorCode.memberIdRequired {
            memberId = outcome.memberId
            outcome = await coordinator.join(joinRequest())
        }
        if outcome.errorCode == GroupErrorCode.none {
            generationId = outcome.generationId
        } else if outcome.errorCode == GroupErrorCode.unknownMemberId {
            memberId = ""
        }
        return outcome
    }

    /// SyncGroup for the generation just joined; the leader sends every member's assignment.
    func sync(after joined: JoinGroupOutcome) async -> SyncGroupOutcome {
        let assignments = joined.members.map {
            (memberId: $0.memberId, assignment: ByteBuffer(string: "for-\($0.memberId)"))
        }
        return await coordinator.sync(
            SyncGroupInput(
                groupId: groupId, memberId: memberId, generationId: generationId,
                protocolType: joined.protocolType, protocolName: joined.protocolName, assignments: assignments
            )
        )
    }

    /// Joins and syncs until an assignment arrives, as a consumer's poll loop does.
    mutating func joinAndSync(attempts: Int = 50) async -> SyncGroupOutcome? {
        for _ in 0..<attempts {
            let joined = await join()
            guard joined.errorCode == GroupErrorCode.none else { continue }
            let synced = await sync(after: joined)
            if synced.errorCode == GroupErrorCode.none {
                return synced
            }
        }
        return nil
    }

    func heartbeat() async -> Int16 {
        await coordinator.heartbeat(groupId: groupId, memberId: memberId, generationId: generationId)
    }

    func leave() async -> Int16 {
        await coordinator.leave(groupId: groupId, memberIds: [memberId]).members.first?.errorCode ?? -1
    }
}

/// Test helpers around a coordinator with short timeouts.
enum GroupTestSupport {
    static func coordinator(initialRebalanceDelayMs: Int32 = 30) -> GroupCoordinator {
        GroupCoordinator(
            configuration: .init(
                minSessionTimeoutMs: 10, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs: initialRebalanceDelayMs),
            logger: Logger(label: "test.groups")
        )
    }

    /// The operation's result, or nil if it did not finish in time (a hung call), without
    /// waiting for it: a parked continuation cannot be cancelled.
    static func result<T: Sendable>(
        within limit: Duration, _ operation: @escaping @Sendable () async -> T
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
    static func eventually(within limit: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
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
