import NIOCore

// Groups live with their coordinator (FindCoordinator); ListGroups is asked of every broker.
extension KafkaAdmin {
    /// Every consumer group, by id.
    public func listGroups() async throws -> [GroupListing] {
        let connection = try await cluster.anyConnection()
        let response: ListGroupsResponse = try await connection.send(ListGroupsRequest(), maximumVersion: 4)
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else { throw KafkaClientError.broker(code, "ListGroups") }
        return response.groups
            .map { GroupListing(groupID: $0.groupId, state: $0.groupState, protocolType: $0.protocolType) }
            .sorted { $0.groupID < $1.groupID }
    }

    /// One group: state, members with their assignments, and for every partition it committed
    /// an offset for, that offset and the lag behind the partition's end.
    ///
    /// - Throws: `.brokerError` (GROUP_ID_NOT_FOUND from brokers that report unknown groups).
    public func describeGroup(_ groupID: String) async throws -> GroupDescription {
        let coordinator = try await cluster.groupCoordinator(groupID)
        let described: DescribeGroupsResponse = try await coordinator.send(
            DescribeGroupsRequest(groups: [groupID]),
            maximumVersion: 5
        )
        guard let group = described.groups.first else {
            throw KafkaClientError.broker(.groupIdNotFound, "DescribeGroups for \(groupID)")
        }
        let code = KafkaErrorCode(rawValue: group.errorCode)
        guard code == .none else { throw KafkaClientError.broker(code, "DescribeGroups for \(groupID)") }
        let members = group.members.map { member in
            GroupDescription.Member(
                memberID: member.memberId,
                clientID: member.clientId,
                host: member.clientHost,
                assignment: Self.assignment(member.memberAssignment, protocolType: group.protocolType)
            )
        }.sorted { $0.memberID < $1.memberID }
        return GroupDescription(
            groupID: groupID,
            state: group.groupState,
            protocolType: group.protocolType,
            protocolName: group.protocolData,
            members: members,
            offsets: try await committedOffsets(groupID, coordinator: coordinator)
        )
    }

    private func committedOffsets(
        _ groupID: String,
        coordinator: BrokerConnection
    ) async throws -> [GroupDescription.Offset] {
        // Null topics: every partition the group committed for (OffsetFetch v2+).
        let response: OffsetFetchResponse = try await coordinator.send(
            OffsetFetchRequest(groupId: groupID, topics: nil),
            minimumVersion: 2,
            maximumVersion: 7
        )
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else { throw KafkaClientError.broker(code, "OffsetFetch for \(groupID)") }
        var committed: [KafkaTopicPartition: Int64] = [:]
        for topic in response.topics {
            for partition in topic.partitions where partition.committedOffset >= 0 {
                committed[KafkaTopicPartition(topic: topic.name, partition: partition.partitionIndex)] =
                    partition.committedOffset
            }
        }
        let ends = try await offsets(of: Array(committed.keys))
        return committed.keys.sorted().map { partition in
            GroupDescription.Offset(
                partition: partition,
                committed: committed[partition]!,
                latest: ends[partition]?.latest ?? committed[partition]!
            )
        }
    }

    /// The partitions of a consumer-protocol assignment; none for other protocols or bytes
    /// that do not parse (the console shows the member without them).
    private static func assignment(_ bytes: ByteBuffer, protocolType: String) -> [KafkaTopicPartition] {
        guard protocolType == "consumer", bytes.readableBytes > 0 else { return [] }
        return (try? ConsumerProtocolAssignment(decoding: bytes))?.partitions.sorted() ?? []
    }
}
