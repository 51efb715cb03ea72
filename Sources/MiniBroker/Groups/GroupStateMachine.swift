import KafkaWire
import NIOCore

/// The classic consumer group protocol for one group, as a pure state machine.
///
/// It follows Kafka's classic group coordinator (`GroupCoordinator.scala` before KIP-848,
/// `ClassicGroup` after): Empty -> PreparingRebalance -> CompletingRebalance -> Stable.
/// Events (join, sync, heartbeat, leave, a passing deadline) change the state and return
/// `Action`s naming the parked calls to answer; the caller owns the continuations and
/// the timers, and passes the current instant in, so every transition is deterministic.
struct GroupStateMachine {
    let groupID: String
    let initialRebalanceDelay: Duration
    var state: State = .empty
    var generationID: Int32 = 0
    var protocolType: String?
    var protocolName: String?
    var leaderID: String?
    var members: [String: GroupMember] = [:]
    /// Member ids, oldest first: the order for leader election and for the leader's member list.
    var memberOrder: [String] = []
    /// KIP-394: ids handed out with MEMBER_ID_REQUIRED, and when they lapse unless used.
    var pendingMembers: [String: ContinuousClock.Instant] = [:]
    /// Set by a simple (generation -1) offset commit; such a group is kept while Empty.
    var hasCommittedOffsets = false

    init(groupID: String, initialRebalanceDelay: Duration) {
        self.groupID = groupID
        self.initialRebalanceDelay = initialRebalanceDelay
    }

    /// The earliest instant at which `expireDeadlines(now:)` has work to do.
    var nextDeadline: ContinuousClock.Instant? {
        let sessionDeadlines = members.values.lazy.filter { !$0.isAwaitingResponse }.map(\.sessionDeadline)
        let candidates = [
            state.joinPhase?.deadline, state.pendingSyncs?.deadline,
            sessionDeadlines.min(), pendingMembers.values.min(),
        ]
        return candidates.compactMap { $0 }.min()
    }

    /// A group created by a join that then failed, holding nothing worth keeping or listing.
    var isUnused: Bool {
        state.name == .empty && generationID == 0 && members.isEmpty && pendingMembers.isEmpty
            && protocolType == nil && !hasCommittedOffsets
    }

    func isLeader(_ memberID: String) -> Bool { leaderID == memberID }

    func hasMember(_ memberID: String) -> Bool { members[memberID] != nil }
}

// MARK: - Shared transitions

extension GroupStateMachine {
    /// Adds a member and, for the first one, adopts its protocol type as the group's.
    mutating func addMember(_ member: GroupMember) {
        if members.isEmpty {
            protocolType = member.protocolType
        }
        members[member.memberID] = member
        memberOrder.append(member.memberID)
        pendingMembers[member.memberID] = nil
        if leaderID == nil {
            leaderID = member.memberID
        }
    }

    /// Removes a member, answering its parked calls with UNKNOWN_MEMBER_ID (as Kafka does),
    /// and hands the leadership to the oldest remaining member if it led the group.
    mutating func removeMember(_ memberID: String) -> [Action] {
        guard let member = members.removeValue(forKey: memberID) else { return [] }
        memberOrder.removeAll { $0 == memberID }
        markSynced(memberID)
        if leaderID == memberID {
            leaderID = memberOrder.first
        }
        var actions: [Action] = []
        if let waiter = member.joinWaiter {
            actions.append(.answerJoin(waiter, .failure(KafkaErrorCode.unknownMemberId, memberID: memberID)))
        }
        if let waiter = member.syncWaiter {
            actions.append(.answerSync(waiter, .failure(KafkaErrorCode.unknownMemberId)))
        }
        return actions
    }

    /// Kafka's `removeMemberAndUpdateGroup`: a departure from a settled group starts a
    /// rebalance; during the join phase it may be the departure everyone was waiting for.
    mutating func removeMemberAndUpdateGroup(_ memberID: String, now: ContinuousClock.Instant) -> [Action] {
        var actions = removeMember(memberID)
        switch state {
        case .stable, .completingRebalance:
            actions += prepareRebalance(now: now)
        case .preparingRebalance:
            actions += tryCompleteJoin(now: now)
        case .empty, .dead:
            break
        }
        return actions
    }

    /// Records that the member sent its SyncGroup for this generation.
    mutating func markSynced(_ memberID: String) {
        state.pendingSyncs = state.pendingSyncs?.removing(memberID)
    }

    /// The JoinGroup answer for the current generation; the leader also gets every member's
    /// metadata for the chosen protocol, so it can compute the assignment.
    func currentJoinOutcome(for memberID: String) -> JoinGroupOutcome {
        let chosen = protocolName ?? ""
        let memberList: [(memberID: String, groupInstanceID: String?, metadata: ByteBuffer)] =
            isLeader(memberID)
            ? memberOrder.compactMap { id in
                members[id].map { ($0.memberID, $0.groupInstanceID, $0.metadata(for: chosen)) }
            }
            : []
        return JoinGroupOutcome(
            errorCode: KafkaErrorCode.none,
            generationID: generationID,
            protocolType: protocolType,
            protocolName: protocolName,
            leaderID: leaderID ?? "",
            memberID: memberID,
            members: memberList
        )
    }

    func currentSyncOutcome(for memberID: String) -> SyncGroupOutcome {
        SyncGroupOutcome(
            errorCode: KafkaErrorCode.none,
            protocolType: protocolType,
            protocolName: protocolName,
            assignment: members[memberID]?.assignment ?? ByteBuffer()
        )
    }
}
