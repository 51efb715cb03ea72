import KafkaWire
import Logging
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Partition log: transactions across restarts")
struct TransactionRecoveryTests {
    private static let abortedBoth = [
        AbortedTransaction(producerID: 1, firstOffset: 0, lastOffset: 3),
        AbortedTransaction(producerID: 3, firstOffset: 4, lastOffset: 6),
    ]

    /// Producer 1's transaction 0-1 aborted at 3, producer 2's (2) committed at 5, producer
    /// 3's (4) aborted at 6, producer 4's (7) still open, then a plain batch (8). `midway` is
    /// called after the first abort.
    private func transactionalLog(
        _ directory: TemporaryDirectory,
        midway: (PartitionLog) throws -> Void = { _ in }
    ) throws -> PartitionLog {
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0, records: 2))  // 0-1
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 2
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 1)  // 3
        try midway(log)
        try log.append(TestBatch.transactional(producerID: 3, sequence: 0))  // 4
        try log.appendMarker(producerID: 2, producerEpoch: 0, commit: true, coordinatorEpoch: 1)  // 5
        try log.appendMarker(producerID: 3, producerEpoch: 0, commit: false, coordinatorEpoch: 2)  // 6
        try log.append(TestBatch.transactional(producerID: 4, sequence: 0))  // 7
        try log.append(TestBatch().bytes)  // 8
        return log
    }

    /// What `transactionalLog` leaves, checked on a reopened log, which must go on from there.
    private func expectTransactionalState(_ log: PartitionLog) throws {
        #expect(log.logEndOffset == 9)
        #expect(log.lastStableOffset == 7)
        #expect(log.openTransactions == [4: 7])
        #expect(log.abortedTransactions(from: 0, to: 9) == Self.abortedBoth)
        #expect(log.producers[3]?.coordinatorEpoch == 2)
        #expect(AbortedTransactions.read(directory: log.directory).matches(storedList(log)))
        try log.appendMarker(producerID: 4, producerEpoch: 0, commit: true, coordinatorEpoch: 2)
        #expect(log.lastStableOffset == 10 && log.openTransactions.isEmpty)
        #expect(try log.append(TestBatch.transactional(producerID: 1, sequence: 2)).baseOffset == 10)
        #expect(log.openTransactions == [1: 10])
    }

    private func storedList(_ log: PartitionLog) -> AbortedTransactions {
        log.state.withLock { $0.abortedTransactions }
    }

    @Test(arguments: ["clean", "unclean", "no checkpoint"])
    func openTransactionsAndTheAbortedListSurviveReopening(mode: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var midway: PartitionCheckpoint?
        let log = try transactionalLog(directory) { midway = try $0.flush() }
        let checkpoint = mode == "clean" ? try log.close() : midway

        let reopened = try openLog(
            directory,
            checkpoint: mode == "no checkpoint" ? nil : checkpoint,
            clean: mode == "clean"
        )
        try expectTransactionalState(reopened)
    }

    @Test func markersWhoseEntriesACrashLostAreFoundAgainByTheReplay() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var midway: PartitionCheckpoint?
        var listAtMidway: [UInt8]?
        let log = try transactionalLog(directory) { log in
            midway = try log.flush()
            listAtMidway = FileSystem.readSmallFile(log.directory + "/" + AbortedTransactions.fileName)
        }
        // As if the process died after writing the marker at 6 but before saving its entry.
        let path = log.directory + "/" + AbortedTransactions.fileName
        try FileSystem.writeAtomically(try #require(listAtMidway), to: path, directory: log.directory)
        guard case .found(let stale) = AbortedTransactions.read(directory: log.directory) else {
            Issue.record("no aborted transactions file")
            return
        }
        #expect(stale.entries.count == 1)

        let reopened = try openLog(directory, checkpoint: midway)
        try expectTransactionalState(reopened)
    }

    @Test func aMarkerRecoveryCutOffReopensItsTransaction() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))  // 0
        let checkpoint = try log.flush()
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 1
        #expect(log.abortedTransactions(from: 0, to: 2).count == 1)
        // The marker's bytes did not all reach the disk (a power cut with the interval policy);
        // its entry did.
        let segment = try SegmentFile(path: LogSegment.path(log.directory, log.activeBaseOffset, "log"))
        try segment.truncate(to: try segment.size() - 10)

        let reopened = try openLog(directory, checkpoint: checkpoint)
        #expect(reopened.logEndOffset == 1)
        #expect(reopened.openTransactions == [1: 0] && reopened.lastStableOffset == 0)
        #expect(reopened.abortedTransactions(from: 0, to: 2).isEmpty)
        #expect(AbortedTransactions.read(directory: reopened.directory) == .found(AbortedTransactions()))

        #expect(try reopened.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0) == 1)
        #expect(
            reopened.abortedTransactions(from: 0, to: 2)
                == [AbortedTransaction(producerID: 1, firstOffset: 0, lastOffset: 1)]
        )
    }

    @Test(arguments: ["damaged", "missing"])
    func aListThatCannotBeTrustedIsRebuiltFromTheWholeLog(problem: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try transactionalLog(directory)
        let checkpoint = try log.close()
        let path = log.directory + "/" + AbortedTransactions.fileName
        if problem == "damaged" {
            try FileSystem.writeAtomically(Array("not a list".utf8), to: path, directory: log.directory)
        } else {
            try FileSystem.removeFile(path)
        }

        let handler = RecordingLogHandler()
        // A missing file stands for an empty list only with a snapshot that carries
        // transactions; without one, the whole log is replayed anyway.
        let reopened = try openLog(
            directory,
            logger: Logger(label: "test") { _ in handler },
            checkpoint: problem == "damaged" ? checkpoint : nil,
            clean: true
        )
        if problem == "damaged" {
            #expect(handler.lines(at: .warning).contains { $0.contains("aborted-transactions is damaged") })
        }
        try expectTransactionalState(reopened)
    }

    /// Through the log manager, whose checkpoints (and producer snapshots) go to the metadata
    /// store: a clean stop, and a stop without `close()` after a flush.
    @Test(arguments: [true, false])
    func theBrokersRestartKeepsTheTransactions(cleanStop: Bool) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let metadata = try MetadataStore(dataDirectory: directory.path)
        try metadata.createTopic(TopicRecord(name: "orders", id: .random(), partitionCount: 1))
        func manager() -> LogManager {
            LogManager(
                dataDirectory: directory.path,
                configuration: .storageTest(),
                metadata: metadata,
                logger: Logger(label: "test")
            )
        }
        let first = manager()
        try first.open()
        let log = try #require(first.log(topic: "orders", partition: 0))
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))  // 0
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 1
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 2
        if cleanStop { try first.close() } else { try first.flushAll() }

        let second = manager()
        try second.open()
        #expect(second.lastShutdownWasClean == cleanStop)
        let reopened = try #require(second.log(topic: "orders", partition: 0))
        #expect(reopened.lastStableOffset == 2 && reopened.openTransactions == [2: 2])
        #expect(
            reopened.abortedTransactions(from: 0, to: 3)
                == [AbortedTransaction(producerID: 1, firstOffset: 0, lastOffset: 1)]
        )
        try second.close()
    }

    @Test func snapshotsCarryOpenTransactionsAndCoordinatorEpochs() {
        var table = ProducerStateTable()
        let transactional: Int16 = 0x10
        table.record(.init(baseOffset: 0, attributes: transactional, producerID: 1, producerEpoch: 3, baseSequence: 0))
        table.record(.init(baseOffset: 1, attributes: transactional, producerID: 2, producerEpoch: 0, baseSequence: 0))
        table.record(.init(baseOffset: 2, producerID: 5, producerEpoch: 0, baseSequence: 0))
        let commit = TransactionMarker(kind: .commit, coordinatorEpoch: 9)
        #expect(table.recordMarker(commit, producerID: 2, epoch: 1, offset: 3, timestamp: 1_234)?.isAborted == false)
        #expect(table.openTransactions == [1: 0])
        #expect(table.producers[2]?.coordinatorEpoch == 9 && table.producers[2]?.epoch == 1)

        let decoded = ProducerStateTable(decoding: table.encoded())
        #expect(decoded == table)
        #expect(decoded?.openTransactions == [1: 0])
        #expect(table.encoded().first == 3)
        // Version 2, from before transactions, is not read: the log is replayed instead.
        #expect(ProducerStateTable(decoding: Self.version2Snapshot(of: table)) == nil)
    }

    @Test func aSnapshotOfTheVersionBeforeTransactionsIsReplacedByAReplayOfTheLog() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try transactionalLog(directory)
        var checkpoint = try log.close()
        let table = try #require(ProducerStateTable(decoding: checkpoint.producerSnapshot))
        checkpoint.producerSnapshot = Self.version2Snapshot(of: table)

        let reopened = try openLog(directory, checkpoint: checkpoint, clean: true)
        try expectTransactionalState(reopened)
        #expect(reopened.checkpoint().producerSnapshot.first == ProducerStateTable.snapshotVersion)
    }

    /// `table` as version 2 encoded it: per producer its id, epoch, last timestamp and recent
    /// batches, without coordinator epochs and open transactions.
    private static func version2Snapshot(of table: ProducerStateTable) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(2))
        buffer.writeInteger(UInt32(table.producers.count))
        for (id, producer) in table.producers.sorted(by: { $0.key < $1.key }) {
            buffer.writeInteger(id)
            buffer.writeInteger(producer.epoch)
            buffer.writeInteger(producer.lastTimestamp)
            buffer.writeInteger(UInt8(producer.recentBatches.count))
            for batch in producer.recentBatches {
                buffer.writeInteger(batch.firstSequence)
                buffer.writeInteger(batch.lastSequence)
                buffer.writeInteger(batch.baseOffset)
                buffer.writeInteger(batch.lastOffset)
            }
        }
        return Array(buffer.readableBytesView)
    }
}
