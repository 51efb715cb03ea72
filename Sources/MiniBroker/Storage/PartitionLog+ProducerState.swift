import KafkaWire
import Logging

extension PartitionLog {
    /// The producer state and the aborted transactions of a log being opened.
    ///
    /// The producer state is the checkpoint's snapshot when it is usable, plus the batches and
    /// markers after it; else a replay of the whole log. The aborted transactions are the
    /// partition's file without the entries whose marker recovery cut off, plus those of the
    /// ABORT markers the replay meets, each once. That is complete: a marker's entry reaches
    /// the file before the marker's append returns, so before any snapshot taken after it;
    /// the replay re-reads every marker past the snapshot, where a crash may have left one
    /// whose entry was never written. A damaged file is rebuilt from the whole log. The file
    /// is rewritten when the list differs from it.
    static func loadProducerState(
        _ segments: [LogSegment],
        checkpoint: PartitionCheckpoint?,
        directory: String,
        logStartOffset: Int64,
        topicPartition: KafkaTopicPartition,
        logger: Logger
    ) throws -> (ProducerStateTable, AbortedTransactions) {
        let logEnd = segments[segments.count - 1].nextOffset
        let stored = AbortedTransactions.read(directory: directory)
        var aborted = AbortedTransactions()
        if case .found(let list) = stored { aborted = list }
        if stored == .damaged {
            logger.warning("\(topicPartition): \(AbortedTransactions.fileName) is damaged; rebuilding it from the log")
        }
        _ = aborted.removeAll(endingAtOrAfter: logEnd)
        var table = ProducerStateTable()
        var from = segments[0].baseOffset
        // A snapshot beyond the log end describes batches recovery cut off: not usable. Nor is
        // one when the aborted list must be rebuilt: only a replay of the whole log finds
        // the markers before it.
        if stored != .damaged, let checkpoint, checkpoint.producerSnapshotOffset <= logEnd,
            let snapshot = ProducerStateTable(decoding: checkpoint.producerSnapshot)
        {
            table = snapshot
            from = max(from, checkpoint.producerSnapshotOffset)
        }
        try replay(segments, from: from, into: &table, aborted: &aborted)
        _ = aborted.removeAll(endingBefore: logStartOffset)
        if !stored.matches(aborted) { try aborted.write(directory: directory) }
        return (table, aborted)
    }

    /// Applies every batch from `offset` on to the producer state, and adds the transactions
    /// their ABORT markers close to `aborted`.
    private static func replay(
        _ segments: [LogSegment],
        from offset: Int64,
        into table: inout ProducerStateTable,
        aborted: inout AbortedTransactions
    ) throws {
        for segment in segments where segment.nextOffset > offset {
            try segment.forEachHeader(from: offset) { header, position in
                guard header.isControl else { return table.record(header) }
                // A marker's type and coordinator epoch are in its record: read the batch,
                // a few dozen bytes.
                let batch = try segment.log.read(at: position, count: header.totalSize)
                guard let marker = TransactionMarker(controlBatch: batch) else { return }
                let completed = table.recordMarker(
                    marker,
                    producerID: header.producerID,
                    epoch: header.producerEpoch,
                    offset: header.baseOffset,
                    timestamp: header.maxTimestamp
                )
                if let completed, completed.isAborted {
                    aborted.add(AbortedTransactions.Entry(completed, closedIn: table))
                }
            }
        }
    }
}
