import NIOCore
import Testing

@testable import MiniBroker

@Suite("Group state machine")
struct GroupStateMachineTests {
    typealias Harness = GroupStateMachineHarness

    @Test("a new member first gets MEMBER_ID_REQUIRED with an id, then joins with it")
    func memberIdRequired() {
        var harness = Harness()
        let first = harness.join(Harness.request(memberId: "", clientId: "c1"))
        let answer = harness.joinAnswers[first]
        #expect(answer?.errorCode == GroupErrorCode.memberIdRequired)
        #expect(answer?.memberId == "c1-new")
        #expect(harness.machine.pendingMembers["c1-new"] != nil)
        #expect(harness.machine.state == .empty)

        let second = harness.join(Harness.request(memberId: "c1-new", clientId: "c1"))
        #expect(harness.joinAnswers[second] == nil, "parked during the initial rebalance delay")
        #expect(harness.machine.state == .preparingRebalance)
        #expect(harness.machine.pendingMembers.isEmpty)
    }

    @Test("single member: initial delay, join, leader sync, Stable, heartbeat")
    func singleMemberLifecycle() {
        var harness = Harness(initialRebalanceDelayMs: 100)
        let (memberId, joinWaiter) = harness.joinNewMember(clientId: "c1")
        harness.advance(to: 99)
        #expect(harness.joinAnswers[joinWaiter] == nil)
        harness.advance(to: 100)
        let joined = harness.joinAnswers[joinWaiter]
        #expect(joined?.errorCode == GroupErrorCode.none)
        #expect(joined?.generationId == 1)
        #expect(joined?.leaderId == memberId)
        #expect(joined?.protocolType == "consumer")
        #expect(joined?.protocolName == "range")
        #expect(joined?.members.map(\.memberId) == [memberId])
        #expect(joined?.members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(harness.machine.state == .completingRebalance)
        #expect(harness.heartbeat(memberId: memberId, generationId: 1) == GroupErrorCode.none)

        let syncWaiter = harness.sync(
            memberId: memberId, generationId: 1, assignments: [(memberId, ByteBuffer(string: "all partitions"))]
        )
        #expect(harness.syncAnswers[syncWaiter]?.errorCode == GroupErrorCode.none)
        #expect(harness.syncAnswers[syncWaiter]?.assignment == ByteBuffer(string: "all partitions"))
        #expect(harness.syncAnswers[syncWaiter]?.protocolName == "range")
        #expect(harness.machine.state == .stable)
        #expect(harness.heartbeat(memberId: memberId, generationId: 1) == GroupErrorCode.none)
    }

    @Test("members joining during the initial delay extend it, up to the rebalance timeout")
    func initialDelayExtends() {
        var harness = Harness(initialRebalanceDelayMs: 100)
        let (_, firstWaiter) = harness.joinNewMember(clientId: "c1", at: 0)
        let (_, secondWaiter) = harness.joinNewMember(clientId: "c2", at: 80)
        harness.advance(to: 100)
        #expect(harness.joinAnswers[firstWaiter] == nil, "a new member arrived: one more delay")
        harness.advance(to: 200)
        #expect(harness.joinAnswers[firstWaiter]?.generationId == 1)
        #expect(harness.joinAnswers[secondWaiter]?.generationId == 1)
        #expect(harness.joinAnswers[firstWaiter]?.members.count == 2)
        #expect(harness.joinAnswers[secondWaiter]?.members.isEmpty == true, "only the leader gets the member list")
    }

    @Test("followers' SyncGroup waits for the leader, then each gets its own assignment")
    func followersWaitForLeader() throws {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientId: "c1")
        let (follower, _) = harness.joinNewMember(clientId: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)  // the second member earned one more initial delay
        #expect(harness.machine.leaderId == leader)

        let followerSync = harness.sync(memberId: follower, generationId: 1)
        #expect(harness.syncAnswers[followerSync] == nil)
        let leaderSync = harness.sync(
            memberId: leader, generationId: 1,
            assignments: [(leader, ByteBuffer(string: "p0")), (follower, ByteBuffer(string: "p1,p2"))]
        )
        #expect(harness.syncAnswers[leaderSync]?.assignment == ByteBuffer(string: "p0"))
        #expect(harness.syncAnswers[followerSync]?.assignment == ByteBuffer(string: "p1,p2"))
        #expect(harness.machine.state == .stable)

        let late = harness.sync(memberId: follower, generationId: 1)
        #expect(harness.syncAnswers[late]?.assignment == ByteBuffer(string: "p1,p2"), "late sync answers at once")
    }

    @Test("the protocol is chosen by the members' preferences among common protocols")
    func protocolVote() {
        var harness = Harness()
        _ = harness.joinNewMember(clientId: "c1", protocols: ["range", "roundrobin", "sticky"])
        _ = harness.joinNewMember(clientId: "c2", protocols: ["roundrobin", "range"])
        _ = harness.joinNewMember(clientId: "c3", protocols: ["roundrobin", "range", "sticky"])
        harness.advance(to: 100)
        harness.advance(to: 200)
        #expect(harness.machine.protocolName == "roundrobin")
    }

    @Test("protocol type mismatch or no common protocol is INCONSISTENT_GROUP_PROTOCOL")
    func inconsistentProtocol() {
        var harness = Harness()
        _ = harness.joinNewMember(clientId: "c1", protocols: ["range"])
        let otherType = harness.join(Harness.request(memberId: "", clientId: "c2", protocolType: "connect"))
        let noCommon = harness.join(Harness.request(memberId: "", clientId: "c3", protocols: ["sticky"]))
        let noProtocols = GroupStateMachineHarness().machine.supportsProtocols(
            of: Harness.request(memberId: "", protocols: [])
        )
        #expect(harness.joinAnswers[otherType]?.errorCode == GroupErrorCode.inconsistentGroupProtocol)
        #expect(harness.joinAnswers[noCommon]?.errorCode == GroupErrorCode.inconsistentGroupProtocol)
        #expect(noProtocols == false)
    }

    @Test("unknown members and stale generations are refused")
    func unknownMemberAndStaleGeneration() {
        var harness = Harness()
        let (memberId, _) = harness.joinNewMember(clientId: "c1")
        harness.advance(to: 100)
        let unknownJoin = harness.join(Harness.request(memberId: "ghost"))
        #expect(harness.joinAnswers[unknownJoin]?.errorCode == GroupErrorCode.unknownMemberId)
        #expect(harness.heartbeat(memberId: "ghost", generationId: 1) == GroupErrorCode.unknownMemberId)
        #expect(harness.heartbeat(memberId: memberId, generationId: 0) == GroupErrorCode.illegalGeneration)
        let staleSync = harness.sync(memberId: memberId, generationId: 7)
        #expect(harness.syncAnswers[staleSync]?.errorCode == GroupErrorCode.illegalGeneration)
        #expect(harness.syncAnswers[staleSync]?.assignment.readableBytes == 0)
        let unknownSync = harness.sync(memberId: "ghost", generationId: 1)
        #expect(harness.syncAnswers[unknownSync]?.errorCode == GroupErrorCode.unknownMemberId)
    }

    @Test("members that do not rejoin before the rebalance timeout are removed")
    func rebalanceTimeoutDropsLaggards() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientId: "c1")
        let (follower, _) = harness.joinNewMember(clientId: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberId: follower, generationId: 1, at: 210)
        _ = harness.sync(memberId: leader, generationId: 1, assignments: [], at: 210)

        let (newcomer, newcomerWaiter) = harness.joinNewMember(clientId: "c3", at: 300)
        #expect(harness.heartbeat(memberId: follower, generationId: 1, at: 310) == GroupErrorCode.rebalanceInProgress)
        let leaderRejoin = harness.join(Harness.request(memberId: leader, clientId: "c1"), at: 320)
        harness.advance(to: 1_000)
        #expect(harness.joinAnswers[leaderRejoin] == nil)
        #expect(harness.heartbeat(memberId: follower, generationId: 1, at: 1_000) == GroupErrorCode.rebalanceInProgress)
        harness.advance(to: 2_300)  // rebalance timeout (2 s) after the rebalance started
        #expect(harness.joinAnswers[leaderRejoin]?.generationId == 2)
        #expect(harness.joinAnswers[newcomerWaiter]?.generationId == 2)
        #expect(Set(harness.joinAnswers[leaderRejoin]?.members.map(\.memberId) ?? []) == [leader, newcomer])
        #expect(!harness.machine.hasMember(follower))
    }

    @Test("a leader that never sends SyncGroup is dropped at the rebalance timeout, releasing its followers")
    func leaderThatNeverSyncs() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientId: "c1")
        let (follower, _) = harness.joinNewMember(clientId: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        let parked = harness.sync(memberId: follower, generationId: 1, at: 210)
        #expect(harness.heartbeat(memberId: leader, generationId: 1, at: 900) == GroupErrorCode.none)
        #expect(harness.heartbeat(memberId: leader, generationId: 1, at: 1_800) == GroupErrorCode.none)
        harness.advance(to: 2_199)
        #expect(harness.syncAnswers[parked] == nil)
        harness.advance(to: 2_200)  // rebalance timeout (2 s) after the join phase ended
        #expect(harness.syncAnswers[parked]?.errorCode == GroupErrorCode.rebalanceInProgress)
        #expect(!harness.machine.hasMember(leader))
        #expect(harness.machine.leaderId == follower)
        #expect(harness.machine.state == .preparingRebalance)
        harness.advance(to: 2_300)
        #expect(harness.machine.hasMember(follower), "the follower's session restarted when it was answered")
    }

    @Test("a rejoin during the join phase answers the superseded JoinGroup instead of dropping it")
    func supersededJoinIsAnswered() {
        var harness = Harness()
        let (memberId, firstWaiter) = harness.joinNewMember(clientId: "c1")
        let secondWaiter = harness.join(Harness.request(memberId: memberId, clientId: "c1"), at: 10)
        #expect(harness.joinAnswers[firstWaiter]?.errorCode == GroupErrorCode.rebalanceInProgress)
        harness.advance(to: 100)
        #expect(harness.joinAnswers[secondWaiter]?.errorCode == GroupErrorCode.none)
    }

    @Test("a member leaving a Stable group starts a rebalance; the last one leaves it Empty")
    func leaveRebalances() {
        var harness = Harness()
        let (first, _) = harness.joinNewMember(clientId: "c1")
        let (second, _) = harness.joinNewMember(clientId: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberId: first, generationId: 1, at: 200)
        #expect(harness.machine.state == .stable)

        let results = harness.leave([second, "ghost"], at: 250)
        #expect(results.map(\.errorCode) == [GroupErrorCode.none, GroupErrorCode.unknownMemberId])
        #expect(harness.machine.state == .preparingRebalance)
        #expect(harness.heartbeat(memberId: first, generationId: 1, at: 260) == GroupErrorCode.rebalanceInProgress)
        let rejoin = harness.join(Harness.request(memberId: first, clientId: "c1"), at: 270)
        #expect(harness.joinAnswers[rejoin]?.generationId == 2, "everyone rejoined: no waiting")

        _ = harness.leave([first], at: 300)
        #expect(harness.machine.state == .empty)
        #expect(harness.machine.members.isEmpty)
    }

    @Test("a silent member is removed at its session timeout")
    func sessionExpiry() {
        var harness = Harness()
        let (first, _) = harness.joinNewMember(clientId: "c1")
        let (second, _) = harness.joinNewMember(clientId: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberId: second, generationId: 1, at: 200)
        _ = harness.sync(memberId: first, generationId: 1, at: 200)
        #expect(harness.heartbeat(memberId: first, generationId: 1, at: 900) == GroupErrorCode.none)
        harness.advance(to: 1_199)
        #expect(harness.machine.hasMember(second))
        harness.advance(to: 1_200)  // second's session (1 s) ran out
        #expect(!harness.machine.hasMember(second))
        #expect(harness.machine.state == .preparingRebalance)
        #expect(harness.machine.nextDeadline != nil)
    }

    @Test("offset commits: simple commits only on an Empty group; none during CompletingRebalance")
    func offsetCommitRules() {
        var harness = Harness()
        #expect(harness.machine.validateOffsetCommit(memberId: "", generationId: -1) == GroupErrorCode.none)
        let (leader, _) = harness.joinNewMember(clientId: "c1")
        harness.advance(to: 100)
        #expect(harness.machine.validateOffsetCommit(memberId: "", generationId: -1) == GroupErrorCode.unknownMemberId)
        #expect(
            harness.machine.validateOffsetCommit(memberId: leader, generationId: 1)
                == GroupErrorCode.rebalanceInProgress)
        _ = harness.sync(memberId: leader, generationId: 1)
        #expect(harness.machine.validateOffsetCommit(memberId: leader, generationId: 1) == GroupErrorCode.none)
        #expect(
            harness.machine.validateOffsetCommit(memberId: leader, generationId: 0) == GroupErrorCode.illegalGeneration)
        #expect(
            harness.machine.validateOffsetCommit(memberId: "ghost", generationId: 1) == GroupErrorCode.unknownMemberId)
    }

    @Test("describe reports metadata and assignments only while Stable")
    func describeByState() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientId: "c1")
        harness.advance(to: 100)
        let completing = harness.machine.description
        #expect(completing.state == "CompletingRebalance")
        #expect(completing.protocolName == "")
        #expect(completing.members.first?.metadata.readableBytes == 0)

        _ = harness.sync(memberId: leader, generationId: 1, assignments: [(leader, ByteBuffer(string: "p0"))])
        let stable = harness.machine.description
        #expect(stable.state == "Stable")
        #expect(stable.protocolType == "consumer")
        #expect(stable.protocolName == "range")
        #expect(stable.members.first?.clientId == "c1")
        #expect(stable.members.first?.clientHost == "/127.0.0.1")
        #expect(stable.members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(stable.members.first?.assignment == ByteBuffer(string: "p0"))
    }

    @Test("shutdown answers every parked call with COORDINATOR_NOT_AVAILABLE")
    func shutdownAnswersParkedCalls() {
        var harness = Harness()
        let (_, joinWaiter) = harness.joinNewMember(clientId: "c1")
        var machine = harness.machine
        let actions = machine.shutdown()
        #expect(machine.state == .dead)
        guard case .answerJoin(let waiter, let outcome) = actions.first else {
            Issue.record("expected a join answer")
            return
        }
        #expect(waiter == joinWaiter)
        #expect(outcome.errorCode == GroupErrorCode.coordinatorNotAvailable)
    }
}
