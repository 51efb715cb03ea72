import KafkaWire
import NIOCore

/// The DescribeGroups and ListGroups views of a group.
extension GroupStateMachine {
    /// Kafka's `GroupMetadata.summary`: the chosen protocol, member metadata and assignments
    /// are only reported while the group is Stable; otherwise they are empty.
    var summary: GroupSummary {
        let isStable = state.name == .stable
        let chosen = isStable ? (protocolName ?? "") : ""
        let described = memberOrder.compactMap { members[$0] }.map { member in
            GroupSummary.Member(
                memberID: member.memberID,
                groupInstanceID: member.groupInstanceID,
                clientID: member.clientID,
                clientHost: member.clientHost,
                metadata: isStable ? member.metadata(for: chosen) : ByteBuffer(),
                assignment: isStable ? member.assignment : ByteBuffer()
            )
        }
        return GroupSummary(
            errorCode: KafkaErrorCode.none,
            groupID: groupID,
            state: state.name.rawValue,
            protocolType: protocolType ?? "",
            protocolName: chosen,
            members: described
        )
    }

    var listing: ListedGroup {
        ListedGroup(groupID: groupID, protocolType: protocolType ?? "", state: state.name.rawValue)
    }
}
