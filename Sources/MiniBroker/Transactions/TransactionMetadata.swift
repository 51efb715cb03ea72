import KafkaWire

/// What the coordinator knows of one transactional id: the producer that owns it, the
/// transaction in progress and what it touched. Kept in the metadata store
/// (`MetadataStore+Transactions`), written before any reply that depends on it.
public struct TransactionMetadata: Sendable, Equatable {
    /// The producer's `transactional.id`.
    public var transactionalID: String
    /// The producer id the id maps to; it changes only when the epoch is exhausted.
    public var producerID: Int64
    /// The epoch of the producer instance that owns the id; older instances are fenced.
    public var producerEpoch: Int16
    /// The epoch before the last bump, -1 when none: a producer retrying an InitProducerId
    /// whose answer it lost presents it and gets the current epoch again (KIP-360).
    public var lastProducerEpoch: Int16
    /// The producer id before the last change of producer id (its epochs used up), -1 when
    /// none: a producer retrying the EndTxn (v5) that changed it presents it (KIP-890).
    public var previousProducerID: Int64
    /// The producer's `transaction.timeout.ms`: an ongoing transaction older than this is aborted.
    public var timeoutMs: Int32
    /// Where the current or last transaction stands.
    public var state: TransactionState
    /// The partitions the current transaction wrote to (AddPartitionsToTxn).
    public var partitions: Set<KafkaTopicPartition>
    /// The consumer groups whose offsets the current transaction commits (AddOffsetsToTxn).
    public var groups: Set<String>
    /// When the current transaction started (ms since the epoch), -1 when none is open.
    public var startTimeMs: Int64
    /// When the state last changed (ms since the epoch).
    public var updateTimeMs: Int64

    /// A transactional id's metadata; a new one is `empty` with no transaction.
    public init(
        transactionalID: String,
        producerID: Int64,
        producerEpoch: Int16,
        lastProducerEpoch: Int16 = -1,
        previousProducerID: Int64 = -1,
        timeoutMs: Int32,
        state: TransactionState = .empty,
        partitions: Set<KafkaTopicPartition> = [],
        groups: Set<String> = [],
        startTimeMs: Int64 = -1,
        updateTimeMs: Int64
    ) {
        self.transactionalID = transactionalID
        self.producerID = producerID
        self.producerEpoch = producerEpoch
        self.lastProducerEpoch = lastProducerEpoch
        self.previousProducerID = previousProducerID
        self.timeoutMs = timeoutMs
        self.state = state
        self.partitions = partitions
        self.groups = groups
        self.startTimeMs = startTimeMs
        self.updateTimeMs = updateTimeMs
    }

    /// Gives the id the producer id `newID` at epoch 0, when the epochs of the one it had are
    /// used up; the old one stays known as the previous producer id.
    mutating func changeProducerID(to newID: Int64) {
        previousProducerID = producerID
        producerID = newID
        producerEpoch = 0
        lastProducerEpoch = -1
    }

    /// Opens a transaction at `now`, touching nothing yet, unless one is ongoing.
    mutating func beginUnlessOngoing(at now: Int64) {
        guard state != .ongoing else { return }
        state = .ongoing
        partitions = []
        groups = []
        startTimeMs = now
    }

    /// Whether the transaction is ongoing and older than its timeout at `now`.
    func hasExpired(at now: Int64) -> Bool {
        state == .ongoing && startTimeMs >= 0 && now - startTimeMs > Int64(timeoutMs)
    }

    /// Kafka keeps epochs below Int16.max - 1: past that, the id gets a new producer id.
    var isEpochExhausted: Bool { producerEpoch >= Int16.max - 1 }

    /// This metadata with the transaction's outcome decided: `prepareCommit` or `prepareAbort`.
    func preparing(commit: Bool, at now: Int64) -> TransactionMetadata {
        var next = self
        next.state = commit ? .prepareCommit : .prepareAbort
        next.updateTimeMs = now
        return next
    }

    /// This metadata with the transaction's outcome decided and the epoch bumped, as EndTxn v5
    /// (KIP-890's second protocol) ends every transaction: the markers carry the new epoch,
    /// which the producer is given for its next transaction. Ending with no transaction open
    /// (an abort) is a transaction of no partitions that starts now.
    func preparingWithBump(commit: Bool, at now: Int64) -> TransactionMetadata {
        var next = preparing(commit: commit, at: now)
        next.lastProducerEpoch = producerEpoch
        next.producerEpoch = producerEpoch + 1
        if state != .ongoing { next.startTimeMs = now }
        return next
    }

    /// Whether completing this decided transaction changes the producer id: its bump took
    /// the last epoch there is.
    var completionChangesProducerID: Bool { state.isPreparing && producerEpoch == Int16.max }

    /// This metadata once every marker of the transaction is written: nothing open.
    func completed(at now: Int64) -> TransactionMetadata {
        var next = self
        next.state = state == .prepareCommit ? .completeCommit : .completeAbort
        next.partitions = []
        next.groups = []
        next.startTimeMs = -1
        next.updateTimeMs = now
        return next
    }
}
