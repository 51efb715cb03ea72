import KafkaWire

extension TransactionCoordinator {
    /// The producer a transactional request comes from.
    struct Producer: Sendable {
        var transactionalID: String
        var producerID: Int64
        var producerEpoch: Int16
        /// PRODUCER_FENCED, or INVALID_PRODUCER_EPOCH for versions older than it.
        var fenced: KafkaErrorCode = .producerFenced
    }

    /// AddPartitionsToTxn: adds partitions (all known to exist) to the producer's
    /// transaction, opening one if none is. Returns the error for all of them.
    func addPartitions(_ partitions: [KafkaTopicPartition], by producer: Producer) -> KafkaErrorCode {
        join(by: producer) { metadata in metadata.partitions.formUnion(partitions) }
    }

    /// AddOffsetsToTxn: the transaction will commit offsets of `group`.
    func addOffsets(group: String, by producer: Producer) -> KafkaErrorCode {
        join(by: producer) { metadata in metadata.groups.insert(group) }
    }

    /// AddPartitionsToTxn v4+ with verify_only: whether every partition is in the producer's
    /// ongoing transaction (INVALID_TXN_STATE otherwise), without adding any.
    func verify(_ partitions: [KafkaTopicPartition], by producer: Producer) -> KafkaErrorCode {
        transactions.withLock { table in
            let metadata = table[producer.transactionalID]
            let error = check(
                metadata,
                producerID: producer.producerID,
                producerEpoch: producer.producerEpoch,
                fenced: producer.fenced
            )
            guard error == .none else { return error }
            guard metadata!.state == .ongoing, metadata!.partitions.isSuperset(of: partitions) else {
                return .invalidTxnState
            }
            return .none
        }
    }

    /// Applies `change` to the producer's transaction, opening it when none is, and stores
    /// the result when it differs.
    private func join(by producer: Producer, _ change: (inout TransactionMetadata) -> Void) -> KafkaErrorCode {
        let now = clock()
        return transactions.withLock { table in
            let current = table[producer.transactionalID]
            let error = check(
                current,
                producerID: producer.producerID,
                producerEpoch: producer.producerEpoch,
                fenced: producer.fenced
            )
            guard error == .none, var next = current else { return error }
            next.beginUnlessOngoing(at: now)
            change(&next)
            guard next != current else { return .none }
            next.updateTimeMs = now
            do {
                try persist(next, in: &table)
                return .none
            } catch {
                logger.error("transaction of '\(producer.transactionalID)' could not be stored: \(error)")
                return .coordinatorNotAvailable
            }
        }
    }

    /// TxnOffsetCommit: keeps `offsets` pending until the transaction ends. The group must
    /// have been added to the ongoing transaction (AddOffsetsToTxn), unless `addsGroup`
    /// (v5, KIP-890's second protocol): then the request adds it, opening a transaction if
    /// none is.
    func commitPendingOffsets(
        _ offsets: [CommittedOffset],
        group: String,
        by producer: Producer,
        addsGroup: Bool = false
    ) -> KafkaErrorCode {
        if addsGroup {
            let error = addOffsets(group: group, by: producer)
            guard error == .none else { return error }
        }
        return transactions.withLock { table in
            let metadata = table[producer.transactionalID]
            let error = check(
                metadata,
                producerID: producer.producerID,
                producerEpoch: producer.producerEpoch,
                fenced: producer.fenced
            )
            guard error == .none else { return error }
            guard metadata!.state == .ongoing, metadata!.groups.contains(group) else { return .invalidTxnState }
            guard !offsets.isEmpty else { return .none }
            do {
                try store.savePendingOffsets(offsets, transactionalID: producer.transactionalID)
                return .none
            } catch {
                logger.error("offsets of transaction '\(producer.transactionalID)' could not be stored: \(error)")
                return .coordinatorNotAvailable
            }
        }
    }

    /// Appends a transactional batch to `log` if the partition is in the producer's ongoing
    /// transaction; the check and the append happen under the coordinator's lock, so the
    /// transaction cannot be decided between them and leave data after its marker.
    ///
    /// - Parameters:
    ///   - notInTransaction: the error when it is not: INVALID_TXN_STATE for Produce versions
    ///     up to 10, TRANSACTION_ABORTABLE from 11 (KIP-890).
    ///   - addsPartitions: Produce 12 and later (KIP-890's second protocol): a partition not
    ///     in the transaction is added to it (a transaction opened if none is), stored before
    ///     the batch is appended, together with the partitions this returns (those of the
    ///     request's other batches), so a request for three new partitions stores one change,
    ///     not three. Nil for earlier versions: the partition must be in the transaction.
    /// - Returns: the error, or the append's result.
    func appendIfInTransaction(
        _ partition: KafkaTopicPartition,
        by producer: Producer,
        notInTransaction: KafkaErrorCode,
        addsPartitions: (() -> [KafkaTopicPartition])? = nil,
        append: () throws -> PartitionLog.AppendResult
    ) throws -> Result<PartitionLog.AppendResult, TransactionalProduceError> {
        try transactions.withLock { table in
            guard let metadata = table[producer.transactionalID], metadata.producerID == producer.producerID else {
                return .failure(TransactionalProduceError(.invalidProducerIdMapping, "is not this id's producer"))
            }
            if producer.producerEpoch < metadata.producerEpoch {
                return .failure(TransactionalProduceError(.invalidProducerEpoch, "has an epoch older than the id's"))
            }
            let inTransaction =
                metadata.state == .ongoing && metadata.producerEpoch == producer.producerEpoch
                && metadata.partitions.contains(partition)
            if !inTransaction {
                guard let addsPartitions, metadata.producerEpoch == producer.producerEpoch, metadata.state != .dead
                else {
                    return .failure(
                        TransactionalProduceError(
                            notInTransaction,
                            "wrote to \(partition) outside its ongoing transaction"
                        )
                    )
                }
                if let refusal = add([partition] + addsPartitions(), to: metadata, in: &table) {
                    return .failure(refusal)
                }
            }
            return .success(try append())
        }
    }

    /// Adds `partitions` to the transaction of `metadata`, opening one when none is, for a
    /// Produce 12 batch. A transaction still being completed is answered as Kafka's broker
    /// answers a producer it must make retry: NOT_ENOUGH_REPLICAS, retriable for every client.
    private func add(
        _ partitions: [KafkaTopicPartition],
        to metadata: TransactionMetadata,
        in table: inout TransactionTable
    ) -> TransactionalProduceError? {
        guard !metadata.state.isPreparing else {
            return TransactionalProduceError(.notEnoughReplicas, "has its last transaction still completing; retry")
        }
        // Read only here: batches of partitions already in the transaction need no time.
        let now = clock()
        var next = metadata
        next.beginUnlessOngoing(at: now)
        next.partitions.formUnion(partitions)
        next.updateTimeMs = now
        do {
            try persist(next, in: &table)
            return nil
        } catch {
            logger.error("transaction of '\(metadata.transactionalID)' could not be stored: \(error)")
            return TransactionalProduceError(.notEnoughReplicas, "could not be added to its transaction; retry")
        }
    }
}
