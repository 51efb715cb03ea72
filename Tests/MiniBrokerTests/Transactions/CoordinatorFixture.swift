import KafkaWire
import Logging
import Synchronization

@testable import MiniBroker

/// A transaction coordinator over a real data directory (metadata store, topic `t` with two
/// partitions), with a clock the test moves. `restarted()` builds a new coordinator over the
/// same files, as the broker does after a crash: only what was stored survives.
final class CoordinatorFixture {
    let directory = TemporaryDirectory()
    let store: MetadataStore
    let logs: LogManager
    let topics: TopicRegistry
    let clock = TestClock()
    private(set) var coordinator: TransactionCoordinator!

    static let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    static let p1 = KafkaTopicPartition(topic: "t", partition: 1)

    init() throws {
        var configuration = BrokerConfiguration()
        configuration.dataDirectory = directory.path
        let logger = Logger(label: "transactions-test")
        store = try MetadataStore(dataDirectory: directory.path)
        logs = LogManager(dataDirectory: directory.path, configuration: configuration, metadata: store, logger: logger)
        try logs.open()
        topics = try TopicRegistry(store: store, logs: logs, broker: configuration, logger: logger)
        try topics.create(name: "t", partitions: 2)
        coordinator = try makeCoordinator()
    }

    private func makeCoordinator() throws -> TransactionCoordinator {
        let clock = self.clock
        return try TransactionCoordinator(
            store: store,
            topics: topics,
            logger: Logger(label: "transactions-test"),
            clock: { clock.now }
        )
    }

    /// A new coordinator from what the store holds, recovered as at broker start.
    func restart() throws {
        coordinator = try makeCoordinator()
        coordinator.recover()
    }

    func advance(milliseconds: Int64) { clock.advance(milliseconds: milliseconds) }

    func log(_ partition: KafkaTopicPartition) -> PartitionLog {
        topics.log(topic: partition.topic, partition: partition.partition)!
    }

    /// InitProducerId for `id` with a 60 s timeout; the producer it got.
    func initProducer(_ id: String, timeoutMs: Int32 = 60_000) -> TransactionCoordinator.Producer {
        let result = coordinator.initProducerID(.init(transactionalID: id, timeoutMs: timeoutMs))
        precondition(result.error == .none, "InitProducerId failed: \(result.error)")
        return TransactionCoordinator.Producer(
            transactionalID: id,
            producerID: result.producerID,
            producerEpoch: result.producerEpoch
        )
    }

    /// Appends one transactional record of `producer` to `partition` through the coordinator,
    /// as Produce does; `addsPartition` as Produce 12 does, in a request whose other batches
    /// are for `along`.
    @discardableResult
    func produce(
        _ producer: TransactionCoordinator.Producer,
        to partition: KafkaTopicPartition,
        sequence: Int32,
        addsPartition: Bool = false,
        along: [KafkaTopicPartition] = []
    ) throws -> KafkaErrorCode {
        let log = self.log(partition)
        let batch = TestBatch.transactional(
            producerID: producer.producerID,
            epoch: producer.producerEpoch,
            sequence: sequence
        )
        let result = try coordinator.appendIfInTransaction(
            partition,
            by: producer,
            notInTransaction: .invalidTxnState,
            addsPartitions: addsPartition ? { along } : nil
        ) {
            try log.append(batch)
        }
        switch result {
        case .success: return .none
        case .failure(let refused): return refused.code
        }
    }

    /// The size of the coordinator's state log: it grows by a record at each stored change.
    var stateLogSize: Int {
        FileSystem.fileSize(directory.path + "/" + TransactionStateLog.fileName) ?? 0
    }

    func remove() {
        try? logs.close()
        directory.remove()
    }
}

/// Milliseconds that pass only when a test says so.
final class TestClock: Sendable {
    private let value = Mutex<Int64>(1_000_000)

    var now: Int64 { value.withLock { $0 } }

    func advance(milliseconds: Int64) { value.withLock { $0 += milliseconds } }
}
