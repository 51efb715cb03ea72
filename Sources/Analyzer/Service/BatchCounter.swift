import KafkaWire

/// Counts the records of fetched batches into the state: orders, duplicates and malformed
/// records (copied to the dead-letter topic), and what cannot be read at all.
///
/// A batch that cannot be read (see `MalformedReason.unreadableBatch` and `.batchTooLarge`)
/// never stops the analysis: the records it spans that were not read are counted under the
/// reason, the batch is copied to the dead-letter topic, and the partition's position moves
/// past it, so the next checkpoint does not lead back to it.
struct BatchCounter {
    /// What was skipped of a batch, for the log.
    struct Skipped {
        var reason: MalformedReason
        var firstOffset: Int64
        var lastOffset: Int64
        var detail: String
        var records: Int64 { lastOffset - firstOffset + 1 }
    }

    var decoder = OrderDecoder()
    var deadLetters: DeadLetterQueue

    init(deadLetterTopic: String) {
        deadLetters = DeadLetterQueue(topic: deadLetterTopic)
    }

    /// Counts `batch` into `state` and moves its partition's position past it; each order
    /// counted (not a duplicate) is noted in `latency`.
    ///
    /// - Returns: the part of the batch that could not be read, if any.
    mutating func count(
        _ batch: FetchedBatch,
        into state: inout AnalyticsState,
        latency: inout LatencyTracker
    ) -> Skipped? {
        let partition = batch.partition
        var progress = state.partitions[partition] ?? PartitionProgress(nextOffset: batch.firstOffset)
        let source = "\(batch.topic)/\(partition)/"
        // The first offset not read yet: where an unreadable rest of the batch starts.
        var unread = max(batch.firstOffset, batch.header.baseOffset)
        var failure = batch.readError
        if failure == nil {
            do {
                try batch.forEachRecord { record in
                    switch decoder.decode(record.value) {
                    case .success(let order):
                        if state.apply(order, partitionMax: &progress.maxEventMicros) != .duplicate {
                            latency.noteCounted(eventTimeMicros: order.eventTimeMicros)
                        }
                    case .failure(let malformed):
                        state.countMalformed(malformed.reason)
                        deadLetters.add(record, reason: malformed.reason, source: source + String(record.offset))
                    }
                    unread = record.offset + 1
                }
            } catch {
                // The batch passed its CRC but its records do not parse: a producer bug.
                failure = error
            }
        }
        progress.nextOffset = max(progress.nextOffset, batch.nextOffset)
        state.partitions[partition] = progress
        guard let failure, unread <= batch.header.lastOffset else { return nil }
        let skipped = Skipped(
            reason: Self.reason(for: failure),
            firstOffset: unread,
            lastOffset: batch.header.lastOffset,
            detail: "\(failure)"
        )
        state.countUnreadable(skipped.reason, records: skipped.records)
        deadLetters.add(unreadable: batch, from: unread, reason: skipped.reason, detail: skipped.detail)
        return skipped
    }

    private static func reason(for error: any Error) -> MalformedReason {
        if let error = error as? CompressionError, error.code == .outputLimitExceeded { return .batchTooLarge }
        return .unreadableBatch
    }
}
