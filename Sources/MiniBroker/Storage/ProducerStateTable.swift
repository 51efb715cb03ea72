import KafkaWire

/// Sequence and epoch bookkeeping for idempotent producers on one partition, following
/// Kafka's rules (KIP-98): per producer id the current epoch and the last five batches, so a
/// retried batch is recognised and answered with its original offsets.
struct ProducerStateTable: Equatable {
    /// What the table remembers of one appended batch.
    struct BatchRecord: Equatable {
        var firstSequence: Int32
        var lastSequence: Int32
        var baseOffset: Int64
        var lastOffset: Int64
    }

    /// State of one producer id.
    struct Producer: Equatable {
        var epoch: Int16
        /// Oldest first, at most `retainedBatches`.
        var recentBatches: [BatchRecord]
        /// The largest timestamp of the producer's last batch (DescribeProducers); -1 when
        /// unknown.
        var lastTimestamp: Int64 = -1
    }

    /// What to do with an incoming batch.
    enum Verdict: Equatable {
        case append
        /// Already in the log: answer with these offsets and write nothing.
        case duplicate(BatchRecord)
    }

    /// Kafka keeps five: a producer has at most five batches in flight per partition
    /// (`max.in.flight.requests.per.connection` <= 5 with idempotence).
    static let retainedBatches = 5

    var producers: [Int64: Producer] = [:]

    /// Whether a batch takes part in idempotence: it has a producer id and a sequence.
    /// Control batches (transaction markers) carry no data sequence.
    static func tracks(_ header: RecordBatchHeader) -> Bool {
        header.producerID >= 0 && header.baseSequence >= 0 && !header.isControl
    }

    /// Checks an incoming batch against the producer's state.
    func verdict(for header: RecordBatchHeader) throws(StorageError) -> Verdict {
        guard Self.tracks(header), let producer = producers[header.producerID] else {
            // An unknown producer id is accepted whatever its sequence: since Kafka 2.x
            // (KIP-360) the broker may have lost the state to retention, and refusing would
            // wedge the producer. The batch starts its state.
            return .append
        }
        let first = header.baseSequence
        let last = Self.lastSequence(of: header)
        if header.producerEpoch < producer.epoch {
            throw StorageError(
                .invalidProducerEpoch,
                "producer \(header.producerID) epoch \(header.producerEpoch) is older than \(producer.epoch)"
            )
        }
        if header.producerEpoch > producer.epoch {
            guard first == 0 else {
                throw StorageError(
                    .outOfOrderSequenceNumber,
                    "producer \(header.producerID) new epoch \(header.producerEpoch) starts at sequence \(first), not 0"
                )
            }
            return .append
        }
        if let original = producer.recentBatches.first(where: { $0.firstSequence == first && $0.lastSequence == last })
        {
            return .duplicate(original)
        }
        guard let previous = producer.recentBatches.last else { return .append }
        guard Self.isNext(first, after: previous.lastSequence) else {
            throw StorageError(
                .outOfOrderSequenceNumber,
                """
                producer \(header.producerID) sent sequence \(first), expected \
                \(Self.next(after: previous.lastSequence))
                """
            )
        }
        return .append
    }

    /// Remembers a batch written to the log (its base offset assigned). Also used to replay
    /// the log on open, so it applies no checks.
    mutating func record(_ header: RecordBatchHeader) {
        guard Self.tracks(header) else { return }
        let batch = BatchRecord(
            firstSequence: header.baseSequence,
            lastSequence: Self.lastSequence(of: header),
            baseOffset: header.baseOffset,
            lastOffset: header.lastOffset
        )
        var producer = producers[header.producerID] ?? Producer(epoch: header.producerEpoch, recentBatches: [])
        if header.producerEpoch != producer.epoch {
            producer = Producer(epoch: header.producerEpoch, recentBatches: [])
        }
        producer.recentBatches.append(batch)
        producer.lastTimestamp = header.maxTimestamp
        if producer.recentBatches.count > Self.retainedBatches {
            producer.recentBatches.removeFirst(producer.recentBatches.count - Self.retainedBatches)
        }
        producers[header.producerID] = producer
    }

    /// Sequence of the batch's last record. Kafka's sequences wrap from Int32.max to 0.
    static func lastSequence(of header: RecordBatchHeader) -> Int32 {
        let last = Int64(header.baseSequence) + Int64(header.lastOffsetDelta)
        return Int32(last > Int64(Int32.max) ? last - Int64(Int32.max) - 1 : last)
    }

    static func next(after sequence: Int32) -> Int32 {
        sequence == Int32.max ? 0 : sequence + 1
    }

    static func isNext(_ sequence: Int32, after previous: Int32) -> Bool {
        sequence == next(after: previous)
    }
}
