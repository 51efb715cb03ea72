import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Group coordinator", .timeLimit(.minutes(1)))
struct GroupCoordinatorTests {
    typealias Support = GroupTestSupport

    @Test("a single consumer joins, syncs and heartbeats")
    func singleMember() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, clientID: "analyzer")
        let joined = await consumer.join()
        #expect(joined.errorCode == KafkaErrorCode.none)
        #expect(joined.generationID == 1)
        #expect(joined.leaderID == consumer.memberID)
        #expect(joined.memberID.hasPrefix("analyzer-"))
        #expect(joined.members.map(\.memberID) == [consumer.memberID])
        let synced = await consumer.sync(after: joined)
        #expect(synced.errorCode == KafkaErrorCode.none)
        #expect(synced.assignment == ByteBuffer(string: "for-\(consumer.memberID)"))
        #expect(synced.protocolType == "consumer")
        #expect(synced.protocolName == "range")
        #expect(await consumer.heartbeat() == KafkaErrorCode.none)
        coordinator.shutdown()
    }

    @Test("JoinGroup v4+ answers MEMBER_ID_REQUIRED first; older versions join at once")
    func memberIdRequiredFlow() async {
        let coordinator = Support.coordinator()
        let consumer = GroupTestConsumer(coordinator, clientID: "rdkafka")
        let first = await coordinator.join(consumer.joinRequest(requireKnownMemberID: true))
        #expect(first.errorCode == KafkaErrorCode.memberIdRequired)
        #expect(first.memberID.hasPrefix("rdkafka-"))
        #expect(first.generationID == -1)

        let legacy = GroupTestConsumer(coordinator, groupID: "legacy", clientID: "old-client")
        let joined = await coordinator.join(legacy.joinRequest(requireKnownMemberID: false))
        #expect(joined.errorCode == KafkaErrorCode.none)
        #expect(joined.memberID.hasPrefix("old-client-"))
        #expect(joined.leaderID == joined.memberID)
        coordinator.shutdown()
    }

    @Test("two consumers starting together land in one generation with one leader")
    func twoMembersOneGeneration() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c2"))
        let (c1, s1) = await first
        let (c2, s2) = await second
        #expect(c1.generationID == 1)
        #expect(c2.generationID == 1)
        #expect(c1.memberID != c2.memberID)
        #expect(s1?.assignment == ByteBuffer(string: "for-\(c1.memberID)"))
        #expect(s2?.assignment == ByteBuffer(string: "for-\(c2.memberID)"))
        let description = await coordinator.describe(groupIDs: ["orders-analyzer"])
        #expect(description.first?.state == "Stable")
        #expect(description.first?.members.count == 2)
        coordinator.shutdown()
    }

    @Test("a third member makes the others rejoin into generation 2")
    func thirdMemberTriggersRebalance() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c2"))
        var (c1, c2) = (await first.0, await second.0)
        #expect(c1.generationID == 1)

        async let third = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c3"))
        let told = await Support.eventually { await c1.heartbeat() == KafkaErrorCode.rebalanceInProgress }
        #expect(told)
        #expect(await c2.heartbeat() == KafkaErrorCode.rebalanceInProgress)
        async let rejoin1 = Self.joinedAndSynced(c1)
        async let rejoin2 = Self.joinedAndSynced(c2)
        let results = await [rejoin1, rejoin2, third]
        c1 = results[0].0
        c2 = results[1].0
        #expect(results.map(\.0.generationID) == [2, 2, 2])
        for (consumer, synced) in results {
            #expect(synced?.assignment == ByteBuffer(string: "for-\(consumer.memberID)"))
        }
        #expect(await c1.heartbeat() == KafkaErrorCode.none)
        coordinator.shutdown()
    }

    @Test("a member leaving makes the others rebalance without it")
    func leaveTriggersRebalance() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientID: "c2"))
        var c1 = await first.0
        let c2 = await second.0
        #expect(await c2.leave() == KafkaErrorCode.none)
        #expect(await c1.heartbeat() == KafkaErrorCode.rebalanceInProgress)
        let joined = await c1.join()
        #expect(joined.generationID == 2)
        #expect(joined.leaderID == c1.memberID)
        #expect(joined.members.map(\.memberID) == [c1.memberID])
        #expect(await c1.leave() == KafkaErrorCode.none)
        #expect(await coordinator.describe(groupIDs: ["orders-analyzer"]).first?.state == "Empty")
        coordinator.shutdown()
    }

    @Test("a silent member is removed at its session timeout, and the last one leaves the group Empty")
    func sessionExpiry() async {
        let coordinator = Support.coordinator()
        var silent = GroupTestConsumer(coordinator, clientID: "silent")
        var active = GroupTestConsumer(coordinator, clientID: "active")
        silent.sessionTimeoutMs = 300
        // The active member's timeouts are long: the test's own tasks may wait for a thread
        // for far longer than 300 ms while other suites keep the cooperative pool busy, and
        // only the silent member may expire here.
        active.sessionTimeoutMs = 30_000
        active.rebalanceTimeoutMs = 30_000
        async let first = Self.joinedAndSynced(silent)
        async let second = Self.joinedAndSynced(active)
        silent = await first.0
        active = await second.0

        let activeConsumer = active
        let told = await Support.eventually(within: .seconds(30)) {
            try? await Task.sleep(for: .milliseconds(40))
            return await activeConsumer.heartbeat() == KafkaErrorCode.rebalanceInProgress
        }
        #expect(told)
        let (rejoined, synced) = await Self.joinedAndSynced(active)
        #expect(rejoined.generationID == 2)
        #expect(synced != nil)
        let members = await coordinator.describe(groupIDs: ["orders-analyzer"]).first?.members.map(\.memberID)
        #expect(members == [rejoined.memberID])
        #expect(await silent.heartbeat() == KafkaErrorCode.unknownMemberId)

        // The last member of a group expiring leaves it Empty.
        var lonely = GroupTestConsumer(coordinator, groupID: "orders-lonely", clientID: "lonely")
        lonely.sessionTimeoutMs = 300
        _ = await Self.joinedAndSynced(lonely)
        let emptied = await Support.eventually(within: .seconds(30)) {
            await coordinator.describe(groupIDs: ["orders-lonely"]).first?.state == "Empty"
        }
        #expect(emptied)
        coordinator.shutdown()
    }

    @Test("requests are checked: group id, session timeout, unknown members, stale generations, protocols")
    func requestErrors() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, clientID: "c1")
        let joined = await consumer.join()
        _ = await consumer.sync(after: joined)

        var tooShort = GroupTestConsumer(coordinator, clientID: "c2").joinRequest()
        tooShort.sessionTimeoutMs = 5
        #expect(await coordinator.join(tooShort).errorCode == KafkaErrorCode.invalidSessionTimeout)
        var noGroup = consumer.joinRequest()
        noGroup.groupID = ""
        #expect(await coordinator.join(noGroup).errorCode == KafkaErrorCode.invalidGroupId)
        var unknownMember = GroupTestConsumer(coordinator, clientID: "c3").joinRequest()
        unknownMember.memberID = "c3-forgotten"
        #expect(await coordinator.join(unknownMember).errorCode == KafkaErrorCode.unknownMemberId)
        var missingGroup = unknownMember
        missingGroup.groupID = "no-such-group"
        #expect(await coordinator.join(missingGroup).errorCode == KafkaErrorCode.unknownMemberId)
        #expect(await coordinator.listGroups().map(\.groupID) == ["orders-analyzer"], "a failed join creates no group")

        var otherAssignor = GroupTestConsumer(coordinator, clientID: "c4")
        otherAssignor.protocols = ["sticky"]
        #expect(
            await coordinator.join(otherAssignor.joinRequest()).errorCode == KafkaErrorCode.inconsistentGroupProtocol
        )

        let group = consumer.groupID
        let member = consumer.memberID
        #expect(
            await coordinator.heartbeat(groupID: group, memberID: member, generationID: 9)
                == KafkaErrorCode.illegalGeneration
        )
        #expect(
            await coordinator.heartbeat(groupID: group, memberID: "ghost", generationID: 1)
                == KafkaErrorCode.unknownMemberId
        )
        #expect(
            await coordinator.heartbeat(groupID: "nope", memberID: member, generationID: 1)
                == KafkaErrorCode.unknownMemberId
        )
        let staleSync = await coordinator.sync(SyncGroupInput(groupID: group, memberID: member, generationID: 0))
        #expect(staleSync.errorCode == KafkaErrorCode.illegalGeneration)
        let wrongProtocol = await coordinator.sync(
            SyncGroupInput(groupID: group, memberID: member, generationID: 1, protocolName: "roundrobin")
        )
        #expect(wrongProtocol.errorCode == KafkaErrorCode.inconsistentGroupProtocol)
        let leave = await coordinator.leave(groupID: "nope", memberIDs: [member])
        #expect(leave.errorCode == KafkaErrorCode.none)
        #expect(leave.members.first?.errorCode == KafkaErrorCode.unknownMemberId)
        coordinator.shutdown()
    }

    @Test("offset commits: simple commits create an Empty group; members commit only in their generation")
    func offsetCommitValidation() async {
        let coordinator = Support.coordinator()
        #expect(
            await coordinator.validateOffsetCommit(groupID: "tool", memberID: "", generationID: -1)
                == KafkaErrorCode.none
        )
        #expect(await coordinator.listGroups() == [ListedGroup(groupID: "tool", protocolType: "", state: "Empty")])
        #expect(
            await coordinator.validateOffsetCommit(groupID: "other", memberID: "m", generationID: 3)
                == KafkaErrorCode.illegalGeneration
        )

        var consumer = GroupTestConsumer(coordinator, clientID: "c1")
        let joined = await consumer.join()
        let group = consumer.groupID
        let member = consumer.memberID
        #expect(
            await coordinator.validateOffsetCommit(groupID: group, memberID: member, generationID: 1)
                == KafkaErrorCode.rebalanceInProgress
        )
        _ = await consumer.sync(after: joined)
        #expect(
            await coordinator.validateOffsetCommit(groupID: group, memberID: member, generationID: 1)
                == KafkaErrorCode.none
        )
        #expect(
            await coordinator.validateOffsetCommit(groupID: group, memberID: member, generationID: 0)
                == KafkaErrorCode.illegalGeneration
        )
        #expect(
            await coordinator.validateOffsetCommit(groupID: group, memberID: "", generationID: -1)
                == KafkaErrorCode.unknownMemberId
        )
        coordinator.shutdown()
    }

    @Test("describe, list and delete report Kafka's states")
    func describeListDelete() async {
        let coordinator = Support.coordinator(initialRebalanceDelayMs: 200)
        var consumer = GroupTestConsumer(coordinator, clientID: "c1")
        async let joining = consumer.join()
        let preparing = await Support.eventually {
            await coordinator.describe(groupIDs: ["orders-analyzer"]).first?.state == "PreparingRebalance"
        }
        #expect(preparing)
        let joined = await joining
        consumer.memberID = joined.memberID
        consumer.generationID = joined.generationID
        #expect(
            await coordinator.listGroups() == [
                ListedGroup(groupID: "orders-analyzer", protocolType: "consumer", state: "CompletingRebalance")
            ]
        )
        _ = await consumer.sync(after: joined)

        let described = await coordinator.describe(groupIDs: ["orders-analyzer", "unknown"])
        #expect(described.map(\.state) == ["Stable", "Dead"])
        #expect(described.map(\.errorCode) == [KafkaErrorCode.none, KafkaErrorCode.none])
        #expect(described[0].protocolName == "range")
        #expect(described[0].members.first?.clientID == "c1")
        #expect(described[0].members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(described[0].members.first?.assignment == ByteBuffer(string: "for-\(joined.memberID)"))

        _ = await coordinator.validateOffsetCommit(groupID: "simple", memberID: "", generationID: -1)
        let deleted = await coordinator.deleteGroups(groupIDs: ["orders-analyzer", "simple", "unknown"])
        #expect(
            deleted.map(\.errorCode) == [
                KafkaErrorCode.nonEmptyGroup, KafkaErrorCode.none, KafkaErrorCode.groupIdNotFound,
            ]
        )
        #expect(await coordinator.listGroups().map(\.groupID) == ["orders-analyzer"])
        coordinator.shutdown()
    }

    @Test("shutdown resumes parked joins and syncs with COORDINATOR_NOT_AVAILABLE")
    func shutdownResumesWaiters() async {
        let coordinator = Support.coordinator(initialRebalanceDelayMs: 30)
        async let first = Self.joinOnly(GroupTestConsumer(coordinator, clientID: "c1"))
        async let second = Self.joinOnly(GroupTestConsumer(coordinator, clientID: "c2"))
        let joins = await [first, second]
        guard let follower = joins.first(where: { $0.1.leaderID != $0.0.memberID }) else {
            Issue.record("no follower")
            return
        }
        let parkedSync = Task { await follower.0.sync(after: follower.1) }

        let lonely = Support.coordinator(initialRebalanceDelayMs: 10_000)
        let parkedJoin = Task {
            var consumer = GroupTestConsumer(lonely, clientID: "c3")
            return await consumer.join()
        }
        try? await Task.sleep(for: .milliseconds(100))
        coordinator.shutdown()
        lonely.shutdown()

        let sync = await Support.result(within: .seconds(30)) { await parkedSync.value }
        let join = await Support.result(within: .seconds(30)) { await parkedJoin.value }
        #expect(sync?.errorCode == KafkaErrorCode.coordinatorNotAvailable)
        #expect(join?.errorCode == KafkaErrorCode.coordinatorNotAvailable)
        #expect(await follower.0.heartbeat() == KafkaErrorCode.coordinatorNotAvailable)
        #expect(await coordinator.join(follower.0.joinRequest()).errorCode == KafkaErrorCode.coordinatorNotAvailable)
    }

    static func joinedAndSynced(_ consumer: GroupTestConsumer) async -> (GroupTestConsumer, SyncGroupOutcome?) {
        var consumer = consumer
        let synced = await consumer.joinAndSync()
        return (consumer, synced)
    }

    static func joinOnly(_ consumer: GroupTestConsumer) async -> (GroupTestConsumer, JoinGroupOutcome) {
        var consumer = consumer
        let joined = await consumer.join()
        return (consumer, joined)
    }
}
