import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

@Suite("Partition log: transactions")
struct TransactionTests {
    private func aborted(_ producerID: Int64, _ first: Int64, _ last: Int64) -> AbortedTransaction {
        AbortedTransaction(producerID: producerID, firstOffset: first, lastOffset: last)
    }

    private func expectError(_ code: StorageError.Code, _ body: () throws -> Void) {
        let error = #expect(throws: StorageError.self) { try body() }
        #expect(error?.code == code)
    }

    @Test func aTransactionalBatchOpensATransactionAndItsMarkerClosesIt() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch().bytes)  // 0, not transactional
        #expect(log.lastStableOffset == 1)
        try log.append(TestBatch.transactional(producerID: 7, sequence: 0, records: 2))  // 1-2
        try log.append(TestBatch.transactional(producerID: 7, sequence: 2))  // 3
        #expect(log.openTransactions == [7: 1])
        #expect(log.lastStableOffset == 1)
        #expect(log.logEndOffset == 4)

        #expect(try log.appendMarker(producerID: 7, producerEpoch: 0, commit: true, coordinatorEpoch: 0) == 4)
        #expect(log.openTransactions.isEmpty)
        #expect(log.lastStableOffset == 5)
        #expect(log.logEndOffset == 5)
        #expect(log.abortedTransactions(from: 0, to: 5).isEmpty)
        // The producer's next transactional batch opens its next transaction.
        try log.append(TestBatch.transactional(producerID: 7, sequence: 3))
        #expect(log.openTransactions == [7: 5])
        #expect(log.lastStableOffset == 5)
    }

    @Test func theOldestOpenTransactionOfInterleavedProducersHoldsTheLastStableOffset() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))  // 0
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 1
        try log.append(TestBatch.idempotent(producerID: 3, sequence: 0))  // 2, not transactional
        try log.append(TestBatch.transactional(producerID: 1, sequence: 1))  // 3
        #expect(log.openTransactions == [1: 0, 2: 1])
        #expect(log.lastStableOffset == 0)

        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0)  // 4
        #expect(log.lastStableOffset == 1)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 2))  // 5
        try log.appendMarker(producerID: 2, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 6
        #expect(log.lastStableOffset == 5)
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0)  // 7
        #expect(log.lastStableOffset == 8)
        #expect(log.lastStableOffset == log.logEndOffset)
        #expect(log.abortedTransactions(from: 0, to: 8) == [aborted(2, 1, 6)])
    }

    @Test func aMarkerIsTheControlBatchKafkaWrites() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 42, epoch: 3, sequence: 0))
        let offset = try log.appendMarker(producerID: 42, producerEpoch: 3, commit: true, coordinatorEpoch: 258)
        var bytes = try log.read(from: offset, maxBytes: 1 << 20)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        let batch = try RecordBatch.decode(from: &bytes)
        #expect(bytes.readableBytes == 0)
        #expect(batch.header.baseOffset == offset)
        #expect(batch.header.attributes == 0x30)
        #expect(batch.header.isControl && batch.header.isTransactional && batch.compression == CompressionCodec.none)
        #expect(batch.header.producerID == 42 && batch.header.producerEpoch == 3)
        #expect(batch.header.baseSequence == -1)
        #expect(batch.header.lastOffsetDelta == 0 && batch.records.count == 1)
        let record = batch.records[0]
        #expect(record.key.map { Array($0.readableBytesView) } == [0, 0, 0, 1])
        #expect(record.value.map { Array($0.readableBytesView) } == [0, 0, 0, 0, 1, 2])

        let abort = try TransactionMarker(kind: .abort, coordinatorEpoch: 7)
            .batch(producerID: 1, producerEpoch: 0, timestamp: 5)
        #expect(TransactionMarker(controlBatch: abort) == TransactionMarker(kind: .abort, coordinatorEpoch: 7))
        #expect(TransactionMarker(controlBatch: TestBatch().bytes) == nil)
    }

    @Test func abortMarkersRecordTheTransactionsTheyClose() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0, records: 3))  // 0-2
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 3
        #expect(try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0) == 4)
        try log.appendMarker(producerID: 2, producerEpoch: 0, commit: true, coordinatorEpoch: 0)  // 5
        // A marker without an open transaction (a retry) closes nothing and records nothing.
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 6
        #expect(log.abortedTransactions(from: 0, to: 7) == [aborted(1, 0, 4)])
        #expect(log.lastStableOffset == 7)
        guard case .found(let stored) = AbortedTransactions.read(directory: log.directory) else {
            Issue.record("no aborted transactions file")
            return
        }
        #expect(stored.entries.map(\.transaction) == [aborted(1, 0, 4)])
        // The aborted transaction's producer's next transaction is a new one.
        try log.append(TestBatch.transactional(producerID: 1, sequence: 3))
        #expect(log.openTransactions == [1: 7])
    }

    @Test func rangeQueriesReportWhatAReadCommittedFetchNeeds() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        // Producer 1: 0 .. marker 5; producer 2: 2 .. marker 8; producer 3: 6 .. marker 7;
        // producer 1 again: 9 .. marker 10. All aborted.
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0, records: 2))  // 0-1
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 2
        try log.append(TestBatch.transactional(producerID: 1, sequence: 2, records: 2))  // 3-4
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 5
        try log.append(TestBatch.transactional(producerID: 3, sequence: 0))  // 6
        try log.appendMarker(producerID: 3, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 7
        try log.appendMarker(producerID: 2, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 8
        try log.append(TestBatch.transactional(producerID: 1, sequence: 4))  // 9
        try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)  // 10
        let all = [
            aborted(1, 0, 5),
            aborted(2, 2, 8),
            aborted(3, 6, 7),
            aborted(1, 9, 10),
        ]
        #expect(log.abortedTransactions(from: 0, to: 11) == all)
        #expect(log.abortedTransactions(from: 0, to: 1) == [all[0]])
        #expect(log.abortedTransactions(from: 0, to: 3) == [all[0], all[1]])
        #expect(log.abortedTransactions(from: 6, to: 7) == [all[1], all[2]])
        #expect(log.abortedTransactions(from: 8, to: 9) == [all[1]])
        #expect(log.abortedTransactions(from: 9, to: 11) == [all[3]])
        #expect(log.abortedTransactions(from: 11, to: 20).isEmpty)
        // Every range agrees with the definition, checked one entry at a time.
        for from in Int64(0)...11 {
            for to in from...12 {
                let expected = all.filter { $0.lastOffset >= from && $0.firstOffset < to }
                #expect(log.abortedTransactions(from: from, to: to) == expected, "[\(from), \(to))")
            }
        }
    }

    @Test func resultsComeInFirstOffsetOrderWhenMarkersCameInAnother() {
        var list = AbortedTransactions()
        var table = ProducerStateTable()
        for producer: Int64 in [1, 2] {
            let header = RecordBatchHeader(
                baseOffset: producer - 1,
                attributes: 0x10,
                producerID: producer,
                producerEpoch: 0,
                baseSequence: 0
            )
            table.record(header)
        }
        let abort = TransactionMarker(kind: .abort, coordinatorEpoch: 0)
        for (producer, offset) in [(Int64(2), Int64(2)), (1, 3)] {
            let completed = table.recordMarker(abort, producerID: producer, epoch: 0, offset: offset, timestamp: 0)!
            let added = list.add(AbortedTransactions.Entry(completed, closedIn: table))
            #expect(added)
        }
        #expect(list.entries.map(\.transaction.producerID) == [2, 1])
        #expect(list.entries.map(\.lastStableOffset) == [0, 4])
        #expect(list.overlapping(from: 0, to: 4).map(\.producerID) == [1, 2])
        // The same marker again (recovery re-reading it) is not added twice.
        let again = list.add(list.entries[0])
        #expect(!again)
        #expect(list.entries.count == 2)
    }

    @Test func aMarkerOfAnOlderEpochIsFencedAndANewerOneFences() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 5, epoch: 1, sequence: 0))
        let error = #expect(throws: StorageError.self) {
            try log.appendMarker(producerID: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 0)
        }
        #expect(error?.code == .invalidProducerEpoch)
        #expect(error?.kafkaErrorCode == .invalidProducerEpoch)
        #expect(log.logEndOffset == 1 && log.openTransactions == [5: 0])

        // The coordinator aborts with a bumped epoch: the old instance is fenced.
        #expect(try log.appendMarker(producerID: 5, producerEpoch: 2, commit: false, coordinatorEpoch: 0) == 1)
        #expect(log.openTransactions.isEmpty)
        #expect(log.abortedTransactions(from: 0, to: 2) == [aborted(5, 0, 1)])
        expectError(.invalidProducerEpoch) {
            _ = try log.append(TestBatch.transactional(producerID: 5, epoch: 1, sequence: 1))
        }
        #expect(log.producers[5]?.epoch == 2)
        #expect(try log.append(TestBatch.transactional(producerID: 5, epoch: 2, sequence: 0)).baseOffset == 2)
    }

    @Test func aMarkerOfAnOlderCoordinatorIsFenced() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 5, sequence: 0))
        try log.appendMarker(producerID: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 4)
        #expect(log.producers[5]?.coordinatorEpoch == 4)
        try log.append(TestBatch.transactional(producerID: 5, sequence: 1))
        let error = #expect(throws: StorageError.self) {
            try log.appendMarker(producerID: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 3)
        }
        #expect(error?.code == .transactionCoordinatorFenced)
        #expect(error?.kafkaErrorCode == .transactionCoordinatorFenced)
        #expect(log.openTransactions == [5: 2])
        #expect(try log.appendMarker(producerID: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 4) == 3)
    }

    @Test func aNonTransactionalBatchInsideAnOpenTransactionIsRefused() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 5, sequence: 0))
        let error = #expect(throws: StorageError.self) {
            try log.append(TestBatch.idempotent(producerID: 5, sequence: 1))
        }
        #expect(error?.code == .invalidTxnState)
        #expect(error?.kafkaErrorCode == .invalidTxnState)
        try log.appendMarker(producerID: 5, producerEpoch: 0, commit: true, coordinatorEpoch: 0)
        #expect(try log.append(TestBatch.idempotent(producerID: 5, sequence: 1)).baseOffset == 2)
    }

    @Test func controlBatchesAreNotAppendedAsData() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        let marker = try TransactionMarker(kind: .commit, coordinatorEpoch: 0)
            .batch(producerID: 1, producerEpoch: 0, timestamp: 5)
        expectError(.invalidRecord) { _ = try log.append(marker) }
        #expect(log.logEndOffset == 0)
    }

    @Test func anAbortWhoseListCannotBeSavedLeavesNoMarker() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))
        let size = log.sizeInBytes
        // A directory where the temporary file goes makes the list's write fail.
        let blocker = log.directory + "/" + AbortedTransactions.fileName + ".tmp"
        #expect(mkdir(blocker, 0o755) == 0)
        #expect(throws: StorageError.self) {
            try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0)
        }
        #expect(log.logEndOffset == 1 && log.sizeInBytes == size)
        #expect(log.openTransactions == [1: 0] && log.lastStableOffset == 0)
        #expect(log.abortedTransactions(from: 0, to: 10).isEmpty)
        #expect(AbortedTransactions.read(directory: log.directory) == .missing)

        #expect(rmdir(blocker) == 0)
        #expect(try log.appendMarker(producerID: 1, producerEpoch: 0, commit: false, coordinatorEpoch: 0) == 1)
        #expect(log.abortedTransactions(from: 0, to: 10) == [aborted(1, 0, 1)])
        // The marker's wall-clock timestamp may have rolled a segment: read each batch on its own.
        #expect(batchHeaders(in: try log.read(from: 0, maxBytes: 1)).map(\.baseOffset) == [0])
        #expect(batchHeaders(in: try log.read(from: 1, maxBytes: 1)).map(\.baseOffset) == [1])
    }

    @Test func theListFileRoundTripsAndRefusesDamage() throws {
        var list = AbortedTransactions()
        for index in Int64(0)..<5 {
            let transaction = aborted(index % 2, index * 10, index * 10 + 5)
            list.add(AbortedTransactions.Entry(transaction: transaction, lastStableOffset: index * 10 + 6))
        }
        let bytes = list.encoded()
        #expect(bytes.count == 1 + 4 + 5 * 32 + 4)
        #expect(AbortedTransactions.decode(bytes) == list)
        #expect(AbortedTransactions.decode(AbortedTransactions().encoded()) == AbortedTransactions())
        var flipped = bytes
        flipped[20] ^= 0x01
        #expect(AbortedTransactions.decode(flipped) == nil)
        #expect(AbortedTransactions.decode(Array(bytes.dropLast())) == nil)
        #expect(AbortedTransactions.decode([]) == nil)
    }
}
