import KafkaWire
import NIOCore

// Classic consumer group APIs: the requests are translated for the `GroupCoordinator`,
// which owns membership, generations and rebalances.
extension RequestHandler {
    func joinGroup(_ request: JoinGroupRequest, _ context: RequestContext) async -> JoinGroupResponse {
        let version = context.apiVersion
        guard authorized(.read, .group, request.groupId, context) else {
            return JoinGroupResponse(
                errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue,
                generationId: -1,
                protocolName: nil,
                leader: "",
                memberId: request.memberId
            )
        }
        let outcome = await groups.join(
            JoinGroupInput(
                groupID: request.groupId,
                memberID: request.memberId,
                groupInstanceID: request.groupInstanceId,
                protocolType: request.protocolType,
                protocols: request.protocols.map { (name: $0.name, metadata: $0.metadata) },
                sessionTimeoutMs: request.sessionTimeoutMs,
                // v0 has no rebalance timeout: Kafka uses the session timeout.
                rebalanceTimeoutMs: version == 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
                clientID: context.clientID ?? "",
                clientHost: context.clientHost,
                // KIP-394: from v4 a new member first gets MEMBER_ID_REQUIRED with its id.
                requireKnownMemberID: version >= 4
            )
        )
        if outcome.errorCode != .none && outcome.errorCode != .memberIdRequired {
            let member = request.memberId.isEmpty ? context.clientHost : request.memberId
            logger.info("join \(request.groupId) by \(member): \(outcome.errorCode)")
        }
        if outcome.errorCode == .none { context.traffic?.member(of: request.groupId, as: outcome.memberID) }
        return JoinGroupResponse(
            throttleTimeMs: 0,
            errorCode: outcome.errorCode.rawValue,
            generationId: outcome.generationID,
            protocolType: outcome.protocolType,
            protocolName: outcome.protocolName,
            leader: outcome.leaderID,
            memberId: outcome.memberID,
            members: outcome.members.map {
                JoinGroupResponse.JoinGroupResponseMember(
                    memberId: $0.memberID,
                    groupInstanceId: $0.groupInstanceID,
                    metadata: $0.metadata
                )
            }
        )
    }

    func syncGroup(_ request: SyncGroupRequest, _ context: RequestContext) async -> SyncGroupResponse {
        guard authorized(.read, .group, request.groupId, context) else {
            return SyncGroupResponse(errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue)
        }
        let outcome = await groups.sync(
            SyncGroupInput(
                groupID: request.groupId,
                memberID: request.memberId,
                generationID: request.generationId,
                protocolType: request.protocolType,
                protocolName: request.protocolName,
                assignments: request.assignments.map { (memberID: $0.memberId, assignment: $0.assignment) }
            )
        )
        return SyncGroupResponse(
            throttleTimeMs: 0,
            errorCode: outcome.errorCode.rawValue,
            protocolType: outcome.protocolType,
            protocolName: outcome.protocolName,
            assignment: outcome.assignment
        )
    }

    func heartbeat(_ request: HeartbeatRequest, _ context: RequestContext) async -> HeartbeatResponse {
        guard authorized(.read, .group, request.groupId, context) else {
            return HeartbeatResponse(throttleTimeMs: 0, errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue)
        }
        let code = await groups.heartbeat(
            groupID: request.groupId,
            memberID: request.memberId,
            generationID: request.generationId
        )
        if code == .none {
            context.traffic?.member(of: request.groupId, as: request.memberId)
        } else if code == .unknownMemberId {
            context.traffic?.member(of: request.groupId, as: nil)
        }
        return HeartbeatResponse(throttleTimeMs: 0, errorCode: code.rawValue)
    }

    func leaveGroup(_ request: LeaveGroupRequest, _ context: RequestContext) async -> LeaveGroupResponse {
        // v0-2 name one member; v3+ a list.
        let memberIDs = context.apiVersion < 3 ? [request.memberId] : request.members.map(\.memberId)
        guard authorized(.read, .group, request.groupId, context) else {
            return LeaveGroupResponse(throttleTimeMs: 0, errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue)
        }
        let (code, perMember) = await groups.leave(groupID: request.groupId, memberIDs: memberIDs)
        context.traffic?.member(of: request.groupId, as: nil)
        let members = zip(request.members, perMember).map { member, result in
            LeaveGroupResponse.MemberResponse(
                memberId: member.memberId,
                groupInstanceId: member.groupInstanceId,
                errorCode: result.1.rawValue
            )
        }
        // v0-2 have only the top-level code, so a single member's failure must show there.
        let topLevel = context.apiVersion < 3 ? (perMember.first?.1 ?? code) : code
        return LeaveGroupResponse(throttleTimeMs: 0, errorCode: topLevel.rawValue, members: members)
    }

    func describeGroups(_ request: DescribeGroupsRequest, _ context: RequestContext) async -> DescribeGroupsResponse {
        let summaries = await groups.describe(groupIDs: request.groups)
        var described: [DescribeGroupsResponse.DescribedGroup] = []
        for groupID in request.groups {
            if !authorized(.describe, .group, groupID, context) {
                described.append(
                    DescribeGroupsResponse.DescribedGroup(
                        errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue,
                        groupId: groupID,
                        groupState: "",
                        protocolType: "",
                        protocolData: "",
                        members: []
                    )
                )
            } else if let group = summaries.first(where: { $0.groupID == groupID }) {
                described.append(
                    DescribeGroupsResponse.DescribedGroup(
                        errorCode: KafkaErrorCode.none.rawValue,
                        groupId: groupID,
                        groupState: group.state,
                        protocolType: group.protocolType,
                        protocolData: group.protocolName,
                        members: group.members.map {
                            DescribeGroupsResponse.DescribedGroupMember(
                                memberId: $0.memberID,
                                groupInstanceId: $0.groupInstanceID,
                                clientId: $0.clientID,
                                clientHost: $0.clientHost,
                                memberMetadata: $0.metadata,
                                memberAssignment: $0.assignment
                            )
                        }
                    )
                )
            } else {
                // Groups known only by their committed offsets are Empty; unknown ones Dead (as Kafka).
                let hasOffsets = (try? offsets.groupsWithOffsets().contains(groupID)) ?? false
                described.append(
                    DescribeGroupsResponse.DescribedGroup(
                        errorCode: KafkaErrorCode.none.rawValue,
                        groupId: groupID,
                        groupState: hasOffsets ? "Empty" : "Dead",
                        protocolType: hasOffsets ? "consumer" : "",
                        protocolData: "",
                        members: []
                    )
                )
            }
        }
        return DescribeGroupsResponse(throttleTimeMs: 0, groups: described)
    }

    func listGroups(_ request: ListGroupsRequest, _ context: RequestContext) async -> ListGroupsResponse {
        var listed: [String: ListGroupsResponse.ListedGroup] = [:]
        for group in await groups.listGroups() {
            listed[group.groupID] = ListGroupsResponse.ListedGroup(
                groupId: group.groupID,
                protocolType: group.protocolType,
                groupState: group.state
            )
        }
        for groupID in (try? offsets.groupsWithOffsets()) ?? [] where listed[groupID] == nil {
            listed[groupID] = ListGroupsResponse.ListedGroup(
                groupId: groupID,
                protocolType: "consumer",
                groupState: "Empty"
            )
        }
        let states = Set(request.statesFilter.map { $0.lowercased() })
        // Describe on the cluster lists every group; otherwise the groups the principal may describe.
        let seesAll = permits(.describe, .cluster, AclResourceType.clusterName, context)
        let groups = listed.values
            .filter { states.isEmpty || states.contains($0.groupState.lowercased()) }
            .filter { seesAll || permits(.describe, .group, $0.groupId, context) }
            .sorted { $0.groupId < $1.groupId }
        return ListGroupsResponse(throttleTimeMs: 0, errorCode: KafkaErrorCode.none.rawValue, groups: groups)
    }
}
