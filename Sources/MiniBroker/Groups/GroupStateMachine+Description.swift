import NIOCore

/// DescribeGroups and ListGroups views of a group.
extension GroupStateMachine {
    /// Kafka's `GroupMetadata.summary`: the chosen protocol, member metadata and assignments
    /// are only reported while the group is Stable; otherwise they are empty.
    var description: GroupDescription {
        let isStable = state == .stable
        let chosen = isStable ? (protocolName ?? "") : ""
        let described = memberOrder.compactMap { members[$0] }.map { member in
            GroupDescription.Member(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId,
                clientId: member.clientId, clientHost: member.clientHost,
                metadata: isStable ? member.metadata(for: chosen) : ByteBuffer(),
                assignment: isStable ? member.assignment : ByteBuffer()
            )
        }
        return GroupDescription(
            errorCode: GroupErrorCode.none, groupId: groupId, state: state.rawValue,
            protocolType: protocolType ?? "", protocolName: chosen, members: described
        )
    }

    var listing: ListedGroup {
        ListedGroup(groupId: groupId, protocolType: protocolType ?? "", state: state.rawValue)
    }
}
