import KafkaWire

extension PartitionLog {
    /// Writes a transaction marker (`TransactionMarker`) for `producerID` as the next batch of
    /// the log and returns its offset: it closes the producer's open transaction, and an ABORT
    /// marker that closes one adds it to the aborted transactions, on disk before this returns.
    /// All or nothing: when the marker or the aborted list cannot be written, neither is, and
    /// the producer state is as before.
    ///
    /// - Parameters:
    ///   - producerEpoch: the epoch to write; older than the producer's is refused, newer
    ///     becomes the producer's (the coordinator fences an older instance with it).
    ///   - commit: true for COMMIT, false for ABORT.
    ///   - coordinatorEpoch: the transaction coordinator's epoch, written in the marker's value.
    /// - Throws: `StorageError` `.invalidProducerEpoch` (INVALID_PRODUCER_EPOCH) for an older
    ///   producer epoch, `.transactionCoordinatorFenced` for an older coordinator epoch than the
    ///   producer's last marker, `.diskFull` or `.fileSystem` when it cannot be written.
    @discardableResult
    public func appendMarker(
        producerID: Int64,
        producerEpoch: Int16,
        commit: Bool,
        coordinatorEpoch: Int32
    ) throws -> Int64 {
        try appendMarker(
            MarkerBatch(
                commit: commit,
                coordinatorEpoch: coordinatorEpoch,
                producerID: producerID,
                producerEpoch: producerEpoch,
                timestamp: Self.currentTimeMilliseconds()
            )
        )
    }

    /// Writes an encoded marker as `appendMarker(producerID:producerEpoch:commit:coordinatorEpoch:)`
    /// does: the coordinator encodes a transaction's marker once for all its partitions.
    @discardableResult
    func appendMarker(_ encoded: MarkerBatch) throws -> Int64 {
        let (marker, batch, now) = (encoded.marker, encoded.bytes, encoded.timestamp)
        let (producerID, producerEpoch) = (encoded.producerID, encoded.producerEpoch)
        try diskSpace?.admit(bytes: batch.readableBytes)
        return try state.withLock { state in
            try state.checkOpen(topicPartition)
            try state.producers.checkMarker(marker, producerID: producerID, epoch: producerEpoch)
            var header = RecordBatchHeader.peek(batch)!
            try rollIfNeeded(&state, for: header)
            header.baseOffset = state.logEndOffset
            let before = AppendPoint(state.active)
            let syncs = configuration.flushPolicy == .everyBatch
            try state.active.append(batch, header: header, now: now, sync: syncs)
            var producers = state.producers
            let completed = producers.recordMarker(
                marker,
                producerID: producerID,
                epoch: producerEpoch,
                offset: header.baseOffset,
                timestamp: now
            )
            if let completed, completed.isAborted {
                do {
                    try saveAborted(completed, closedIn: producers, &state)
                } catch {
                    state.active.rollBack(to: before)
                    throw error
                }
            }
            // The key file must describe every batch of the segment, markers included, or the
            // cleaner cannot use it (`SegmentKeys`).
            if configuration.cleanupPolicy.compacts, let keys = try? BatchKeys(of: batch) {
                state.active.appendKeys(keys, header: header, position: before.size)
            }
            state.producers = producers
            if syncs { state.recoveryPoint = state.logEndOffset }
            return header.baseOffset
        }
    }

    /// Adds an aborted transaction to the list and writes the list's file; the list in memory
    /// changes only once the file has.
    private func saveAborted(
        _ completed: ProducerStateTable.CompletedTransaction,
        closedIn producers: ProducerStateTable,
        _ state: inout State
    ) throws {
        var aborted = state.abortedTransactions
        aborted.add(AbortedTransactions.Entry(completed, closedIn: producers))
        try aborted.write(directory: directory)
        state.abortedTransactions = aborted
    }

    /// The offset below which every transaction is decided (Kafka's LSO): the first offset of
    /// the oldest open transaction, else the log end offset, and at least the log start
    /// offset. A read_committed Fetch returns data only below it.
    public var lastStableOffset: Int64 { state.withLock { $0.lastStableOffset } }

    /// The batches a read_committed Fetch returns from `offset`: as `slice`, but only those
    /// below the last stable offset, which is returned with them. A transaction's first
    /// batch starts at a batch boundary, so no batch straddles it.
    ///
    /// - Throws: `StorageError` `.offsetOutOfRange` outside [logStartOffset, logEndOffset].
    public func stableSlice(from offset: Int64, maxBytes: Int) throws -> (slice: FileSlice, lastStableOffset: Int64) {
        try state.withLock { state in
            let stable = state.lastStableOffset
            guard let found = try state.batch(containing: offset, in: topicPartition), offset < stable else {
                return (FileSlice.empty, stable)
            }
            var limit = maxBytes
            if stable < found.segment.nextOffset, let end = try found.segment.locate(offset: stable) {
                limit = min(limit, end.position - found.position)
            }
            let slice = try found.segment.slice(from: found.position, firstBatchSize: found.size, maxBytes: limit)
            return (slice, stable)
        }
    }

    /// The aborted transactions a read_committed Fetch of the offsets [`from`, `to`) reports:
    /// those whose ABORT marker is at or after `from` and whose first batch is before `to`,
    /// in first-offset order (Kafka's `TransactionIndex.collectAbortedTxns`).
    public func abortedTransactions(from: Int64, to: Int64) -> [AbortedTransaction] {
        state.withLock { $0.abortedTransactions.overlapping(from: from, to: to) }
    }

    /// The first offset of each open transaction, by producer id.
    var openTransactions: [Int64: Int64] { state.withLock { $0.producers.openTransactions } }

    /// Forgets the aborted transactions whose marker is now below the log start: no read
    /// reaches them. Rewriting the file is best effort: entries below the log start are
    /// harmless there, and the next write of the list or the next open drops them.
    func pruneAbortedTransactions(_ state: inout State) {
        guard state.abortedTransactions.removeAll(endingBefore: state.logStartOffset) else { return }
        do {
            try state.abortedTransactions.write(directory: directory)
        } catch {
            logger.warning("\(topicPartition): could not rewrite \(AbortedTransactions.fileName): \(error)")
        }
    }
}
