import Common

/// Changes to consumer groups, as `kafka-consumer-groups` makes them: offsets reset (previewed
/// first) and groups deleted. Both need a group without members: a running consumer would
/// overwrite the reset offsets with its own next commit, and Kafka refuses to delete its group.
extension KafkaAdmin {
    /// Where an offset reset moves a group's partitions.
    public enum OffsetResetTarget: Sendable, Equatable, CustomStringConvertible {
        /// Each partition's earliest offset: everything is read again.
        case earliest
        /// Each partition's end: what is there now is skipped.
        case latest
        /// The first record at or after this time (milliseconds since the epoch); the end when
        /// none is that recent.
        case time(Int64)
        /// This offset in every partition, kept within the partition's earliest and latest.
        case offset(Int64)
        /// The committed offset moved by this many records (negative: back), kept within the
        /// partition; from the earliest offset where nothing is committed.
        case shift(Int64)

        public var description: String {
            switch self {
            case .earliest: "earliest"
            case .latest: "latest"
            case .time(let millis): "time \(UTCTimestamp.string(epochMicros: millis * 1000, zone: .z))"
            case .offset(let offset): "offset \(offset)"
            case .shift(let count): "shift by \(count)"
            }
        }
    }

    /// An offset reset worked out but not applied: per partition the committed offset now, the
    /// new one and the lag it leaves.
    public struct OffsetResetPlan: Sendable, Equatable {
        /// One partition's move.
        public struct Move: Sendable, Equatable {
            public var partition: KafkaTopicPartition
            /// Committed now; nil when the group has committed nothing for the partition.
            public var current: Int64?
            public var target: Int64
            /// The partition's end when planned.
            public var latest: Int64
            /// Records behind the end after the reset.
            public var lagAfter: Int64 { max(0, latest - target) }

            /// A move from its parts.
            public init(partition: KafkaTopicPartition, current: Int64?, target: Int64, latest: Int64) {
                self.partition = partition
                self.current = current
                self.target = target
                self.latest = latest
            }
        }

        public var groupID: String
        public var target: OffsetResetTarget
        /// By partition.
        public var moves: [Move]

        /// A plan from its parts.
        public init(groupID: String, target: OffsetResetTarget, moves: [Move]) {
            self.groupID = groupID
            self.target = target
            self.moves = moves
        }
    }

    /// Works out where `target` moves the group's offsets: for every partition of `topic`, or,
    /// without one, for every partition the group has committed an offset for.
    ///
    /// - Throws: `.broker` with NON_EMPTY_GROUP while the group has members, with
    ///   UNKNOWN_TOPIC_OR_PARTITION for a missing topic; `.invalidConfiguration` when there is
    ///   nothing to reset (no topic named and nothing committed).
    public func planOffsetReset(
        group groupID: String,
        topic: String?,
        to target: OffsetResetTarget
    ) async throws -> OffsetResetPlan {
        let group = try await describeGroup(groupID)
        try Self.requireIdle(group, "resetting the offsets of group \(groupID)")
        let committed = Dictionary(uniqueKeysWithValues: group.offsets.map { ($0.partition, $0.committed) })
        let partitions: [KafkaTopicPartition]
        if let topic {
            partitions = try await describeTopic(topic).partitions.map {
                KafkaTopicPartition(topic: topic, partition: $0.partition)
            }
        } else {
            partitions = committed.keys.sorted()
        }
        guard !partitions.isEmpty else {
            throw KafkaClientError(
                .invalidConfiguration,
                "group \(groupID) has committed no offsets: name the topic whose offsets to set"
            )
        }
        let bounds = try await offsets(of: partitions)
        var found: [KafkaTopicPartition: Int64?] = [:]
        if case .time(let millis) = target { found = try await offsets(forTime: millis, of: partitions) }
        let moves = partitions.map { partition in
            let (earliest, latest) = bounds[partition] ?? (0, 0)
            let current = committed[partition]
            let wanted: Int64
            switch target {
            case .earliest: wanted = earliest
            case .latest: wanted = latest
            case .time: wanted = (found[partition] ?? nil) ?? latest
            case .offset(let offset): wanted = offset
            case .shift(let count): wanted = (current ?? earliest) + count
            }
            return OffsetResetPlan.Move(
                partition: partition,
                current: current,
                target: min(max(wanted, earliest), latest),
                latest: latest
            )
        }
        return OffsetResetPlan(groupID: groupID, target: target, moves: moves)
    }

    /// Commits a plan's offsets for its group, if the group still has no members.
    ///
    /// - Throws: `.broker` with NON_EMPTY_GROUP when a consumer joined since the plan, or the
    ///   coordinator's refusal of the commit.
    public func applyOffsetReset(_ plan: OffsetResetPlan) async throws {
        try Self.requireIdle(try await describeGroup(plan.groupID), "resetting the offsets of group \(plan.groupID)")
        let byTopic = Dictionary(grouping: plan.moves, by: \.partition.topic)
        // Generation -1 and no member id: a commit from outside the group, which the coordinator
        // takes only while the group is empty.
        let request = OffsetCommitRequest(
            groupId: plan.groupID,
            topics: byTopic.keys.sorted().map { topic in
                .init(
                    name: topic,
                    partitions: byTopic[topic]!.map {
                        .init(partitionIndex: $0.partition.partition, committedOffset: $0.target)
                    }
                )
            }
        )
        let coordinator = try await cluster.groupCoordinator(plan.groupID)
        let response: OffsetCommitResponse = try await coordinator.send(request, minimumVersion: 2, maximumVersion: 8)
        for topic in response.topics {
            for partition in topic.partitions {
                try Self.check(
                    partition.errorCode,
                    nil,
                    "committing offsets of group \(plan.groupID) for \(topic.name)-\(partition.partitionIndex)"
                )
            }
        }
    }

    /// Deletes a group and its committed offsets.
    ///
    /// - Throws: `.broker` with NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND for
    ///   an unknown group.
    public func deleteGroup(_ groupID: String) async throws {
        let coordinator = try await cluster.groupCoordinator(groupID)
        let response: DeleteGroupsResponse = try await coordinator.send(
            DeleteGroupsRequest(groupsNames: [groupID]),
            maximumVersion: 2
        )
        for result in response.results {
            try Self.check(result.errorCode, nil, "deleting group \(result.groupId)")
        }
    }

    private static func requireIdle(_ group: GroupDescription, _ action: String) throws {
        guard group.members.isEmpty else {
            let count = group.members.count
            throw KafkaClientError.broker(
                .nonEmptyGroup,
                "\(action): it has \(count) active member\(count == 1 ? "" : "s"); stop its consumers first"
            )
        }
    }
}
