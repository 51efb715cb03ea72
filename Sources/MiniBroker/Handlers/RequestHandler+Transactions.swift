import KafkaWire

// The transactional producer's requests to its transaction coordinator
// (`TransactionCoordinator`): AddPartitionsToTxn, AddOffsetsToTxn and EndTxn.
extension RequestHandler {
    /// AddPartitionsToTxn v0-3 (one transaction, from producers) and v4-5 (several, from
    /// brokers, possibly verify-only). A request naming a partition that does not exist
    /// adds none: that one gets UNKNOWN_TOPIC_OR_PARTITION, the others OPERATION_NOT_ATTEMPTED;
    /// so does one naming a topic the principal may not write (TOPIC_AUTHORIZATION_FAILED).
    /// Needs Write on the transactional id.
    func addPartitionsToTxn(
        _ request: AddPartitionsToTxnRequest,
        _ context: RequestContext
    ) -> AddPartitionsToTxnResponse {
        // PRODUCER_FENCED exists from v2.
        let fenced: KafkaErrorCode = context.apiVersion >= 2 ? .producerFenced : .invalidProducerEpoch
        if context.apiVersion <= 3 {
            let producer = TransactionCoordinator.Producer(
                transactionalID: request.v3AndBelowTransactionalId,
                producerID: request.v3AndBelowProducerId,
                producerEpoch: request.v3AndBelowProducerEpoch,
                fenced: fenced
            )
            let results = addPartitions(request.v3AndBelowTopics, by: producer, verifyOnly: false, context)
            return AddPartitionsToTxnResponse(throttleTimeMs: 0, resultsByTopicV3AndBelow: results)
        }
        let results = request.transactions.map { transaction in
            let producer = TransactionCoordinator.Producer(
                transactionalID: transaction.transactionalId,
                producerID: transaction.producerId,
                producerEpoch: transaction.producerEpoch,
                fenced: fenced
            )
            return AddPartitionsToTxnResponse.AddPartitionsToTxnResult(
                transactionalId: transaction.transactionalId,
                topicResults: addPartitions(
                    transaction.topics,
                    by: producer,
                    verifyOnly: transaction.verifyOnly,
                    context
                )
            )
        }
        return AddPartitionsToTxnResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            resultsByTransaction: results
        )
    }

    private func addPartitions(
        _ requested: [AddPartitionsToTxnRequest.AddPartitionsToTxnTopic],
        by producer: TransactionCoordinator.Producer,
        verifyOnly: Bool,
        _ context: RequestContext
    ) -> [AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult] {
        let partitions = requested.flatMap { topic in
            topic.partitions.map { KafkaTopicPartition(topic: topic.name, partition: $0) }
        }
        guard authorized(.write, .transactionalId, producer.transactionalID, context) else {
            return requested.map { topic in
                AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult(
                    name: topic.name,
                    resultsByPartition: topic.partitions.map {
                        .init(
                            partitionIndex: $0,
                            partitionErrorCode: KafkaErrorCode.transactionalIdAuthorizationFailed.rawValue
                        )
                    }
                )
            }
        }
        let denied = Set(requested.map(\.name).filter { !authorized(.write, .topic, $0, context) })
        let unknown = Set(partitions.filter { topics.log(topic: $0.topic, partition: $0.partition) == nil })
        var error: KafkaErrorCode = .operationNotAttempted
        if unknown.isEmpty && denied.isEmpty {
            error =
                verifyOnly
                ? transactions.verify(partitions, by: producer) : transactions.addPartitions(partitions, by: producer)
        }
        if error != .none {
            let detail = unknown.isEmpty ? "\(error)" : "unknown partitions \(unknown.sorted())"
            logger.info("AddPartitionsToTxn of '\(producer.transactionalID)' from \(context.clientHost): \(detail)")
        }
        return requested.map { topic in
            AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult(
                name: topic.name,
                resultsByPartition: topic.partitions.map { index in
                    let partition = KafkaTopicPartition(topic: topic.name, partition: index)
                    let code: KafkaErrorCode =
                        denied.contains(topic.name)
                        ? .topicAuthorizationFailed : unknown.contains(partition) ? .unknownTopicOrPartition : error
                    return AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult(
                        partitionIndex: index,
                        partitionErrorCode: code.rawValue
                    )
                }
            )
        }
    }

    /// AddOffsetsToTxn v0-4: the transaction will commit offsets of the group (TxnOffsetCommit).
    /// Needs Write on the transactional id and Read on the group.
    func addOffsetsToTxn(_ request: AddOffsetsToTxnRequest, _ context: RequestContext) -> AddOffsetsToTxnResponse {
        guard authorized(.write, .transactionalId, request.transactionalId, context) else {
            return AddOffsetsToTxnResponse(errorCode: KafkaErrorCode.transactionalIdAuthorizationFailed.rawValue)
        }
        guard authorized(.read, .group, request.groupId, context) else {
            return AddOffsetsToTxnResponse(errorCode: KafkaErrorCode.groupAuthorizationFailed.rawValue)
        }
        let producer = TransactionCoordinator.Producer(
            transactionalID: request.transactionalId,
            producerID: request.producerId,
            producerEpoch: request.producerEpoch,
            fenced: context.apiVersion >= 2 ? .producerFenced : .invalidProducerEpoch
        )
        let error = transactions.addOffsets(group: request.groupId, by: producer)
        if error != .none {
            logger.info("AddOffsetsToTxn of '\(request.transactionalId)' from \(context.clientHost): \(error)")
        }
        return AddOffsetsToTxnResponse(throttleTimeMs: 0, errorCode: error.rawValue)
    }

    /// EndTxn: commits or aborts the producer's transaction, markers written before the
    /// answer; v5 (KIP-890's second protocol) bumps the epoch and answers with the producer
    /// id and epoch of the next transaction. Needs Write on the transactional id.
    func endTxn(_ request: EndTxnRequest, _ context: RequestContext) -> EndTxnResponse {
        guard authorized(.write, .transactionalId, request.transactionalId, context) else {
            return EndTxnResponse(
                errorCode: KafkaErrorCode.transactionalIdAuthorizationFailed.rawValue,
                producerId: -1,
                producerEpoch: -1
            )
        }
        let producer = TransactionCoordinator.Producer(
            transactionalID: request.transactionalId,
            producerID: request.producerId,
            producerEpoch: request.producerEpoch,
            fenced: context.apiVersion >= 2 ? .producerFenced : .invalidProducerEpoch
        )
        let result =
            context.apiVersion >= 5
            ? transactions.endTransactionBumpingEpoch(commit: request.committed, by: producer)
            : TransactionCoordinator.EndResult(
                error: transactions.endTransaction(commit: request.committed, by: producer)
            )
        if result.error != .none {
            let what = request.committed ? "commit" : "abort"
            logger.info(
                "EndTxn (\(what)) of '\(request.transactionalId)' from \(context.clientHost): \(result.error)"
            )
        }
        return EndTxnResponse(
            throttleTimeMs: 0,
            errorCode: result.error.rawValue,
            producerId: result.producerID,
            producerEpoch: result.producerEpoch
        )
    }
}
