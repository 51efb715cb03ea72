import KafkaWire

// Committed consumer offsets, kept in the metadata store so they survive restarts.
extension RequestHandler {
    func offsetCommit(_ request: OffsetCommitRequest, _ context: RequestContext) async -> OffsetCommitResponse {
        // v0 commits carry no generation: they are simple (standalone) commits.
        let generation = context.apiVersion == 0 ? -1 : request.generationIdOrMemberEpoch
        let memberID = context.apiVersion == 0 ? "" : request.memberId
        let groupCode: KafkaErrorCode
        if authorized(.read, .group, request.groupId, context) {
            groupCode = await groups.validateOffsetCommit(
                groupID: request.groupId,
                memberID: memberID,
                generationID: generation
            )
        } else {
            groupCode = .groupAuthorizationFailed
        }
        if groupCode != .none {
            logger.info("offset commit to \(request.groupId) by '\(memberID)' generation \(generation): \(groupCode)")
        }
        var commits: [CommittedOffset] = []
        let topicsResult = request.topics.map { topic in
            let mayRead = groupCode != .none || authorized(.read, .topic, topic.name, context)
            return OffsetCommitResponse.OffsetCommitResponseTopic(
                name: topic.name,
                partitions: topic.partitions.map { partition in
                    var code = groupCode
                    if code == .none && !mayRead {
                        code = .topicAuthorizationFailed
                    }
                    if code == .none && topics.log(topic: topic.name, partition: partition.partitionIndex) == nil {
                        code = .unknownTopicOrPartition
                    }
                    if code == .none {
                        commits.append(
                            CommittedOffset(
                                group: request.groupId,
                                topic: topic.name,
                                partition: partition.partitionIndex,
                                offset: partition.committedOffset,
                                leaderEpoch: partition.committedLeaderEpoch,
                                metadata: partition.committedMetadata,
                                commitTime: PartitionLog.currentTimeMilliseconds()
                            )
                        )
                    }
                    return OffsetCommitResponse.OffsetCommitResponsePartition(
                        partitionIndex: partition.partitionIndex,
                        errorCode: code.rawValue
                    )
                }
            )
        }
        if !commits.isEmpty {
            do {
                try offsets.commitOffsets(commits)
            } catch {
                logger.error("storing offsets of \(request.groupId) failed: \(error)")
                return OffsetCommitResponse(
                    throttleTimeMs: 0,
                    topics: request.topics.map { topic in
                        OffsetCommitResponse.OffsetCommitResponseTopic(
                            name: topic.name,
                            partitions: topic.partitions.map {
                                OffsetCommitResponse.OffsetCommitResponsePartition(
                                    partitionIndex: $0.partitionIndex,
                                    errorCode: KafkaErrorCode.kafkaStorageError.rawValue
                                )
                            }
                        )
                    }
                )
            }
        }
        return OffsetCommitResponse(throttleTimeMs: 0, topics: topicsResult)
    }

    /// OffsetFetch v0-7 (one group per request). A null topic list (v2+) asks for every
    /// partition the group has committed; partitions without a commit answer offset -1.
    /// Needs Describe on the group, and on each topic: topics the principal may not describe
    /// are refused when named and left out of the every-partition answer.
    func offsetFetch(_ request: OffsetFetchRequest, _ context: RequestContext) -> OffsetFetchResponse {
        guard authorized(.describe, .group, request.groupId, context) else {
            return offsetFetchRefused(request, .groupAuthorizationFailed)
        }
        let committed: [CommittedOffset]
        do {
            committed = try offsets.committedOffsets(group: request.groupId)
        } catch {
            logger.error("reading offsets of \(request.groupId) failed: \(error)")
            return OffsetFetchResponse(
                throttleTimeMs: 0,
                topics: [],
                errorCode: KafkaErrorCode.kafkaStorageError.rawValue
            )
        }
        // Java consumers ask for stable offsets (v7+): a partition whose offset an open
        // transaction commits is answered UNSTABLE_OFFSET_COMMIT, which they retry.
        var unstable: Set<KafkaTopicPartition> = []
        if request.requireStable {
            unstable = (try? offsets.pendingOffsetPartitions(group: request.groupId)) ?? []
        }
        var byTopic: [String: [Int32: CommittedOffset]] = [:]
        for entry in committed { byTopic[entry.topic, default: [:]][entry.partition] = entry }
        let wanted: [(String, [Int32])] =
            request.topics.map { topics in topics.map { ($0.name, $0.partitionIndexes) } }
            ?? byTopic.keys.sorted().filter { permits(.describe, .topic, $0, context) }.map { name in
                (name, byTopic[name]!.keys.sorted())
            }
        let topicsResult = wanted.map { name, partitions in
            guard request.topics == nil || authorized(.describe, .topic, name, context) else {
                return OffsetFetchResponse.OffsetFetchResponseTopic(
                    name: name,
                    partitions: partitions.map { Self.offsetFetchPartition($0, .topicAuthorizationFailed) }
                )
            }
            return OffsetFetchResponse.OffsetFetchResponseTopic(
                name: name,
                partitions: partitions.map { index in
                    let entry = byTopic[name]?[index]
                    let isUnstable = unstable.contains(KafkaTopicPartition(topic: name, partition: index))
                    return OffsetFetchResponse.OffsetFetchResponsePartition(
                        partitionIndex: index,
                        committedOffset: isUnstable ? -1 : entry?.offset ?? -1,
                        committedLeaderEpoch: isUnstable ? -1 : entry?.leaderEpoch ?? -1,
                        metadata: entry?.metadata ?? "",
                        errorCode: (isUnstable ? KafkaErrorCode.unstableOffsetCommit : .none).rawValue
                    )
                }
            )
        }
        return OffsetFetchResponse(throttleTimeMs: 0, topics: topicsResult, errorCode: KafkaErrorCode.none.rawValue)
    }

    /// Every named partition refused with `code`, also as the request's error (v2+).
    private func offsetFetchRefused(_ request: OffsetFetchRequest, _ code: KafkaErrorCode) -> OffsetFetchResponse {
        OffsetFetchResponse(
            throttleTimeMs: 0,
            topics: (request.topics ?? []).map { topic in
                OffsetFetchResponse.OffsetFetchResponseTopic(
                    name: topic.name,
                    partitions: topic.partitionIndexes.map { Self.offsetFetchPartition($0, code) }
                )
            },
            errorCode: code.rawValue
        )
    }

    private static func offsetFetchPartition(
        _ index: Int32,
        _ code: KafkaErrorCode
    ) -> OffsetFetchResponse.OffsetFetchResponsePartition {
        OffsetFetchResponse.OffsetFetchResponsePartition(
            partitionIndex: index,
            committedOffset: -1,
            committedLeaderEpoch: -1,
            metadata: "",
            errorCode: code.rawValue
        )
    }
}
