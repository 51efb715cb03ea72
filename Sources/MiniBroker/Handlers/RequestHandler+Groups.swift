import KafkaWire
import NIOCore

// Classic consumer group APIs: the requests are translated for the `GroupCoordinator`,
// which owns membership, generations and rebalances.
extension RequestHandler {
    func joinGroup(_ request: JoinGroupRequest, _ context: RequestContext) async -> JoinGroupResponse {
        let version = context.apiVersion
        let outcome = await groups.join(JoinGroupInput(
            groupId: request.groupId,
            memberId: request.memberId,
            groupInstanceId: request.groupInstanceId,
            protocolType: request.protocolType,
            protocols: request.protocols.map { (name: $0.name, metadata: $0.metadata) },
            sessionTimeoutMs: request.sessionTimeoutMs,
            // v0 has no rebalance timeout: Kafka uses the session timeout.
            rebalanceTimeoutMs: version == 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
            clientId: context.clientId ?? "",
            clientHost: context.clientHost,
            // KIP-394: from v4 a new member first gets MEMBER_ID_REQUIRED with its id.
            requireKnownMemberId: version >= 4
        ))
        if outcome.errorCode != 0 && outcome.errorCode != KafkaErrorCode.memberIdRequired.rawValue {
            logger.info("join \(request.groupId) by \(request.memberId.isEmpty ? context.clientHost : request.memberId): \(KafkaErrorCode(rawValue: outcome.errorCode))")
        }
        return JoinGroupResponse(
            throttleTimeMs: 0, errorCode: outcome.errorCode, generationId: outcome.generationId,
            protocolType: outcome.protocolType, protocolName: outcome.protocolName,
            leader: outcome.leaderId, memberId: outcome.memberId,
            members: outcome.members.map {
                JoinGroupResponse.JoinGroupResponseMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata)
            }
        )
    }

    func syncGroup(_ request: SyncGroupRequest, _ context: RequestContext) async -> SyncGroupResponse {
        let outcome = await groups.sync(SyncGroupInput(
            groupId: request.groupId, memberId: request.memberId, generationId: request.generationId,
            protocolType: request.protocolType, protocolName: request.protocolName,
            assignments: request.assignments.map { (memberId: $0.memberId, assignment: $0.assignment) }
        ))
        return SyncGroupResponse(
            throttleTimeMs: 0, errorCode: outcome.errorCode, protocolType: outcome.protocolType,
            protocolName: outcome.protocolName, assignment: outcome.assignment
        )
    }

    func heartbeat(_ request: HeartbeatRequest, _ context: RequestContext) async -> HeartbeatResponse {
        let code = await groups.heartbeat(groupId: request.groupId, memberId: request.memberId, generationId: request.generationId)
        return HeartbeatResponse(throttleTimeMs: 0, errorCode: code)
    }

    func leaveGroup(_ request: LeaveGroupRequest, _ context: RequestContext) async -> LeaveGroupResponse {
        // v0-2 name one member; v3+ a list.
        let memberIds = context.apiVersion < 3 ? [request.memberId] : request.members.map(\.memberId)
        let (code, perMember) = await groups.leave(groupId: request.groupId, memberIds: memberIds)
        let members = zip(request.members, perMember).map { member, result in
            LeaveGroupResponse.MemberResponse(memberId: member.memberId, groupInstanceId: member.groupInstanceId, errorCode: result.1)
        }
        // v0-2 have only the top-level code, so a single member's failure must show there.
        let topLevel = context.apiVersion < 3 ? (perMember.first?.1 ?? code) : code
        return LeaveGroupResponse(throttleTimeMs: 0, errorCode: topLevel, members: members)
    }

    func describeGroups(_ request: DescribeGroupsRequest, _ context: RequestContext) async -> DescribeGroupsResponse {
        let descriptions = await groups.describe(groupIds: request.groups)
        var described: [DescribeGroupsResponse.DescribedGroup] = []
        for groupId in request.groups {
            if let group = descriptions.first(where: { $0.groupId == groupId }) {
                described.append(DescribeGroupsResponse.DescribedGroup(
                    errorCode: 0, groupId: groupId, groupState: group.state, protocolType: group.protocolType,
                    protocolData: group.protocolName,
                    members: group.members.map {
                        DescribeGroupsResponse.DescribedGroupMember(
                            memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, clientId: $0.clientId,
                            clientHost: $0.clientHost, memberMetadata: $0.metadata, memberAssignment: $0.assignment
                        )
                    }
                ))
            } else {
                // Groups known only by their committed offsets are Empty; unknown ones Dead (as Kafka).
                let hasOffsets = (try? offsets.groupsWithOffsets().contains(groupId)) ?? false
                described.append(DescribeGroupsResponse.DescribedGroup(
                    errorCode: 0, groupId: groupId, groupState: hasOffsets ? "Empty" : "Dead",
                    protocolType: hasOffsets ? "consumer" : "", protocolData: "", members: []
                ))
            }
        }
        return DescribeGroupsResponse(throttleTimeMs: 0, groups: described)
    }

    func listGroups(_ request: ListGroupsRequest, _ context: RequestContext) async -> ListGroupsResponse {
        var listed: [String: ListGroupsResponse.ListedGroup] = [:]
        for group in await groups.listGroups() {
            listed[group.groupId] = ListGroupsResponse.ListedGroup(groupId: group.groupId, protocolType: group.protocolType, groupState: group.state)
        }
        for groupId in (try? offsets.groupsWithOffsets()) ?? [] where listed[groupId] == nil {
            listed[groupId] = ListGroupsResponse.ListedGroup(groupId: groupId, protocolType: "consumer", groupState: "Empty")
        }
        let states = Set(request.statesFilter.map { $0.lowercased() })
        let groups = listed.values
            .filter { states.isEmpty || states.contains($0.groupState.lowercased()) }
            .sorted { $0.groupId < $1.groupId }
        return ListGroupsResponse(throttleTimeMs: 0, errorCode: 0, groups: groups)
    }
}
