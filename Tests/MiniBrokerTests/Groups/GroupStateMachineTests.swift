import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Group state machine")
struct GroupStateMachineTests {
    typealias Harness = GroupStateMachineHarness

    @Test("a new member first gets MEMBER_ID_REQUIRED with an id, then joins with it")
    func memberIdRequired() {
        var harness = Harness()
        let first = harness.join(Harness.request(memberID: "", clientID: "c1"))
        let answer = harness.joinAnswers[first]
        #expect(answer?.errorCode == KafkaErrorCode.memberIdRequired)
        #expect(answer?.memberID == "c1-new")
        #expect(harness.machine.pendingMembers["c1-new"] != nil)
        #expect(harness.machine.state.name == .empty)

        let second = harness.join(Harness.request(memberID: "c1-new", clientID: "c1"))
        #expect(harness.joinAnswers[second] == nil, "parked during the initial rebalance delay")
        #expect(harness.machine.state.name == .preparingRebalance)
        #expect(harness.machine.pendingMembers.isEmpty)
    }

    @Test("single member: initial delay, join, leader sync, Stable, heartbeat")
    func singleMemberLifecycle() {
        var harness = Harness(initialRebalanceDelayMs: 100)
        let (memberID, joinWaiter) = harness.joinNewMember(clientID: "c1")
        harness.advance(to: 99)
        #expect(harness.joinAnswers[joinWaiter] == nil)
        harness.advance(to: 100)
        let joined = harness.joinAnswers[joinWaiter]
        #expect(joined?.errorCode == KafkaErrorCode.none)
        #expect(joined?.generationID == 1)
        #expect(joined?.leaderID == memberID)
        #expect(joined?.protocolType == "consumer")
        #expect(joined?.protocolName == "range")
        #expect(joined?.members.map(\.memberID) == [memberID])
        #expect(joined?.members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(harness.machine.state.name == .completingRebalance)
        #expect(harness.heartbeat(memberID: memberID, generationID: 1) == KafkaErrorCode.none)

        let syncWaiter = harness.sync(
            memberID: memberID,
            generationID: 1,
            assignments: [(memberID, ByteBuffer(string: "all partitions"))]
        )
        #expect(harness.syncAnswers[syncWaiter]?.errorCode == KafkaErrorCode.none)
        #expect(harness.syncAnswers[syncWaiter]?.assignment == ByteBuffer(string: "all partitions"))
        #expect(harness.syncAnswers[syncWaiter]?.protocolName == "range")
        #expect(harness.machine.state.name == .stable)
        #expect(harness.heartbeat(memberID: memberID, generationID: 1) == KafkaErrorCode.none)
    }

    @Test("members joining during the initial delay extend it, up to the rebalance timeout")
    func initialDelayExtends() {
        var harness = Harness(initialRebalanceDelayMs: 100)
        let (_, firstWaiter) = harness.joinNewMember(clientID: "c1", at: 0)
        let (_, secondWaiter) = harness.joinNewMember(clientID: "c2", at: 80)
        harness.advance(to: 100)
        #expect(harness.joinAnswers[firstWaiter] == nil, "a new member arrived: one more delay")
        harness.advance(to: 200)
        #expect(harness.joinAnswers[firstWaiter]?.generationID == 1)
        #expect(harness.joinAnswers[secondWaiter]?.generationID == 1)
        #expect(harness.joinAnswers[firstWaiter]?.members.count == 2)
        #expect(harness.joinAnswers[secondWaiter]?.members.isEmpty == true, "only the leader gets the member list")
    }

    @Test("followers' SyncGroup waits for the leader, then each gets its own assignment")
    func followersWaitForLeader() throws {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientID: "c1")
        let (follower, _) = harness.joinNewMember(clientID: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)  // the second member earned one more initial delay
        #expect(harness.machine.leaderID == leader)

        let followerSync = harness.sync(memberID: follower, generationID: 1)
        #expect(harness.syncAnswers[followerSync] == nil)
        let leaderSync = harness.sync(
            memberID: leader,
            generationID: 1,
            assignments: [(leader, ByteBuffer(string: "p0")), (follower, ByteBuffer(string: "p1,p2"))]
        )
        #expect(harness.syncAnswers[leaderSync]?.assignment == ByteBuffer(string: "p0"))
        #expect(harness.syncAnswers[followerSync]?.assignment == ByteBuffer(string: "p1,p2"))
        #expect(harness.machine.state.name == .stable)

        let late = harness.sync(memberID: follower, generationID: 1)
        #expect(harness.syncAnswers[late]?.assignment == ByteBuffer(string: "p1,p2"), "late sync answers at once")
    }

    @Test("the protocol is chosen by the members' preferences among common protocols")
    func protocolVote() {
        var harness = Harness()
        _ = harness.joinNewMember(clientID: "c1", protocols: ["range", "roundrobin", "sticky"])
        _ = harness.joinNewMember(clientID: "c2", protocols: ["roundrobin", "range"])
        _ = harness.joinNewMember(clientID: "c3", protocols: ["roundrobin", "range", "sticky"])
        harness.advance(to: 100)
        harness.advance(to: 200)
        #expect(harness.machine.protocolName == "roundrobin")
    }

    @Test("protocol type mismatch or no common protocol is INCONSISTENT_GROUP_PROTOCOL")
    func inconsistentProtocol() {
        var harness = Harness()
        _ = harness.joinNewMember(clientID: "c1", protocols: ["range"])
        let otherType = harness.join(Harness.request(memberID: "", clientID: "c2", protocolType: "connect"))
        let noCommon = harness.join(Harness.request(memberID: "", clientID: "c3", protocols: ["sticky"]))
        let noProtocols = GroupStateMachineHarness().machine.supportsProtocols(
            of: Harness.request(memberID: "", protocols: [])
        )
        #expect(harness.joinAnswers[otherType]?.errorCode == KafkaErrorCode.inconsistentGroupProtocol)
        #expect(harness.joinAnswers[noCommon]?.errorCode == KafkaErrorCode.inconsistentGroupProtocol)
        #expect(noProtocols == false)
    }

    @Test("unknown members and stale generations are refused")
    func unknownMemberAndStaleGeneration() {
        var harness = Harness()
        let (memberID, _) = harness.joinNewMember(clientID: "c1")
        harness.advance(to: 100)
        let unknownJoin = harness.join(Harness.request(memberID: "ghost"))
        #expect(harness.joinAnswers[unknownJoin]?.errorCode == KafkaErrorCode.unknownMemberId)
        #expect(harness.heartbeat(memberID: "ghost", generationID: 1) == KafkaErrorCode.unknownMemberId)
        #expect(harness.heartbeat(memberID: memberID, generationID: 0) == KafkaErrorCode.illegalGeneration)
        let staleSync = harness.sync(memberID: memberID, generationID: 7)
        #expect(harness.syncAnswers[staleSync]?.errorCode == KafkaErrorCode.illegalGeneration)
        #expect(harness.syncAnswers[staleSync]?.assignment.readableBytes == 0)
        let unknownSync = harness.sync(memberID: "ghost", generationID: 1)
        #expect(harness.syncAnswers[unknownSync]?.errorCode == KafkaErrorCode.unknownMemberId)
    }

    @Test("members that do not rejoin before the rebalance timeout are removed")
    func rebalanceTimeoutDropsLaggards() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientID: "c1")
        let (follower, _) = harness.joinNewMember(clientID: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberID: follower, generationID: 1, at: 210)
        _ = harness.sync(memberID: leader, generationID: 1, assignments: [], at: 210)

        let (newcomer, newcomerWaiter) = harness.joinNewMember(clientID: "c3", at: 300)
        #expect(harness.heartbeat(memberID: follower, generationID: 1, at: 310) == KafkaErrorCode.rebalanceInProgress)
        let leaderRejoin = harness.join(Harness.request(memberID: leader, clientID: "c1"), at: 320)
        harness.advance(to: 1_000)
        #expect(harness.joinAnswers[leaderRejoin] == nil)
        #expect(harness.heartbeat(memberID: follower, generationID: 1, at: 1_000) == KafkaErrorCode.rebalanceInProgress)
        harness.advance(to: 2_300)  // rebalance timeout (2 s) after the rebalance started
        #expect(harness.joinAnswers[leaderRejoin]?.generationID == 2)
        #expect(harness.joinAnswers[newcomerWaiter]?.generationID == 2)
        #expect(Set(harness.joinAnswers[leaderRejoin]?.members.map(\.memberID) ?? []) == [leader, newcomer])
        #expect(!harness.machine.hasMember(follower))
    }

    @Test("a leader that never sends SyncGroup is dropped at the rebalance timeout, releasing its followers")
    func leaderThatNeverSyncs() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientID: "c1")
        let (follower, _) = harness.joinNewMember(clientID: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        let parked = harness.sync(memberID: follower, generationID: 1, at: 210)
        #expect(harness.heartbeat(memberID: leader, generationID: 1, at: 900) == KafkaErrorCode.none)
        #expect(harness.heartbeat(memberID: leader, generationID: 1, at: 1_800) == KafkaErrorCode.none)
        harness.advance(to: 2_199)
        #expect(harness.syncAnswers[parked] == nil)
        harness.advance(to: 2_200)  // rebalance timeout (2 s) after the join phase ended
        #expect(harness.syncAnswers[parked]?.errorCode == KafkaErrorCode.rebalanceInProgress)
        #expect(!harness.machine.hasMember(leader))
        #expect(harness.machine.leaderID == follower)
        #expect(harness.machine.state.name == .preparingRebalance)
        harness.advance(to: 2_300)
        #expect(harness.machine.hasMember(follower), "the follower's session restarted when it was answered")
    }

    @Test("a rejoin during the join phase answers the superseded JoinGroup instead of dropping it")
    func supersededJoinIsAnswered() {
        var harness = Harness()
        let (memberID, firstWaiter) = harness.joinNewMember(clientID: "c1")
        let secondWaiter = harness.join(Harness.request(memberID: memberID, clientID: "c1"), at: 10)
        #expect(harness.joinAnswers[firstWaiter]?.errorCode == KafkaErrorCode.rebalanceInProgress)
        harness.advance(to: 100)
        #expect(harness.joinAnswers[secondWaiter]?.errorCode == KafkaErrorCode.none)
    }

    @Test("a member leaving a Stable group starts a rebalance; the last one leaves it Empty")
    func leaveRebalances() {
        var harness = Harness()
        let (first, _) = harness.joinNewMember(clientID: "c1")
        let (second, _) = harness.joinNewMember(clientID: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberID: first, generationID: 1, at: 200)
        #expect(harness.machine.state.name == .stable)

        let results = harness.leave([second, "ghost"], at: 250)
        #expect(results.map(\.errorCode) == [KafkaErrorCode.none, KafkaErrorCode.unknownMemberId])
        #expect(harness.machine.state.name == .preparingRebalance)
        #expect(harness.heartbeat(memberID: first, generationID: 1, at: 260) == KafkaErrorCode.rebalanceInProgress)
        let rejoin = harness.join(Harness.request(memberID: first, clientID: "c1"), at: 270)
        #expect(harness.joinAnswers[rejoin]?.generationID == 2, "everyone rejoined: no waiting")

        _ = harness.leave([first], at: 300)
        #expect(harness.machine.state.name == .empty)
        #expect(harness.machine.members.isEmpty)
    }

    @Test("a silent member is removed at its session timeout")
    func sessionExpiry() {
        var harness = Harness()
        let (first, _) = harness.joinNewMember(clientID: "c1")
        let (second, _) = harness.joinNewMember(clientID: "c2")
        harness.advance(to: 100)
        harness.advance(to: 200)
        _ = harness.sync(memberID: second, generationID: 1, at: 200)
        _ = harness.sync(memberID: first, generationID: 1, at: 200)
        #expect(harness.heartbeat(memberID: first, generationID: 1, at: 900) == KafkaErrorCode.none)
        harness.advance(to: 1_199)
        #expect(harness.machine.hasMember(second))
        harness.advance(to: 1_200)  // second's session (1 s) ran out
        #expect(!harness.machine.hasMember(second))
        #expect(harness.machine.state.name == .preparingRebalance)
        #expect(harness.machine.nextDeadline != nil)
    }

    @Test("offset commits: simple commits only on an Empty group; none during CompletingRebalance")
    func offsetCommitRules() {
        var harness = Harness()
        #expect(harness.machine.validateOffsetCommit(memberID: "", generationID: -1) == KafkaErrorCode.none)
        let (leader, _) = harness.joinNewMember(clientID: "c1")
        harness.advance(to: 100)
        #expect(harness.machine.validateOffsetCommit(memberID: "", generationID: -1) == KafkaErrorCode.unknownMemberId)
        #expect(
            harness.machine.validateOffsetCommit(memberID: leader, generationID: 1)
                == KafkaErrorCode.rebalanceInProgress
        )
        _ = harness.sync(memberID: leader, generationID: 1)
        #expect(harness.machine.validateOffsetCommit(memberID: leader, generationID: 1) == KafkaErrorCode.none)
        #expect(
            harness.machine.validateOffsetCommit(memberID: leader, generationID: 0) == KafkaErrorCode.illegalGeneration
        )
        #expect(
            harness.machine.validateOffsetCommit(memberID: "ghost", generationID: 1) == KafkaErrorCode.unknownMemberId
        )
    }

    @Test("describe reports metadata and assignments only while Stable")
    func describeByState() {
        var harness = Harness()
        let (leader, _) = harness.joinNewMember(clientID: "c1")
        harness.advance(to: 100)
        let completing = harness.machine.summary
        #expect(completing.state == "CompletingRebalance")
        #expect(completing.protocolName == "")
        #expect(completing.members.first?.metadata.readableBytes == 0)

        _ = harness.sync(memberID: leader, generationID: 1, assignments: [(leader, ByteBuffer(string: "p0"))])
        let stable = harness.machine.summary
        #expect(stable.state == "Stable")
        #expect(stable.protocolType == "consumer")
        #expect(stable.protocolName == "range")
        #expect(stable.members.first?.clientID == "c1")
        #expect(stable.members.first?.clientHost == "/127.0.0.1")
        #expect(stable.members.first?.metadata == ByteBuffer(string: "range-c1"))
        #expect(stable.members.first?.assignment == ByteBuffer(string: "p0"))
    }

    @Test("shutdown answers every parked call with COORDINATOR_NOT_AVAILABLE")
    func shutdownAnswersParkedCalls() {
        var harness = Harness()
        let (_, joinWaiter) = harness.joinNewMember(clientID: "c1")
        var machine = harness.machine
        let actions = machine.shutdown()
        #expect(machine.state.name == .dead)
        guard case .answerJoin(let waiter, let outcome) = actions.first else {
            Issue.record("expected a join answer")
            return
        }
        #expect(waiter == joinWaiter)
        #expect(outcome.errorCode == KafkaErrorCode.coordinatorNotAvailable)
    }
}
