import KafkaWire
import Logging
import NIOCore
import Synchronization

/// The classic consumer group coordinator (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
/// DescribeGroups, ListGroups, DeleteGroups and the group checks of OffsetCommit).
///
/// Request handlers translate decoded requests into calls here and encode the outcomes;
/// nothing in this type knows the wire format. Each group is a `GroupStateMachine`; the
/// coordinator holds them behind one lock, parks JoinGroup and SyncGroup calls until their
/// answer is known, and runs the session, rebalance and initial-delay timers.
///
/// Every parked call is eventually resumed: by the event that completes it, by the
/// rebalance timeout, or by `shutdown()`.
///
/// Mapping requests of every version (what the handlers do):
/// - JoinGroup v0 has no rebalance timeout: pass the session timeout. Set
///   `requireKnownMemberID` for v4+ only (KIP-394). `groupInstanceID` is accepted but static
///   membership (KIP-345) is not implemented: every member is dynamic.
/// - Nil `protocolType`/`protocolName` in outcomes are encoded as null where the version
///   allows it (JoinGroup v7+, SyncGroup v5+) and as "" before.
/// - LeaveGroup v0-2 carry one member: report that member's error as the top-level error.
/// - OffsetCommit: call `validateOffsetCommit` per request and store offsets only on 0;
///   OffsetCommit v0 has no generation: pass -1.
/// - DescribeGroups: an unknown group comes back as state "Dead" with error 0.
public final class GroupCoordinator: Sendable {
    let configuration: Configuration
    let logger: Logger
    let registry: Mutex<GroupRegistry>

    /// Creates a coordinator with no groups.
    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.registry = Mutex(
            GroupRegistry(initialRebalanceDelay: .milliseconds(configuration.initialRebalanceDelayMs))
        )
    }

    /// JoinGroup. Returns at once for errors, MEMBER_ID_REQUIRED (KIP-394) and a follower
    /// rejoining a settled group; otherwise when the join phase completes, which happens when
    /// every member has rejoined or at the largest rebalance timeout.
    public func join(_ request: JoinGroupInput) async -> JoinGroupOutcome {
        if let error = joinRequestError(request) {
            return .failure(error, memberID: request.memberID)
        }
        let newMemberID =
            request.memberID.isEmpty ? GroupMemberID.generate(clientID: request.clientID) : request.memberID
        return await withCheckedContinuation { continuation in
            update(groupID: request.groupID) { registry, now in
                let waiter = registry.park(join: continuation)
                return registry.join(request, waiter: waiter, newMemberID: newMemberID, now: now)
            }
        }
    }

    /// SyncGroup. The leader's call carries the assignments; followers wait for it. Once the
    /// assignments are set, every SyncGroup of the generation returns at once.
    public func sync(_ request: SyncGroupInput) async -> SyncGroupOutcome {
        guard !request.groupID.isEmpty else { return .failure(KafkaErrorCode.invalidGroupId) }
        return await withCheckedContinuation { continuation in
            update(groupID: request.groupID) { registry, now in
                let waiter = registry.park(sync: continuation)
                if registry.isShutDown {
                    return [.answerSync(waiter, .failure(KafkaErrorCode.coordinatorNotAvailable))]
                }
                guard registry.groups[request.groupID] != nil else {
                    return [.answerSync(waiter, .failure(KafkaErrorCode.unknownMemberId))]
                }
                return registry.groups[request.groupID]?.sync(request, waiter: waiter, now: now) ?? []
            }
        }
    }

    /// Heartbeat: 0 while the member's generation is current, REBALANCE_IN_PROGRESS (27) when
    /// it must rejoin, UNKNOWN_MEMBER_ID (25) or ILLEGAL_GENERATION (22) otherwise.
    public func heartbeat(groupID: String, memberID: String, generationID: Int32) async -> KafkaErrorCode {
        guard !groupID.isEmpty else { return KafkaErrorCode.invalidGroupId }
        return updateReturning(groupID: groupID) { registry, now in
            if registry.isShutDown { return (KafkaErrorCode.coordinatorNotAvailable, []) }
            let error = registry.groups[groupID]?.heartbeat(memberID: memberID, generationID: generationID, now: now)
            return (error ?? KafkaErrorCode.unknownMemberId, [])
        }
    }

    /// LeaveGroup for one (v0-2) or several (v3+) members. Returns the top-level error and
    /// one error per member; for v0-2 the handler reports the member's error at top level.
    public func leave(
        groupID: String,
        memberIDs: [String]
    ) async -> (
        errorCode: KafkaErrorCode, members: [(memberID: String, errorCode: KafkaErrorCode)]
    ) {
        guard !groupID.isEmpty else { return (KafkaErrorCode.invalidGroupId, []) }
        return updateReturning(groupID: groupID) { registry, now in
            if registry.isShutDown { return ((KafkaErrorCode.coordinatorNotAvailable, []), []) }
            guard let outcome = registry.groups[groupID]?.leave(memberIDs: memberIDs, now: now) else {
                let unknown = memberIDs.map { (memberID: $0, errorCode: KafkaErrorCode.unknownMemberId) }
                return ((KafkaErrorCode.none, unknown), [])
            }
            return ((outcome.errorCode, outcome.members), outcome.actions)
        }
    }

    /// The group checks of OffsetCommit; the handler stores the offsets only when this is 0.
    /// `generationID` -1 (with any member id, usually empty) is a "simple" commit, allowed while
    /// the group has no members; it creates the group if needed, so ListGroups shows it.
    public func validateOffsetCommit(groupID: String, memberID: String, generationID: Int32) async -> KafkaErrorCode {
        updateReturning(groupID: groupID) { registry, _ in
            (registry.validateOffsetCommit(groupID: groupID, memberID: memberID, generationID: generationID), [])
        }
    }

    /// DescribeGroups, in the order asked. Unknown groups are reported as "Dead" with no
    /// error, as Kafka's classic coordinator does.
    public func describe(groupIDs: [String]) async -> [GroupSummary] {
        registry.withLock { registry in
            groupIDs.map { groupID in
                if registry.isShutDown {
                    return GroupSummary.dead(groupID: groupID, errorCode: KafkaErrorCode.coordinatorNotAvailable)
                }
                return registry.groups[groupID]?.summary
                    ?? GroupSummary.dead(groupID: groupID, errorCode: KafkaErrorCode.none)
            }
        }
    }

    /// Every group's last changes, oldest first.
    public func allMoments() -> [String: [GroupMoment]] {
        registry.withLock { $0.moments }
    }

    /// ListGroups: every known group, sorted by id.
    public func listGroups() async -> [ListedGroup] {
        registry.withLock { registry in
            registry.groups.values.filter { $0.state.name != .dead }.map(\.listing).sorted { $0.groupID < $1.groupID }
        }
    }

    /// DeleteGroups: only Empty groups can go (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND
    /// for unknown ones). The handler deletes the group's committed offsets itself.
    public func deleteGroups(groupIDs: [String]) async -> [(groupID: String, errorCode: KafkaErrorCode)] {
        registry.withLock { registry in
            groupIDs.map { groupID in (groupID, registry.deleteGroup(groupID)) }
        }
    }

    /// What OffsetDelete may delete of a group's committed offsets.
    public func offsetDeletionVerdict(groupID: String) async -> OffsetDeletionVerdict {
        registry.withLock { registry in
            registry.groups[groupID]?.offsetDeletionVerdict ?? .unknownGroup
        }
    }

    /// Stops the coordinator: cancels every timer and answers every parked call with
    /// COORDINATOR_NOT_AVAILABLE (15); later calls get the same error.
    public func shutdown() {
        let resumptions = registry.withLock { registry in
            registry.shutdown()
        }
        for resumption in resumptions {
            resumption.resume()
        }
        logger.info("Group coordinator stopped")
    }

    private func joinRequestError(_ request: JoinGroupInput) -> KafkaErrorCode? {
        if request.groupID.isEmpty { return KafkaErrorCode.invalidGroupId }
        if !configuration.acceptsSessionTimeout(request.sessionTimeoutMs) {
            return KafkaErrorCode.invalidSessionTimeout
        }
        return nil
    }
}

extension GroupSummary {
    static func dead(groupID: String, errorCode: KafkaErrorCode) -> GroupSummary {
        GroupSummary(
            errorCode: errorCode,
            groupID: groupID,
            state: GroupState.dead.rawValue,
            protocolType: "",
            protocolName: "",
            members: []
        )
    }
}
