import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Partition log: aborted transactions under retention, DeleteRecords and compaction")
struct AbortedTransactionsLifetimeTests {
    private func abort(_ log: PartitionLog, _ producerID: Int64) throws {
        try log.appendMarker(producerID: producerID, producerEpoch: 0, commit: false, coordinatorEpoch: 0)
    }

    private func storedTransactions(_ log: PartitionLog) -> [AbortedTransaction]? {
        guard case .found(let list) = AbortedTransactions.read(directory: log.directory) else { return nil }
        return list.entries.map(\.transaction)
    }

    @Test func deleteRecordsForgetsTheTransactionsAbortedBelowTheNewStart() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory, configuration: .storageTest(segmentBytes: 1024))
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))  // 0
        try abort(log, 1)  // 1
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 2
        try log.append(TestBatch.transactional(producerID: 3, sequence: 0))  // 3
        try abort(log, 2)  // 4
        for _ in 0..<20 { try log.append(TestBatch().bytes) }  // 5-24
        try abort(log, 3)  // 25
        let third = AbortedTransaction(producerID: 3, firstOffset: 3, lastOffset: 25)
        #expect(log.abortedTransactions(from: 0, to: 26).count == 3)

        try log.deleteRecords(before: 2) { _ in }
        #expect(log.abortedTransactions(from: 0, to: 26).map(\.producerID) == [2, 3])
        try log.deleteRecords(before: 10) { _ in }
        // Producer 3's transaction began below the start, but its marker is above it.
        #expect(log.abortedTransactions(from: 10, to: 26) == [third])
        #expect(storedTransactions(log) == [third])

        try log.close()
        let reopened = try openLog(directory, configuration: .storageTest(segmentBytes: 1024), logStartOffset: 10)
        #expect(reopened.abortedTransactions(from: 10, to: 26) == [third])
        #expect(storedTransactions(reopened) == [third])
    }

    @Test func retentionForgetsTheTransactionsAbortedInTheSegmentsItDeletes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        configuration.retentionBytes = 2_000
        configuration.retentionMilliseconds = -1
        let log = try openLog(directory, configuration: configuration)
        try log.append(TestBatch.transactional(producerID: 1, sequence: 0))  // 0
        try abort(log, 1)  // 1
        for _ in 0..<30 { try log.append(TestBatch().bytes) }  // 2-31
        try log.append(TestBatch.transactional(producerID: 2, sequence: 0))  // 32
        try abort(log, 2)  // 33
        try log.append(TestBatch().bytes)  // 34
        let kept = AbortedTransaction(producerID: 2, firstOffset: 32, lastOffset: 33)

        #expect(try log.applyRetention(now: PartitionLog.currentTimeMilliseconds()) > 0)
        #expect(log.logStartOffset > 1 && log.logStartOffset <= 32)
        #expect(log.abortedTransactions(from: 0, to: 35) == [kept])
        #expect(storedTransactions(log) == [kept])
    }

    /// A compacted partition with transactions: the cleaner keeps transactional batches and
    /// markers byte for byte at their offsets, so the aborted list and the last stable offset
    /// stay true, after the cleaning and after a restart that replays the cleaned log.
    @Test(arguments: [true, false])
    func compactionKeepsTransactionalBatchesAndMarkers(keyFiles: Bool) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        var configuration = BrokerConfiguration.compactionTest()
        configuration.minCleanableDirtyRatio = 0
        let log = try openLog(directory, configuration: configuration)
        var model = CompactionModel()
        for round in 0..<8 {
            try model.appendWorkload(to: log, batches: 15, keys: 10, keyFiles: keyFiles)
            let producer = Int64(round % 3 + 1)
            let records = [KeyedRecord(key: "txn-\(round)-a", value: "a"), KeyedRecord(key: "key-1", value: "t")]
            let sequence = Int32(round / 3 * 2)
            let batch = keyedBatch(records, producerID: producer, epoch: 0, sequence: sequence, attributes: 0x10)
            try log.append(batch, keys: keyFiles ? try BatchKeys(of: batch) : nil)
            try log.appendMarker(producerID: producer, producerEpoch: 0, commit: round % 2 == 0, coordinatorEpoch: 0)
        }
        let openRecords = [KeyedRecord(key: "open", value: "o")]
        let open = keyedBatch(openRecords, producerID: 9, epoch: 0, sequence: 0, attributes: 0x10)
        let openOffset = try log.append(open, keys: keyFiles ? try BatchKeys(of: open) : nil).baseOffset
        try model.appendWorkload(to: log, batches: 15, keys: 10, keyFiles: keyFiles)

        let before = try storedContents(log)
        let transactional = before.headers.filter(\.isTransactional)
        #expect(transactional.count == 17 && transactional.filter(\.isControl).count == 8)
        let aborted = log.abortedTransactions(from: 0, to: log.logEndOffset)
        #expect(aborted.count == 4)
        #expect(log.lastStableOffset == openOffset)
        let active = log.activeBaseOffset
        #expect(active > openOffset)

        guard case .cleaned(let figures) = try log.clean(now: 10_000) else {
            Issue.record("not cleaned")
            return
        }
        if keyFiles { #expect(figures.mapBytesRead < figures.bytesRead) }
        let after = try storedContents(log)
        #expect(after.headers.filter(\.isTransactional) == transactional)
        let inTransactions = Set(transactional.flatMap { Array($0.baseOffset...$0.lastOffset) })
        let data = after.records.filter { !inTransactions.contains($0.offset) }
        #expect(data.count < before.records.count - inTransactions.count)
        #expect(model.problems(in: data, cleanedUpTo: active) == [])
        #expect(log.abortedTransactions(from: 0, to: log.logEndOffset) == aborted)
        #expect(log.lastStableOffset == openOffset)
        for transaction in aborted {
            let first = batchHeaders(in: try log.read(from: transaction.firstOffset, maxBytes: 1)).first
            #expect(first?.baseOffset == transaction.firstOffset && first?.isTransactional == true)
            var marker = try log.read(from: transaction.lastOffset, maxBytes: 1)
            #expect(TransactionMarker(controlBatch: marker)?.kind == .abort)
            #expect(try RecordBatch.decode(from: &marker).header.producerID == transaction.producerID)
        }

        // Without a snapshot, the cleaned log replays to the same transactions.
        try log.close()
        let reopened = try openLog(directory, configuration: configuration)
        #expect(reopened.abortedTransactions(from: 0, to: reopened.logEndOffset) == aborted)
        #expect(reopened.openTransactions == [9: openOffset])
        #expect(reopened.lastStableOffset == openOffset)
    }
}
