import NIOCore

/// The batches of one partition waiting to be sent, and its idempotence sequence.
///
/// At most one batch per partition is in flight: a retried batch then always goes out before
/// the next one, which keeps sequence numbers in order without the broker having to reject
/// and the producer to reorder (Kafka allows up to 5; one per partition is the simple subset).
struct PartitionQueue: Sendable {
    /// The batch records are appended to.
    var open: ProducerBatch?
    /// Closed batches, oldest first (a retried batch goes back to the front).
    var ready: [ProducerBatch] = []
    /// Whether a batch of this partition is in a Produce request now.
    var inFlight = false
    /// Sequence number of the next record (idempotence; per producer id and epoch).
    var nextSequence: Int32 = 0

    var isEmpty: Bool { open == nil && ready.isEmpty && !inFlight }

    /// Appends a record, first closing the open batch if the record would overflow it.
    /// Returns the bytes taken and whether a batch was opened or closed (the sender should look).
    mutating func append(
        to partition: KafkaTopicPartition,
        timestamp: Int64,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader],
        batchSize: Int,
        allocator: ByteBufferAllocator,
        now: ContinuousClock.Instant
    ) -> (bytes: Int, batchOpened: Bool, batchClosed: Bool) {
        var closed = false
        let limit = batchSize - RecordBatchHeader.size
        // Read the open batch's fields one by one: binding the whole batch to a constant
        // would copy it (and retain its buffer) for every record.
        if let recordCount = open?.recordCount, recordCount > 0, let baseTimestamp = open?.baseTimestamp,
            let byteCount = open?.byteCount
        {
            let size = ProducerBatch.encodedSize(
                timestampDelta: timestamp - baseTimestamp,
                offsetDelta: recordCount,
                keyCount: key?.count,
                valueCount: value?.count,
                headers: headers
            )
            if byteCount + size > limit {
                closeOpenBatch()
                closed = true
            }
        }
        let opened = open == nil
        if opened {
            open = ProducerBatch(
                topic: partition.topic,
                partition: partition.partition,
                capacity: min(batchSize, 64 * 1024),
                allocator: allocator,
                now: now
            )
        }
        let bytes = open!.append(timestamp: timestamp, key: key, value: value, headers: headers)
        if open!.byteCount >= limit {
            closeOpenBatch()
            closed = true
        }
        return (bytes, opened, closed)
    }

    mutating func closeOpenBatch() {
        guard let batch = open else { return }
        open = nil
        if batch.recordCount > 0 { ready.append(batch) }
    }

    /// Moves the sequence on by `count` records; Kafka wraps sequences from Int32.max to 0.
    mutating func takeSequence(count: Int32) -> Int32 {
        let sequence = nextSequence
        nextSequence = Int32((Int64(sequence) + Int64(count)) % (Int64(Int32.max) + 1))
        return sequence
    }
}
