import KafkaWire

/// Transactions in the producer state, following Kafka's `ProducerAppendInfo`: a producer's
/// first transactional batch opens its transaction at that batch's base offset, its marker
/// (`TransactionMarker`) closes it. The oldest open transaction holds back the last stable
/// offset; an aborted one becomes an `AbortedTransaction` of the partition.
extension ProducerStateTable {
    /// A transaction a marker closed: its producer, the offsets of its first batch and of the
    /// marker, and whether it was aborted.
    struct CompletedTransaction: Equatable {
        /// The producer whose transaction it was.
        var producerID: Int64
        /// Offset of its first batch.
        var firstOffset: Int64
        /// Offset of the marker.
        var lastOffset: Int64
        /// Whether the marker was an ABORT.
        var isAborted: Bool
    }

    /// The first offset of the oldest open transaction; nil when none is open.
    var firstOpenTransactionOffset: Int64? { openTransactions.values.min() }

    /// Refuses a non-transactional data batch of a producer whose transaction is open, as
    /// Kafka does (INVALID_TXN_STATE): its records would land inside the transaction and be
    /// skipped or not with it.
    func checkTransactionState(of header: RecordBatchHeader) throws(StorageError) {
        guard !header.isTransactional, let first = openTransactions[header.producerID] else { return }
        throw StorageError(
            .invalidTxnState,
            "producer \(header.producerID) wrote a non-transactional batch inside its transaction open since \(first)"
        )
    }

    /// Checks a marker before it is written: a producer epoch older than the producer's is a
    /// fenced instance's (INVALID_PRODUCER_EPOCH), a coordinator epoch older than the one of the
    /// producer's last marker a zombie coordinator's (TRANSACTION_COORDINATOR_FENCED). The same
    /// or a newer epoch is accepted: Kafka's coordinator writes markers with the producer's
    /// epoch, or a bumped one when it aborts on behalf of a fenced or timed-out producer.
    func checkMarker(_ marker: TransactionMarker, producerID: Int64, epoch: Int16) throws(StorageError) {
        guard let producer = producers[producerID] else { return }
        if epoch < producer.epoch {
            throw StorageError(
                .invalidProducerEpoch,
                "marker of producer \(producerID) has epoch \(epoch), older than \(producer.epoch)"
            )
        }
        if marker.coordinatorEpoch < producer.coordinatorEpoch {
            throw StorageError(
                .transactionCoordinatorFenced,
                """
                marker of producer \(producerID) has coordinator epoch \(marker.coordinatorEpoch), older than \
                \(producer.coordinatorEpoch)
                """
            )
        }
    }
}
