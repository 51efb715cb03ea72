/// The outcome of one batch in one attempt.
enum BatchOutcome: Sendable {
    /// Written; the broker's base offset when it sent one.
    case delivered(baseOffset: Int64?)
    /// Try again after backoff; `refreshMetadata` for leader/topic errors, `bumpEpoch` when the
    /// broker lost track of this producer's sequences.
    case retry(KafkaClientError, refreshMetadata: Bool, bumpEpoch: Bool)
    /// Will not be delivered.
    case failed(KafkaClientError)
}

extension RecordAccumulator {
    /// Applies a batch's outcome. Returns the delivery report (nil when the batch goes back for
    /// a retry) and the waiters to resume outside the lock.
    mutating func finish(
        _ batch: ProducerBatch,
        outcome: BatchOutcome,
        now: ContinuousClock.Instant
    ) -> (report: ProducerDeliveryReport?, resume: [CheckedContinuation<Void, Never>]) {
        let key = KafkaTopicPartition(topic: batch.topic, partition: batch.partition)
        queues[key]?.inFlight = false
        var report = ProducerDeliveryReport(
            topic: batch.topic,
            partition: batch.partition,
            baseOffset: nil,
            recordCount: Int(batch.recordCount)
        )
        switch outcome {
        case .delivered(let baseOffset):
            report.baseOffset = baseOffset
            statistics.recordsDelivered += Int(batch.recordCount)
        case .retry(let error, let refreshMetadata, let bumpEpoch):
            if let requeued = requeue(
                batch,
                error: error,
                now: now,
                refreshMetadata: refreshMetadata,
                bumpEpoch: bumpEpoch
            ) {
                report.error = requeued
                recordFailure(batch, requeued)
            } else {
                return (nil, [])
            }
        case .failed(let error):
            report.error = error
            recordFailure(batch, error)
        }
        // The queue stays even when empty: it holds the partition's next sequence number.
        statistics.bufferedBytes -= batch.byteCount
        return (report, takeResumableWaiters())
    }

    /// Puts a batch back at the front of its queue, or returns the error that ends it when its
    /// retries or delivery time are used up.
    private mutating func requeue(
        _ batch: ProducerBatch,
        error: KafkaClientError,
        now: ContinuousClock.Instant,
        refreshMetadata: Bool,
        bumpEpoch: Bool
    ) -> KafkaClientError? {
        var batch = batch
        batch.attempts += 1
        if givingUp || batch.attempts > configuration.retries || now - batch.createdAt > configuration.deliveryTimeout {
            return KafkaClientError(
                .deliveryFailed,
                kafkaErrorCode: error.kafkaErrorCode,
                """
                \(batch.recordCount) records for \(batch.topic)-\(batch.partition) not delivered after \
                \(batch.attempts) attempts: \(error.message)
                """
            )
        }
        batch.retryAt = now + configuration.retryBackoff.delay(forAttempt: batch.attempts)
        if refreshMetadata { staleTopics.insert(batch.topic) }
        if bumpEpoch, batch.producerID == producerID, batch.producerEpoch == producerEpoch { needsEpochBump = true }
        queues[KafkaTopicPartition(topic: batch.topic, partition: batch.partition), default: PartitionQueue()].ready
            .insert(batch, at: 0)
        return nil
    }

    /// Counts a failed batch. An idempotent producer then moves to a new epoch (KIP-360): the
    /// broker may or may not have the batch's sequence numbers, and a new epoch restarts them.
    private mutating func recordFailure(_ batch: ProducerBatch, _ error: KafkaClientError) {
        statistics.recordsFailed += Int(batch.recordCount)
        unreportedFailedRecords += Int(batch.recordCount)
        if unreportedErrors.count < 10 { unreportedErrors.append(error) }
        if configuration.idempotence, batch.producerID == producerID, batch.producerEpoch == producerEpoch,
            producerID >= 0
        {
            needsEpochBump = true
        }
    }

    /// Fails every queued batch, e.g. when no producer id can be obtained.
    mutating func failAll(
        _ error: KafkaClientError
    ) -> (reports: [ProducerDeliveryReport], resume: [CheckedContinuation<Void, Never>]) {
        var reports: [ProducerDeliveryReport] = []
        for key in Array(queues.keys) {
            var queue = queues[key]!
            queue.closeOpenBatch()
            for batch in queue.ready {
                recordFailure(batch, error)
                statistics.bufferedBytes -= batch.byteCount
                reports.append(
                    ProducerDeliveryReport(
                        topic: batch.topic,
                        partition: batch.partition,
                        baseOffset: nil,
                        recordCount: Int(batch.recordCount),
                        error: error
                    )
                )
            }
            queue.ready.removeAll()
            queues[key] = queue
        }
        return (reports, takeResumableWaiters())
    }

    /// Back-pressure waiters once bytes fell below the limit; flush waiters whose records are done.
    mutating func takeResumableWaiters() -> [CheckedContinuation<Void, Never>] {
        var resume: [CheckedContinuation<Void, Never>] = []
        if statistics.bufferedBytes < configuration.maxInFlightBytes || fatalError != nil {
            resume = spaceWaiters
            spaceWaiters.removeAll()
        }
        let done = completedRecords
        flushWaiters.removeAll { waiter in
            guard waiter.target <= done || fatalError != nil else { return false }
            resume.append(waiter.continuation)
            return true
        }
        return resume
    }

    /// The errors since the last call, as one error for `flush` to throw.
    mutating func takeFlushError() -> KafkaClientError? {
        guard let first = unreportedErrors.first else { return nil }
        let count = unreportedFailedRecords
        unreportedErrors.removeAll()
        unreportedFailedRecords = 0
        var error = first
        error.message = "\(count) records failed since the last flush; first error: \(first.message)"
        return error
    }
}
