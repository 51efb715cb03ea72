import KafkaWire

extension RequestHandler {
    /// TxnOffsetCommit v0-4: a transaction's consumer offsets, kept pending until the
    /// transaction ends (committed with it, dropped when it aborts). From v3 the request may
    /// carry the member's generation, checked as OffsetCommit checks it (KIP-447). Needs Write
    /// on the transactional id, Read on the group and on each topic.
    func txnOffsetCommit(_ request: TxnOffsetCommitRequest, _ context: RequestContext) async -> TxnOffsetCommitResponse
    {
        var error = KafkaErrorCode.none
        if !authorized(.write, .transactionalId, request.transactionalId, context) {
            error = .transactionalIdAuthorizationFailed
        } else if !authorized(.read, .group, request.groupId, context) {
            error = .groupAuthorizationFailed
        } else if !request.memberId.isEmpty || request.generationId >= 0 {
            error = await groups.validateOffsetCommit(
                groupID: request.groupId,
                memberID: request.memberId,
                generationID: request.generationId
            )
        }
        let now = PartitionLog.currentTimeMilliseconds()
        var pending: [CommittedOffset] = []
        var unknown: Set<KafkaTopicPartition> = []
        let denied = Set(
            error == .none ? request.topics.map(\.name).filter { !authorized(.read, .topic, $0, context) } : []
        )
        for topic in request.topics where !denied.contains(topic.name) {
            for partition in topic.partitions {
                guard topics.log(topic: topic.name, partition: partition.partitionIndex) != nil else {
                    unknown.insert(KafkaTopicPartition(topic: topic.name, partition: partition.partitionIndex))
                    continue
                }
                pending.append(
                    CommittedOffset(
                        group: request.groupId,
                        topic: topic.name,
                        partition: partition.partitionIndex,
                        offset: partition.committedOffset,
                        leaderEpoch: partition.committedLeaderEpoch,
                        metadata: partition.committedMetadata,
                        commitTime: now
                    )
                )
            }
        }
        if error == .none {
            let producer = TransactionCoordinator.Producer(
                transactionalID: request.transactionalId,
                producerID: request.producerId,
                producerEpoch: request.producerEpoch,
                // TxnOffsetCommit has no PRODUCER_FENCED; Java maps this one to a fenced producer.
                fenced: .invalidProducerEpoch
            )
            // v5 (KIP-890's second protocol) adds the group itself: no AddOffsetsToTxn before.
            error = transactions.commitPendingOffsets(
                pending,
                group: request.groupId,
                by: producer,
                addsGroup: context.apiVersion >= 5
            )
        }
        if error != .none || !unknown.isEmpty {
            logger.info(
                """
                TxnOffsetCommit of '\(request.transactionalId)' for group \(request.groupId) from \
                \(context.clientHost): \(error)\(unknown.isEmpty ? "" : ", unknown partitions \(unknown.sorted())")
                """
            )
        }
        return TxnOffsetCommitResponse(
            throttleTimeMs: 0,
            topics: request.topics.map { topic in
                TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic(
                    name: topic.name,
                    partitions: topic.partitions.map { partition in
                        let isUnknown = unknown.contains(
                            KafkaTopicPartition(topic: topic.name, partition: partition.partitionIndex)
                        )
                        let code: KafkaErrorCode =
                            denied.contains(topic.name)
                            ? .topicAuthorizationFailed : isUnknown ? .unknownTopicOrPartition : error
                        return TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition(
                            partitionIndex: partition.partitionIndex,
                            errorCode: code.rawValue
                        )
                    }
                )
            }
        )
    }
}
