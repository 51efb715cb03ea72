// Committed offsets live with the group coordinator, found with FindCoordinator (key type 0 =
// group). Outside a group, commits carry generation -1 and an empty member id, which Kafka
// accepts for groups without members ("simple" consumer groups).
extension KafkaConsumer {
    /// Stores `offsets` as the group's committed offsets: the offset of the next record to
    /// read, as Kafka defines it.
    ///
    /// - Throws: `.invalidConfiguration` without a group id; `.brokerError` with the first
    ///   partition error (ILLEGAL_GENERATION or REBALANCE_IN_PROGRESS mean the group moved on:
    ///   the consumer rejoins on the next poll).
    public func commit(_ offsets: [(topic: String, partition: Int32, offset: Int64)]) async throws {
        try checkOpen()
        guard !offsets.isEmpty else { return }
        let groupID = try requireGroupID()
        let byTopic = Dictionary(grouping: offsets, by: \.topic)
        let request = OffsetCommitRequest(
            groupId: groupID,
            generationIdOrMemberEpoch: generationID,
            memberId: memberID,
            topics: byTopic.keys.sorted().map { topic in
                .init(
                    name: topic,
                    partitions: byTopic[topic]!.map { .init(partitionIndex: $0.partition, committedOffset: $0.offset) }
                )
            }
        )
        let response: OffsetCommitResponse = try await sendToCoordinator(request, minimumVersion: 2, maximumVersion: 8)
        for topic in response.topics {
            for partition in topic.partitions {
                let code = KafkaErrorCode(rawValue: partition.errorCode)
                guard code == .none else {
                    noteGroupError(code)
                    throw KafkaClientError.broker(
                        code,
                        "OffsetCommit of \(topic.name)-\(partition.partitionIndex) for group \(groupID)"
                    )
                }
            }
        }
    }

    /// Commits the current position of every assigned partition that has one.
    public func commitPositions() async throws {
        try await commit(
            assigned.compactMap { partition in
                positions[partition].map { (partition.topic, partition.partition, $0) }
            }
        )
    }

    /// The group's committed offsets of `partitions`; partitions without one are absent.
    ///
    /// - Throws: `.invalidConfiguration` without a group id, `.brokerError` for errors.
    public func committed(
        _ partitions: [(topic: String, partition: Int32)]
    ) async throws -> [KafkaTopicPartition: Int64] {
        try checkOpen()
        return try await committedOffsets(
            partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
        )
    }

    func committedOffsets(_ partitions: [KafkaTopicPartition]) async throws -> [KafkaTopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let groupID = try requireGroupID()
        let byTopic = Dictionary(grouping: partitions, by: \.topic)
        let request = OffsetFetchRequest(
            groupId: groupID,
            topics: byTopic.keys.sorted().map { .init(name: $0, partitionIndexes: byTopic[$0]!.map(\.partition)) }
        )
        // v8 moves the request into per-group arrays; v7 is enough for one group.
        let response: OffsetFetchResponse = try await sendToCoordinator(request, minimumVersion: 1, maximumVersion: 7)
        let code = KafkaErrorCode(rawValue: response.errorCode)
        guard code == .none else { throw KafkaClientError.broker(code, "OffsetFetch for group \(groupID)") }
        var result: [KafkaTopicPartition: Int64] = [:]
        for topic in response.topics {
            for partition in topic.partitions {
                let code = KafkaErrorCode(rawValue: partition.errorCode)
                guard code == .none else {
                    throw KafkaClientError.broker(
                        code,
                        "OffsetFetch of \(topic.name)-\(partition.partitionIndex) for group \(groupID)"
                    )
                }
                if partition.committedOffset >= 0 {
                    result[KafkaTopicPartition(topic: topic.name, partition: partition.partitionIndex)] =
                        partition.committedOffset
                }
            }
        }
        return result
    }

    func requireGroupID() throws -> String {
        guard let groupID = configuration.groupID, !groupID.isEmpty else {
            throw KafkaClientError(
                .invalidConfiguration,
                "committed offsets and subscriptions need a consumer group: set groupID"
            )
        }
        return groupID
    }

    /// Sends a group request to the coordinator, finding it first and again when it moved.
    func sendToCoordinator<Request: KafkaRequestMessage, Response: KafkaResponseMessage>(
        _ request: Request,
        minimumVersion: Int16 = 0,
        maximumVersion: Int16 = .max,
        timeout: Duration? = nil
    ) async throws -> Response {
        var attempt = 0
        while true {
            attempt += 1
            let connection = try await coordinatorConnection()
            do {
                return try await connection.send(
                    request,
                    minimumVersion: minimumVersion,
                    maximumVersion: maximumVersion,
                    timeout: timeout ?? configuration.cluster.requestTimeout,
                    expecting: Response.self
                )
            } catch let error as KafkaClientError
                where error.code == .connectionClosed || error.code == .requestTimedOut
            {
                coordinator = nil
                await cluster.drop(connection)
                guard attempt < configuration.cluster.connectAttempts else { throw error }
            }
        }
    }

    /// The connection to the group coordinator, looked up with FindCoordinator when unknown.
    func coordinatorConnection() async throws -> BrokerConnection {
        if let coordinator, coordinator.isActive { return coordinator }
        let found = try await cluster.groupCoordinator(try requireGroupID())
        coordinator = found
        return found
    }

    /// Reacts to a group error from any group request: the coordinator moved, or the group
    /// went on without this member and it must join again.
    func noteGroupError(_ code: KafkaErrorCode) {
        switch code {
        case .notCoordinator, .coordinatorNotAvailable:
            coordinator = nil
        case .unknownMemberId:
            memberID = ""
            if subscription != nil { needsRejoin = true }
        case .rebalanceInProgress, .illegalGeneration, .fencedInstanceId:
            if subscription != nil { needsRejoin = true }
        default:
            break
        }
    }
}
