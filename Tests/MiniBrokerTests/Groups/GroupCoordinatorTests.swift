import NIOCore
import Testing

@testable import MiniBroker

@Suite("Group coordinator", .timeLimit(.minutes(1)))
struct GroupCoordinatorTests {
    typealias Support = GroupTestSupport

    @Test("a single consumer joins, syncs and heartbeats")
    func singleMember() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, clientId: "analyzer")
        let joined = await consumer.join()
        #expect(joined.errorCode == GroupErrorCode.none)
        #expect(joined.generationId == 1)
        #expect(joined.leaderId == consumer.memberId)
        #expect(joined.memberId.hasPrefix("analyzer-"))
        #expect(joined.members.map(\.memberId) == [consumer.memberId])
        let synced = await consumer.sync(after: joined)
        #expect(synced.errorCode == GroupErrorCode.none)
        #expect(synced.assignment == ByteBuffer(string: "for-\(consumer.memberId)"))
        #expect(synced.protocolType == "consumer")
        #expect(synced.protocolName == "range")
        #expect(await consumer.heartbeat() == GroupErrorCode.none)
        coordinator.shutdown()
    }

    @Test("JoinGroup v4+ answers MEMBER_ID_REQUIRED first; older versions join at once")
    func memberIdRequiredFlow() async {
        let coordinator = Support.coordinator()
        let consumer = GroupTestConsumer(coordinator, clientId: "rdkafka")
        let first = await coordinator.join(consumer.joinRequest(requireKnownMemberId: true))
        #expect(first.errorCode == GroupErrorCode.memberIdRequired)
        #expect(first.memberId.hasPrefix("rdkafka-"))
        #expect(first.generationId == -1)

        let legacy = GroupTestConsumer(coordinator, groupId: "legacy", clientId: "old-client")
        let joined = await coordinator.join(legacy.joinRequest(requireKnownMemberId: false))
        #expect(joined.errorCode == GroupErrorCode.none)
        #expect(joined.memberId.hasPrefix("old-client-"))
        #expect(joined.leaderId == joined.memberId)
        coordinator.shutdown()
    }

    @Test("two consumers starting together land in one generation with one leader")
    func twoMembersOneGeneration() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c2"))
        let (c1, s1) = await first
        let (c2, s2) = await second
        #expect(c1.generationId == 1)
        #expect(c2.generationId == 1)
        #expect(c1.memberId != c2.memberId)
        #expect(s1?.assignment == ByteBuffer(string: "for-\(c1.memberId)"))
        #expect(s2?.assignment == ByteBuffer(string: "for-\(c2.memberId)"))
        let description = await coordinator.describe(groupIds: ["orders-analyzer"])
        #expect(description.first?.state == "Stable")
        #expect(description.first?.members.count == 2)
        coordinator.shutdown()
    }

    @Test("a third member makes the others rejoin into generation 2")
    func thirdMemberTriggersRebalance() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c2"))
        var (c1, c2) = (await first.0, await second.0)
        #expect(c1.generationId == 1)

        async let third = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c3"))
        let told = await Support.eventually { await c1.heartbeat() == GroupErrorCode.rebalanceInProgress }
        #expect(told)
        #expect(await c2.heartbeat() == GroupErrorCode.rebalanceInProgress)
        async let rejoin1 = Self.joinedAndSynced(c1)
        async let rejoin2 = Self.joinedAndSynced(c2)
        let results = await [rejoin1, rejoin2, third]
        c1 = results[0].0
        c2 = results[1].0
        #expect(results.map(\.0.generationId) == [2, 2, 2])
        for (consumer, synced) in results {
            #expect(synced?.assignment == ByteBuffer(string: "for-\(consumer.memberId)"))
        }
        #expect(await c1.heartbeat() == GroupErrorCode.none)
        coordinator.shutdown()
    }

    @Test("a member leaving makes the others rebalance without it")
    func leaveTriggersRebalance() async {
        let coordinator = Support.coordinator()
        async let first = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c1"))
        async let second = Self.joinedAndSynced(GroupTestConsumer(coordinator, clientId: "c2"))
        var c1 = await first.0
        let c2 = await second.0
        #expect(await c2.leave() == GroupErrorCode.none)
        #expect(await c1.heartbeat() == GroupErrorCode.rebalanceInProgress)
        let joined = await c1.join()
        #expect(joined.generationId == 2)
        #expect(joined.leaderId == c1.memberId)
        #expect(joined.members.map(\.memberId) == [c1.memberId])
        #expect(await c1.leave() == GroupErrorCode.none)
        #expect(await coordinator.describe(groupIds: ["orders-analyzer"]).first?.state == "Empty")
        coordinator.shutdown()
    }

    @Test("a silent member is removed at its session timeout, and the last one leaves the group Empty")
    func sessionExpiry() async {
        let coordinator = Support.coordinator()
        var silent = GroupTestConsumer(coordinator, clientId: "silent")
        var active = GroupTestConsumer(coordinator, clientId: "active")
        silent.sessionTimeoutMs = 300
        active.sessionTimeoutMs = 300
        async let first = Self.joinedAndSynced(silent)
        async let second = Self.joinedAndSynced(active)
        silent = await first.0
        active = await second.0

        let activeConsumer = active
        let told = await Support.eventually(within: .seconds(2)) {
            try? await Task.sleep(for: .milliseconds(40))
            return await activeConsumer.heartbeat() == GroupErrorCode.rebalanceInProgress
        }
        #expect(told)
        let (rejoined, synced) = await Self.joinedAndSynced(active)
        #expect(rejoined.generationId == 2)
        #expect(synced != nil)
        let members = await coordinator.describe(groupIds: ["orders-analyzer"]).first?.members.map(\.memberId)
        #expect(members == [rejoined.memberId])
        #expect(await silent.heartbeat() == GroupErrorCode.unknownMemberId)

        let emptied = await Support.eventually(within: .seconds(2)) {
            await coordinator.describe(groupIds: ["orders-analyzer"]).first?.state == "Empty"
        }
        #expect(emptied)
        coordinator.shutdown()
    }

    @Test("requests are checked: group id, session timeout, unknown members, stale generations, protocols")
    func requestErrors() async {
        let coordinator = Support.coordinator()
        var consumer = GroupTestConsumer(coordinator, clientId: "c1")
        let joined = await consumer.join()
        _ = await consumer.sync(after: joined)

        var tooShort = GroupTestConsumer(coordinator, clientId: "c2").joinRequest()
        tooShort.sessionTimeoutMs = 5
        #expect(await coordinator.join(tooShort).errorCode == GroupErrorCode.invalidSessionTimeout)
        var noGroup = consumer.joinRequest()
        noGroup.groupId = ""
        #expect(await coordinator.join(noGroup).errorCode == GroupErrorCode.invalidGroupId)
        var unknownMember = GroupTestConsumer(coordinator, clientId: "c3").joinRequest()
        unknownMember.memberId = "c3-forgotten"
        #expect(await coordinator.join(unknownMember).errorCode == GroupErrorCode.unknownMemberId)
        var missingGroup = unknownMember
        missingGroup.groupId = "no-such-group"
        #expect(await coordinator.join(missingGroup).errorCode == GroupErrorCode.unknownMemberId)
        #expect(await coordinator.listGroups().map(\.groupId) == ["orders-analyzer"], "a failed join creates no group")

        var otherAssignor = GroupTestConsumer(coordinator, clientId: "c4")
        otherAssignor.protocols = ["sticky"]
        #expect(
            await coordinator.join(otherAssignor.joinRequest()).errorCode == GroupErrorCode.inconsistentGroupProtocol)

        let group = consumer.groupId
        let member = consumer.memberId
        #expect(
            await coordinator.heartbeat(groupId: group, memberId: member, generationId: 9)
                == GroupErrorCode.illegalGeneration)
        #expect(
            await coordinator.heartbeat(groupId: group, memberId: "ghost", generationId: 1)
                == GroupErrorCode.unknownMemberId)
        #expect(
            await coordinator.heartbeat(groupId: "nope", memberId: member, generationId: 1)
                == GroupErrorCode.unknownMemberId)
        let staleSync = await coordinator.sync(SyncGroupInput(groupId: group, memberId: member, generationId: 0))
        #expect(staleSync.errorCode == GroupErrorCode.illegalGeneration)
        let wrongProtocol = await coordinator.sync(
            SyncGroupInput(groupId: group, memberId: member, generationId: 1, protocolName: "roundrobin")
        )
        #expect(wrongProtocol.errorCode == GroupErrorCode.inconsistentGroupProtocol)
        let leave = await coordinator.leave(groupId: "nope", memberIds: [member])
        #expect(leave.errorCode == GroupErrorCode.none)
        #expect(leave.members.first?.errorCode == GroupErrorCode.unknownMemberId)
        coordinator.shutdown()
    }

    @Test("offset commits: simple commits create an Empty group; members commit only in their generation")
    func offsetCommitValidation() async {
        let coordinator = Support.coordinator()
        #expect(
            await coordinator.validateOffsetCommit(groupId: "tool", memberId: "", generationId: -1)
                == GroupErrorCode.none)
        #expect(await coordinator.listGroups() == [ListedGroup(groupId: "tool", protocolType: "", state: "Empty")])
        #expect(
            await coordinator.validateOffsetCommit(groupId: "other", memberId: "m", generationId: 3)
                == GroupErrorCode.illegalGeneration)

        var consumer = GroupTestConsumer(coordinator, clientId: "c1")
        let joined = await consumer.join()
        let group = consumer.groupId
        let member = consumer.memberId
        #expect(
            await coordinator.validateOffsetCommit(groupId: group, memberId: member, generationId: 1)
                == GroupErrorCode.rebalanceInProgress)
        _ = await consumer.sync(after: joined)
        #expect(
            await coordinator.validateOffsetCommit(groupId: group, memberId: member, generationId: 1)
                == GroupErrorCode.none)
        #expect(
            await coordinator.validateOffsetCommit(groupId: group, memberId: member, generationId: 0)
                == GroupErrorCode.illegalGeneration)
        #expect(
            await coordinator.validateOffsetCommit(groupId: group, memberId: "", generationId: -1)
                == GroupErrorCode.unknownMemberId)
        coordinator.shutdown()
    }

    @Test("describe, list and delete report Kafka's states")
    func describeListDelete() async {
        let coordinator = Support.coordinator(initialRebalanceDelayMs: 200)
        var consumer = GroupTestConsumer(coordinator, clientId: "c1")
        async let joining = consumer.join()
        let preparing = await Support.eventually {
            await coordinator.describe(groupIds: ["orders-analyzer"]).first?.state == "PreparingRebalance"
        }
        #expect(preparing)
        let joined = await joining
        consumer.memberId = joined.memberId
        consumer.generationId = joined.generationId
        #expect(
            await coordinator.listGroups() == [
                ListedGroup(groupId: "orders-analyzer", protocolType: "consumer", state: "CompletingRebalance")
            ])
        _ = await consumer.sync(after: joined)

        let described = await coordinator.describe(groupIds: ["orders-analyzer", "unknown"])
        #expect(described.map(\.state) == ["Stable", "Dead"])
        #expect(described.map(\.errorCode) == [GroupErrorCode.none, GroupErrorCode.none])
        #expect(described[0].protocolName == "range")
        #expect(described[0].members.first?.clientId == "c1")
        #expect(described[0].members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(described[0].members.first?.assignment == ByteBuffer(string: "for-\(joined.memberId)"))

        _ = await coordinator.validateOffsetCommit(groupId: "simple", memberId: "", generationId: -1)
        let deleted = await coordinator.deleteGroups(groupIds: ["orders-analyzer", "simple", "unknown"])
        #expect(
            deleted.map(\.errorCode) == [
                GroupErrorCode.nonEmptyGroup, GroupErrorCode.none, GroupErrorCode.groupIdNotFound,
            ])
        #expect(await coordinator.listGroups().map(\.groupId) == ["orders-analyzer"])
        coordinator.shutdown()
    }

    @Test("shutdown resumes parked joins and syncs with COORDINATOR_NOT_AVAILABLE")
    func shutdownResumesWaiters() async {
        let coordinator = Support.coordinator(initialRebalanceDelayMs: 30)
        async let first = Self.joinOnly(GroupTestConsumer(coordinator, clientId: "c1"))
        async let second = Self.joinOnly(GroupTestConsumer(coordinator, clientId: "c2"))
        let joins = await [first, second]
        guard let follower = joins.first(where: { $0.1.leaderId != $0.0.memberId }) else {
            Issue.record("no follower")
            return
        }
        let parkedSync = Task { await follower.0.sync(after: follower.1) }

        let lonely = Support.coordinator(initialRebalanceDelayMs: 10_000)
        let parkedJoin = Task {
            var consumer = GroupTestConsumer(lonely, clientId: "c3")
            return await consumer.join()
        }
        try? await Task.sleep(for: .milliseconds(100))
        coordinator.shutdown()
        lonely.shutdown()

        let sync = await Support.result(within: .seconds(2)) { await parkedSync.value }
        let join = await Support.result(within: .seconds(2)) { await parkedJoin.value }
        #expect(sync?.errorCode == GroupErrorCode.coordinatorNotAvailable)
        #expect(join?.errorCode == GroupErrorCode.coordinatorNotAvailable)
        #expect(await follower.0.heartbeat() == GroupErrorCode.coordinatorNotAvailable)
        #expect(await coordinator.join(follower.0.joinRequest()).errorCode == GroupErrorCode.coordinatorNotAvailable)
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
