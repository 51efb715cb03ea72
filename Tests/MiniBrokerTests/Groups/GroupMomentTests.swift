import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Group moments: the coordinator's record of each rebalance", .timeLimit(.minutes(1)))
struct GroupMomentTests {
    typealias Support = GroupTestSupport

    @Test func aJoinAndSyncAreRecordedAsTheyHappenWithEachMembersPhase() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, groupID: "watched", clientID: "analyzer")
        let joined = await consumer.join()
        _ = await consumer.sync(after: joined)
        // Heartbeats change nothing worth a moment.
        #expect(await consumer.heartbeat() == KafkaErrorCode.none)
        let moments = coordinator.allMoments()["watched"] ?? []
        #expect(moments.map(\.state) == ["PreparingRebalance", "CompletingRebalance", "Stable"])
        #expect(moments[0].change.contains("analyzer (\(consumer.memberID)) joined"))
        #expect(moments[0].change.contains("rebalance started"))
        #expect(moments[0].members.map(\.phase) == ["joining"])
        #expect(moments[1].change.contains("generation 1 formed with 1 member(s)"))
        #expect(moments[1].members.map(\.phase) == ["to sync"])
        #expect(moments[2].members.map(\.phase) == ["assigned"])
        #expect(moments[2].change == "assignments delivered: generation 1 is stable")
        #expect(moments[2].leaderID == consumer.memberID)
        #expect(moments[2].members.first?.assignment == ByteBuffer(string: "for-\(consumer.memberID)"))
        coordinator.shutdown()
    }

    @Test func aMemberRemovedAtItsSessionTimeoutIsSaidSo() async {
        let coordinator = Support.coordinator()
        var lonely = GroupTestConsumer(coordinator, groupID: "lonely", clientID: "sleepy")
        lonely.sessionTimeoutMs = 300
        let joined = await lonely.join()
        _ = await lonely.sync(after: joined)
        let emptied = await Support.eventually(within: .seconds(30)) {
            try? await Task.sleep(for: .milliseconds(20))
            return coordinator.allMoments()["lonely"]?.last?.state == "Empty"
        }
        #expect(emptied)
        let last = coordinator.allMoments()["lonely"]?.last
        #expect(
            last?.change.contains(
                "sleepy (\(lonely.memberID)) was removed: no heartbeat within its session timeout of 300 ms"
            ) == true
        )
        #expect(last?.members.isEmpty == true)
        #expect(last?.expired == ["sleepy"])
        coordinator.shutdown()
    }

    @Test func aDeletedGroupForgetsItsMoments() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, groupID: "gone", clientID: "c")
        let joined = await consumer.join()
        _ = await consumer.sync(after: joined)
        _ = await coordinator.leave(groupID: "gone", memberIDs: [consumer.memberID])
        #expect(coordinator.allMoments()["gone"]?.last?.change.contains("left") == true)
        // Leaving is not expiring.
        #expect(coordinator.allMoments()["gone"]?.last?.expired == [])
        #expect(await coordinator.deleteGroups(groupIDs: ["gone"]).first?.errorCode == KafkaErrorCode.none)
        #expect(coordinator.allMoments()["gone"] == nil)
        coordinator.shutdown()
    }

    @Test func aMemberThatDidNotRejoinInTimeIsSaidSo() {
        func moment(_ members: [GroupMoment.Member]) -> GroupMoment {
            GroupMoment(
                atMillis: 0,
                state: "PreparingRebalance",
                generation: 3,
                leaderID: nil,
                protocolName: nil,
                members: members,
                change: ""
            )
        }
        let slow = GroupMoment.Member(
            memberID: "m-2",
            clientID: "slow",
            clientHost: "/10.0.0.2",
            phase: "to rejoin",
            assignment: ByteBuffer(),
            sessionTimeoutMs: 10_000
        )
        var after = moment([])
        after.describe(from: moment([slow]), deadline: true)
        #expect(after.change == "slow (m-2) was removed: it did not rejoin within the rebalance timeout")
        #expect(after.expired == ["slow"])
    }
}
