/// A transaction as its coordinator describes it (DescribeTransactions, KIP-664): who
/// produces in it, its state and timeout, when it began and the partitions it wrote to.
public struct TransactionDescription: Sendable, Equatable {
    /// The states in which a transaction is open: it began and is not complete yet. Its
    /// records stay invisible to read_committed consumers until it completes, and the
    /// coordinator aborts it once it runs longer than its timeout.
    public static let openStates: Set<String> = ["Ongoing", "PrepareCommit", "PrepareAbort", "PrepareEpochFence"]

    /// The producer's `transactional.id`.
    public var transactionalID: String
    /// `Empty`, `Ongoing`, `PrepareCommit`, `PrepareAbort`, `CompleteCommit`, `CompleteAbort`,
    /// `PrepareEpochFence` or `Dead`, as the coordinator names it.
    public var state: String
    public var producerID: Int64
    public var producerEpoch: Int16
    /// How long the transaction may stay open before the coordinator aborts it.
    public var timeoutMs: Int32
    /// When the current or last transaction began, milliseconds since the epoch; -1 when none did.
    public var startTimeMs: Int64
    /// The partitions the open transaction wrote to, in topic and partition order.
    public var partitions: [KafkaTopicPartition]

    /// A description from its parts.
    public init(
        transactionalID: String,
        state: String,
        producerID: Int64,
        producerEpoch: Int16,
        timeoutMs: Int32,
        startTimeMs: Int64,
        partitions: [KafkaTopicPartition]
    ) {
        self.transactionalID = transactionalID
        self.state = state
        self.producerID = producerID
        self.producerEpoch = producerEpoch
        self.timeoutMs = timeoutMs
        self.startTimeMs = startTimeMs
        self.partitions = partitions
    }

    /// Whether a transaction is open (see `openStates`).
    public var isOpen: Bool { Self.openStates.contains(state) }

    /// How long the open transaction has run at `nowMs`; nil when none is open or its start
    /// is unknown (a completed transaction's start says nothing about now).
    public func ageMs(nowMs: Int64) -> Int64? {
        guard isOpen, startTimeMs >= 0 else { return nil }
        return max(0, nowMs - startTimeMs)
    }

    /// Listing order: open transactions first, the oldest first (the one hanging is what an
    /// operator looks for), then the others by id.
    public static func listedBefore(_ lhs: TransactionDescription, _ rhs: TransactionDescription) -> Bool {
        if lhs.isOpen != rhs.isOpen { return lhs.isOpen }
        if lhs.isOpen && lhs.startTimeMs != rhs.startTimeMs { return lhs.startTimeMs < rhs.startTimeMs }
        return lhs.transactionalID < rhs.transactionalID
    }
}
