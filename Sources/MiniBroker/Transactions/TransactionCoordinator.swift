import KafkaWire
import Logging
import Synchronization

/// Kafka's transaction coordinator for the one broker there is: it maps transactional ids to
/// producer ids and epochs, tracks each transaction's partitions and groups, and ends a
/// transaction by writing a COMMIT or ABORT marker to every partition it touched.
///
/// Durability: every state change is written to the metadata store before the request that
/// caused it is answered. Ending a transaction persists the decision (`prepareCommit` /
/// `prepareAbort`) first, then writes the markers, then persists `completeCommit` /
/// `completeAbort` together with the transaction's consumer offsets; a transaction without
/// offsets stores its completion later (`TransactionTable` says why). After a crash, `recover`
/// writes the markers of every decided transaction again (a second marker for a transaction a
/// partition already closed changes nothing), and an ongoing transaction is aborted when its
/// timeout passes, so every transaction ends committed everywhere or aborted everywhere.
///
/// Concurrency: decisions are made under one lock; markers are written outside it while the
/// transaction is in a prepare state, in which every other request for the id gets
/// CONCURRENT_TRANSACTIONS. A transactional Produce checks and appends under the lock
/// (`appendIfInTransaction`), so no data lands after a partition's marker.
final class TransactionCoordinator: Sendable {
    /// Kafka's `transaction.max.timeout.ms` default: longer transaction timeouts are refused.
    static let maxTimeoutMs: Int32 = 900_000
    /// Kafka's `transactional.id.expiration.ms` default: an id with no transaction open that
    /// has not changed for this long is forgotten (Flink's exactly-once Kafka sink, for one,
    /// uses a new transactional id for every checkpoint).
    static let idExpirationMs: Int64 = 7 * 24 * 3_600_000
    /// How often ids are looked at for expiry (Kafka's
    /// `transactions.remove.expired.transaction.cleanup.interval.ms` default): a week's
    /// expiry needs no per-second pass over every id.
    static let idExpiryCheckIntervalMs: Int64 = 3_600_000
    /// The epoch this coordinator writes in its markers. Kafka uses the epoch of the
    /// transaction log partition's leader; this broker is its only leader, at epoch 0.
    static let coordinatorEpoch: Int32 = 0

    let store: MetadataStore
    let topics: TopicRegistry
    let logger: Logger
    /// Wakes fetches waiting for data: a marker moves the last stable offset.
    let onMarkersWritten: @Sendable () -> Void
    let clock: @Sendable () -> Int64
    let transactions: Mutex<TransactionTable>
    /// The transactional ids whose markers a request or task is writing now: one writer per
    /// decided transaction, or each partition would get its marker twice.
    let completing = Mutex<Set<String>>([])
    /// When the periodic task last looked for expired ids; nil before the first time.
    let lastExpiryCheckMs = Mutex<Int64?>(nil)

    /// Loads the stored transactional ids; call `recover()` before serving.
    init(
        store: MetadataStore,
        topics: TopicRegistry,
        logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { PartitionLog.currentTimeMilliseconds() },
        onMarkersWritten: @escaping @Sendable () -> Void = {}
    ) throws {
        self.store = store
        self.topics = topics
        self.logger = logger
        self.clock = clock
        self.onMarkersWritten = onMarkersWritten
        let stored = try store.transactions()
        self.transactions = Mutex(TransactionTable(stored))
        let dropped = store.transactionLogDroppedBytes
        if dropped > 0 {
            // A record cut short by a crash was never acknowledged (a request is answered
            // once its record is whole); damage inside the file also loses what follows it.
            logger.warning(
                "the transaction state log ended in \(dropped) bytes that are not a whole record; they were dropped"
            )
        }
    }

    /// A copy of every transactional id's metadata (DescribeTransactions, ListTransactions,
    /// the console).
    var snapshot: [TransactionMetadata] {
        transactions.withLock { Array($0.values) }.sorted { $0.transactionalID < $1.transactionalID }
    }

    /// The metadata of one transactional id, nil when the coordinator does not know it.
    func metadata(of transactionalID: String) -> TransactionMetadata? {
        transactions.withLock { $0[transactionalID] }
    }

    /// Stores `metadata` and then makes it the id's state in memory; nothing changes when
    /// storing fails. Call it under the lock, with the table the lock guards.
    func persist(_ metadata: TransactionMetadata, in table: inout TransactionTable) throws {
        try store.saveTransaction(metadata)
        table.didStore(metadata)
    }

    /// Checks a request of a transaction's producer against the id's metadata: the id must
    /// map to `producerID`, the epoch must be the current one, and no decided transaction may
    /// be completing.
    ///
    /// - Parameter fenced: the error for an old epoch, PRODUCER_FENCED or, for request
    ///   versions older than that error, INVALID_PRODUCER_EPOCH.
    func check(
        _ metadata: TransactionMetadata?,
        producerID: Int64,
        producerEpoch: Int16,
        fenced: KafkaErrorCode
    ) -> KafkaErrorCode {
        guard let metadata, metadata.state != .dead, metadata.producerID == producerID else {
            return .invalidProducerIdMapping
        }
        if producerEpoch != metadata.producerEpoch { return fenced }
        if metadata.state.isPreparing { return .concurrentTransactions }
        return .none
    }
}
