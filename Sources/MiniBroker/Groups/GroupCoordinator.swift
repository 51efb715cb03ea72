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
///   `requireKnownMemberId` for v4+ only (KIP-394). `groupInstanceId` is accepted but static
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
            GroupRegistry(initialRebalanceDelay: .milliseconds(configuration.initialRebalanceDelayMs)))
    }

    /// JoinGroup. Returns at once for errors, MEMBER_ID_REQUIRED (KIP-394) and a follower
    /// rejoining a settled group; otherwise when the join phase completes, which happens when
    /// every member has rejoined or at the largest rebalance timeout.
    public func join(_ request: JoinGroupInput) async -> JoinGroupOutcome {
        if let error = joinRequestError(request) {
            return .failure(error, memberId: request.memberId)
        }
        let newMemberId =
            request.memberId.isEmpty ? GroupMemberId.generate(clientId: request.clientId) : request.memberId
        return await withCheckedContinuation { continuation in
            update(groupId: request.groupId) { registry, now in
                let waiter = registry.park(join: continuation)
                return registry.join(request, waiter: waiter, newMemberId: newMemberId, now: now)
            }
        }
    }

    /// SyncGroup. The leader's call carries the assignments; followers wait for it. Once the
    /// assignments are set, every SyncGroup of the generation returns at once.
    public func sync(_ request: SyncGroupInput) async -> SyncGroupOutcome {
        guard !request.groupId.isEmpty else { return .failure(GroupErrorCode.invalidGroupId) }
        return await withCheckedContinuation { continuation in
            update(groupId: request.groupId) { registry, now in
                let waiter = registry.park(sync: continuation)
                if registry.isShutDown {
                    return [.answerSync(waiter, .failure(GroupErrorCode.coordinatorNotAvailable))]
                }
                guard registry.groups[request.groupId] != nil else {
                    return [.answerSync(waiter, .failure(GroupErrorCode.unknownMemberId))]
                }
                return registry.groups[request.groupId]?.sync(request, waiter: waiter, now: now) ?? []
            }
        }
    }

    /// Heartbeat: 0 while the member's generation is current, REBALANCE_IN_PROGRESS (27) when
    /// it must rejoin, UNKNOWN_MEMBER_ID (25) or ILLEGAL_GENERATION (22) otherwise.
    public func heartbeat(groupId: String, memberId: String, generationId: Int32) async -> Int16 {
        guard !groupId.isEmpty else { return GroupErrorCode.invalidGroupId }
        return updateReturning(groupId: groupId) { registry, now in
            if registry.isShutDown { return (GroupErrorCode.coordinatorNotAvailable, []) }
            let error = registry.groups[groupId]?.heartbeat(memberId: memberId, generationId: generationId, now: now)
            return (error ?? GroupErrorCode.unknownMemberId, [])
        }
    }

    /// LeaveGroup for one (v0-2) or several (v3+) members. Returns the top-level error and
    /// one error per member; for v0-2 the handler reports the member's error at top level.
    public func leave(groupId: String, memberIds: [String]) async -> (
        errorCode: Int16, members: [(memberId: String, errorCode: Int16)]
    ) {
        guard !groupId.isEmpty else { return (GroupErrorCode.invalidGroupId, []) }
        return updateReturning(groupId: groupId) { registry, now in
            if registry.isShutDown { return ((GroupErrorCode.coordinatorNotAvailable, []), []) }
            guard let outcome = registry.groups[groupId]?.leave(memberIds: memberIds, now: now) else {
                let unknown = memberIds.map { (memberId: $0, errorCode: GroupErrorCode.unknownMemberId) }
                return ((GroupErrorCode.none, unknown), [])
            }
            return ((outcome.errorCode, outcome.members), outcome.actions)
        }
    }

    /// The group checks of OffsetCommit; the handler stores the offsets only when this is 0.
    /// `generationId` -1 (with any member id, usually empty) is a "simple" commit, allowed while
    /// the group has no members; it creates the group if needed, so ListGroups shows it.
    public func validateOffsetCommit(groupId: String, memberId: String, generationId: Int32) async -> Int16 {
        updateReturning(groupId: groupId) { registry, _ in
            (registry.validateOffsetCommit(groupId: groupId, memberId: memberId, generationId: generationId), [])
        }
    }

    /// DescribeGroups, in the order asked. Unknown groups are reported as "Dead" with no
    /// error, as Kafka's classic coordinator does.
    public func describe(groupIds: [String]) async -> [GroupDescription] {
        registry.withLock { registry in
            groupIds.map { groupId in
                if registry.isShutDown {
                    return GroupDescription.dead(groupId: groupId, errorCode: GroupErrorCode.coordinatorNotAvailable)
                }
                return registry.groups[groupId]?.description
                    ?? GroupDescription.dead(groupId: groupId, errorCode: GroupErrorCode.none)
            }
        }
    }

    /// ListGroups: every known group, sorted by id.
    public func listGroups() async -> [ListedGroup] {
        registry.withLock { registry in
            registry.groups.values.filter { $0.state != .dead }.map(\.listing).sorted { $0.groupId < $1.groupId }
        }
    }

    /// DeleteGroups: only Empty groups can go (NON_EMPTY_GROUP otherwise, GROUP_ID_NOT_FOUND
    /// for unknown ones). The handler deletes the group's committed offsets itself.
    public func deleteGroups(groupIds: [String]) async -> [(groupId: String, errorCode: Int16)] {
        registry.withLock { registry in
            groupIds.map { groupId in (groupId, registry.deleteGroup(groupId)) }
        }
    }

    /// Stops the coordinator: cancels every timer and answers every parked call with
    /// COORDINATOR_NOT_AVAILABLE (15); later calls get the same error.
    public func shutdown() {
        let resumptions = registry.withLock { registry in
            registry.shutdown()
        }
        resumptions.forEach { $0.resume() }
        logger.info("Group coordinator stopped")
    }

    private func joinRequestError(_ request: JoinGroupInput) -> Int16? {
        if request.groupId.isEmpty { return GroupErrorCode.invalidGroupId }
        if !configuration.acceptsSessionTimeout(request.sessionTimeoutMs) {
            return GroupErrorCode.invalidSessionTimeout
        }
        return nil
    }
}

extension GroupDescription {
    static func dead(groupId: String, errorCode: Int16) -> GroupDescription {
        GroupDescription(
            errorCode: errorCode, groupId: groupId, state: GroupState.dead.rawValue,
            protocolType: "", protocolName: "", members: []
        )
    }
}
