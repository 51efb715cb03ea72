import KafkaWire

/// A transaction as the console lists it: its producer, state, timeout, start and the
/// partitions it wrote to, so a class can watch one hang until the coordinator aborts it.
public struct ConsoleTransaction: Sendable, Equatable {
    /// The producer's `transactional.id`.
    public var transactionalID: String
    /// `Ongoing`, `CompleteCommit`, ... as the coordinator names it.
    public var state: String
    public var producerID: Int64
    public var producerEpoch: Int16
    /// How long it may stay open before the coordinator aborts it.
    public var timeoutMs: Int32
    /// When the current or last transaction began, milliseconds since the epoch; -1 when none did.
    public var startTimeMs: Int64
    /// In topic and partition order.
    public var partitions: [KafkaTopicPartition]

    /// A transaction from its parts.
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

    /// The console's view of a coordinator's description.
    public init(_ description: TransactionDescription) {
        self.init(
            transactionalID: description.transactionalID,
            state: description.state,
            producerID: description.producerID,
            producerEpoch: description.producerEpoch,
            timeoutMs: description.timeoutMs,
            startTimeMs: description.startTimeMs,
            partitions: description.partitions
        )
    }

    /// Whether it is open: begun and not complete (`TransactionDescription.openStates`).
    public var isOpen: Bool { description.isOpen }

    /// How long the open transaction has run at `nowMs`; nil when none is open.
    public func ageMs(nowMs: Int64) -> Int64? { description.ageMs(nowMs: nowMs) }

    /// Listing order: open ones first, the oldest first, then the others by id.
    public static func listedBefore(_ lhs: ConsoleTransaction, _ rhs: ConsoleTransaction) -> Bool {
        TransactionDescription.listedBefore(lhs.description, rhs.description)
    }

    /// The same transaction as KafkaWire describes it, whose rules these follow.
    private var description: TransactionDescription {
        TransactionDescription(
            transactionalID: transactionalID,
            state: state,
            producerID: producerID,
            producerEpoch: producerEpoch,
            timeoutMs: timeoutMs,
            startTimeMs: startTimeMs,
            partitions: partitions
        )
    }
}
