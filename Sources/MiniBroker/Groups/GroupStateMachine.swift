import NIOCore

/// The classic consumer group protocol for one group, as a pure state machine.
///
/// It follows Kafka's classic group coordinator (`GroupCoordinator.scala` before KIP-848,
/// `ClassicGroup` after): Empty -> PreparingRebalance -> CompletingRebalance -> Stable.
/// Events (join, sync, heartbeat, leave, a passing deadline) change the state and return
/// `GroupAction`s naming the parked calls to answer; the caller owns the continuations and
/// the timers, and passes the current instant in, so every transition is deterministic.
struct GroupStateMachine {
    /// How the current join phase ends.
    enum JoinPhase {
        /// `group.initial.rebalance.delay.ms`: a group leaving Empty waits this long, and again
        /// (up to the rebalance timeout) while new members keep arriving, so consumers started
        /// together land in one generation. Never completes early.
        case initialDelay(deadline: ContinuousClock.Instant, remaining: Duration, newMemberAdded: Bool)
        /// Completes as soon as every known member has rejoined, or at the deadline
        /// (the largest rebalance timeout), dropping the members that did not.
        case awaitingMembers(deadline: ContinuousClock.Instant)

        var deadline: ContinuousClock.Instant {
            switch self {
            case .initialDelay(let deadline, _, _), .awaitingMembers(let deadline): deadline
            }
        }
    }

    let groupId: String
    let initialRebalanceDelay: Duration
    var state: GroupState = .empty
    var generationId: Int32 = 0
    var protocolType: String?
    var protocolName: String?
    var leaderId: String?
    var members: [String: GroupMember] = [:]
    /// Member ids, oldest first: the order for leader election and for the leader's member list.
    var memberOrder: [String] = []
    /// KIP-394: ids handed out with MEMBER_ID_REQUIRED, and when they lapse unless used.
    var pendingMembers: [String: ContinuousClock.Instant] = [:]
    var joinPhase: JoinPhase?
    /// Members of the new generation that have not sent SyncGroup yet, and when they are
    /// dropped for it: Kafka's pending-sync timeout (the rebalance timeout), which keeps a
    /// leader that never sends the assignments from holding its followers' SyncGroup forever.
    var pendingSyncMembers: Set<String> = []
    var syncDeadline: ContinuousClock.Instant?
    /// Set by a simple (generation -1) offset commit; such a group is kept while Empty.
    var hasCommittedOffsets = false

    init(groupId: String, initialRebalanceDelay: Duration) {
        self.groupId = groupId
        self.initialRebalanceDelay = initialRebalanceDelay
    }

    /// The earliest instant at which `expireDeadlines(now:)` has work to do.
    var nextDeadline: ContinuousClock.Instant? {
        let sessionDeadlines = members.values.lazy.filter { !$0.isAwaitingResponse }.map(\.sessionDeadline)
        let candidates = [joinPhase?.deadline, syncDeadline, sessionDeadlines.min(), pendingMembers.values.min()]
        return candidates.compactMap { $0 }.min()
    }

    /// A group created by a join that then failed, holding nothing worth keeping or listing.
    var isUnused: Bool {
        state == .empty && generationId == 0 && members.isEmpty && pendingMembers.isEmpty
            && protocolType == nil && !hasCommittedOffsets
    }

    func isLeader(_ memberId: String) -> Bool { leaderId == memberId }

    func hasMember(_ memberId: String) -> Bool { members[memberId] != nil }
}

// MARK: - Shared transitions

extension GroupStateMachine {
    mutating func transition(to newState: GroupState) {
        state = newState
    }

    /// Adds a member and, for the first one, adopts its protocol type as the group's.
    mutating func addMember(_ member: GroupMember) {
        if members.isEmpty {
            protocolType = member.protocolType
        }
        members[member.memberId] = member
        memberOrder.append(member.memberId)
        pendingMembers[member.memberId] = nil
        if leaderId == nil {
            leaderId = member.memberId
        }
    }

    /// Removes a member, answering its parked calls with UNKNOWN_MEMBER_ID (as Kafka does),
    /// and hands the leadership to the oldest remaining member if it led the group.
    mutating func removeMember(_ memberId: String) -> [GroupAction] {
        guard let member = members.removeValue(forKey: memberId) else { return [] }
        memberOrder.removeAll { $0 == memberId }
        markSynced(memberId)
        if leaderId == memberId {
            leaderId = memberOrder.first
        }
        var actions: [GroupAction] = []
        if let waiter = member.joinWaiter {
            actions.append(.answerJoin(waiter, .failure(GroupErrorCode.unknownMemberId, memberId: memberId)))
        }
        if let waiter = member.syncWaiter {
            actions.append(.answerSync(waiter, .failure(GroupErrorCode.unknownMemberId)))
        }
        return actions
    }

    /// Kafka's `removeMemberAndUpdateGroup`: a departure from a settled group starts a
    /// rebalance; during the join phase it may be the departure everyone was waiting for.
    mutating func removeMemberAndUpdateGroup(_ memberId: String, now: ContinuousClock.Instant) -> [GroupAction] {
        var actions = removeMember(memberId)
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
    mutating func markSynced(_ memberId: String) {
        pendingSyncMembers.remove(memberId)
        if pendingSyncMembers.isEmpty {
            syncDeadline = nil
        }
    }

    /// The JoinGroup answer for the current generation; the leader also gets every member's
    /// metadata for the chosen protocol, so it can compute the assignment.
    func currentJoinOutcome(for memberId: String) -> JoinGroupOutcome {
        let chosen = protocolName ?? ""
        let memberList: [(memberId: String, groupInstanceId: String?, metadata: ByteBuffer)] =
            isLeader(memberId)
            ? memberOrder.compactMap { id in
                members[id].map { ($0.memberId, $0.groupInstanceId, $0.metadata(for: chosen)) }
            }
            : []
        return JoinGroupOutcome(
            errorCode: GroupErrorCode.none, generationId: generationId, protocolType: protocolType,
            protocolName: protocolName, leaderId: leaderId ?? "", memberId: memberId, members: memberList
        )
    }

    func currentSyncOutcome(for memberId: String) -> SyncGroupOutcome {
        SyncGroupOutcome(
            errorCode: GroupErrorCode.none, protocolType: protocolType, protocolName: protocolName,
            assignment: members[memberId]?.assignment ?? ByteBuffer()
        )
    }
}
