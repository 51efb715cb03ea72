import KafkaWire

/// Sequence and epoch bookkeeping for idempotent producers on one partition, following
/// Kafka's rules (KIP-98): per producer id the current epoch and the last five batches, so a
/// retried batch is recognised and answered with its original offsets. It also knows each
/// producer's open transaction (see `ProducerStateTable+Transactions`).
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
        /// The largest timestamp of the producer's last batch or marker (DescribeProducers);
        /// -1 when unknown.
        var lastTimestamp: Int64 = -1
        /// The epoch of the transaction coordinator that wrote the producer's last marker; -1
        /// before any.
        var coordinatorEpoch: Int32 = -1
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

    var producers: [Int64: Producer]
    /// The first offset of each open transaction, by producer id: set by the producer's first
    /// transactional batch, removed by its marker. Every id here is in `producers` too.
    private(set) var openTransactions: [Int64: Int64]

    /// A table with these producers and open transactions (a decoded snapshot); empty by default.
    init(producers: [Int64: Producer] = [:], openTransactions: [Int64: Int64] = [:]) {
        self.producers = producers
        self.openTransactions = openTransactions
    }

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
        try checkTransactionState(of: header)
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

    /// Remembers a data batch written to the log (its base offset assigned); a transactional
    /// one opens its producer's transaction if none is open. Also used to replay the log on
    /// open, so it applies no checks. Markers go to `recordMarker`.
    mutating func record(_ header: RecordBatchHeader) {
        if header.isTransactional && !header.isControl && header.producerID >= 0 {
            beginTransactionIfNone(header)
        }
        guard Self.tracks(header) else { return }
        let batch = BatchRecord(
            firstSequence: header.baseSequence,
            lastSequence: Self.lastSequence(of: header),
            baseOffset: header.baseOffset,
            lastOffset: header.lastOffset
        )
        var producer = producers[header.producerID] ?? Producer(epoch: header.producerEpoch, recentBatches: [])
        if header.producerEpoch != producer.epoch {
            // A new epoch forgets the old one's batches; the coordinator epoch stays, as Kafka's does.
            producer.epoch = header.producerEpoch
            producer.recentBatches = []
        }
        producer.recentBatches.append(batch)
        producer.lastTimestamp = header.maxTimestamp
        if producer.recentBatches.count > Self.retainedBatches {
            producer.recentBatches.removeFirst(producer.recentBatches.count - Self.retainedBatches)
        }
        producers[header.producerID] = producer
    }

    /// Opens the producer's transaction at the batch's base offset unless one is open. The
    /// producer gets an entry even for a batch without a sequence, so the snapshot, which is
    /// written per producer, carries every open transaction.
    private mutating func beginTransactionIfNone(_ header: RecordBatchHeader) {
        guard openTransactions[header.producerID] == nil else { return }
        openTransactions[header.producerID] = header.baseOffset
        if producers[header.producerID] == nil {
            producers[header.producerID] = Producer(epoch: header.producerEpoch, recentBatches: [])
        }
    }

    /// Remembers a transaction marker written at `offset` by the producer at `epoch` (the
    /// caller checked it with `checkMarker`, or replays the log): it closes the producer's
    /// open transaction, if any, and returns it. A newer epoch becomes the producer's (the
    /// coordinator bumped it to fence an older instance) and forgets the older one's batches;
    /// a marker of a producer the table did not know starts its state, as in Kafka.
    mutating func recordMarker(
        _ marker: TransactionMarker,
        producerID: Int64,
        epoch: Int16,
        offset: Int64,
        timestamp: Int64
    ) -> CompletedTransaction? {
        var producer = producers[producerID] ?? Producer(epoch: epoch, recentBatches: [])
        if epoch != producer.epoch {
            producer.epoch = epoch
            producer.recentBatches = []
        }
        producer.coordinatorEpoch = marker.coordinatorEpoch
        producer.lastTimestamp = timestamp
        producers[producerID] = producer
        // A marker without an open transaction (a retried or empty one) changes nothing else:
        // there is nothing for a reader to skip.
        guard let first = openTransactions.removeValue(forKey: producerID) else { return nil }
        return CompletedTransaction(
            producerID: producerID,
            firstOffset: first,
            lastOffset: offset,
            isAborted: marker.kind == .abort
        )
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
