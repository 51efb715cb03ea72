import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Partition log: idempotent producers")
struct IdempotentProducerTests {
    private func expectError(_ code: StorageError.Code, _ body: () throws -> Void) {
        let error = #expect(throws: StorageError.self) { try body() }
        #expect(error?.code == code)
    }

    @Test func appendsInSequenceAndAnswersARetryWithTheOriginalOffsets() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch().bytes)  // offset 0, not idempotent
        #expect(try log.append(TestBatch.idempotent(sequence: 0)).baseOffset == 1)
        let second = try log.append(TestBatch.idempotent(sequence: 1, records: 3))
        #expect(second.baseOffset == 2 && second.lastOffset == 4)
        #expect(try log.append(TestBatch.idempotent(sequence: 4)).baseOffset == 5)

        let retry = try log.append(TestBatch.idempotent(sequence: 1, records: 3))
        #expect(retry.outcome == .duplicate)
        #expect(retry.baseOffset == 2 && retry.lastOffset == 4)
        #expect(retry.logAppendTime == -1)
        #expect(log.logEndOffset == 6)
    }

    @Test func refusesAGapOrARepeatThatIsNotADuplicate() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.idempotent(sequence: 0, records: 2))
        expectError(.outOfOrderSequenceNumber) { _ = try log.append(TestBatch.idempotent(sequence: 3)) }
        expectError(.outOfOrderSequenceNumber) { _ = try log.append(TestBatch.idempotent(sequence: 1)) }
        #expect(log.logEndOffset == 2)
        #expect(StorageError(.outOfOrderSequenceNumber, "").kafkaErrorCode == .outOfOrderSequenceNumber)
    }

    @Test func onlyTheLastFiveBatchesAreRecognisedAsDuplicates() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        for sequence: Int32 in 0..<7 { try log.append(TestBatch.idempotent(sequence: sequence)) }
        #expect(try log.append(TestBatch.idempotent(sequence: 2)).outcome == .duplicate)
        expectError(.outOfOrderSequenceNumber) { _ = try log.append(TestBatch.idempotent(sequence: 1)) }
    }

    @Test func anOlderEpochIsFenced() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.idempotent(epoch: 1, sequence: 0))
        let error = #expect(throws: StorageError.self) { try log.append(TestBatch.idempotent(epoch: 0, sequence: 1)) }
        #expect(error?.code == .invalidProducerEpoch)
        #expect(error?.kafkaErrorCode == .invalidProducerEpoch)
    }

    @Test func aNewEpochMustRestartAtSequenceZero() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.idempotent(epoch: 0, sequence: 0))
        try log.append(TestBatch.idempotent(epoch: 0, sequence: 1))
        expectError(.outOfOrderSequenceNumber) { _ = try log.append(TestBatch.idempotent(epoch: 1, sequence: 2)) }
        #expect(try log.append(TestBatch.idempotent(epoch: 1, sequence: 0)).outcome == .appended)
        // The old epoch's batches are forgotten: its retry is now fenced, not a duplicate.
        expectError(.invalidProducerEpoch) { _ = try log.append(TestBatch.idempotent(epoch: 0, sequence: 1)) }
        #expect(try log.append(TestBatch.idempotent(epoch: 1, sequence: 1)).outcome == .appended)
    }

    @Test func anUnknownProducerMayStartAtAnySequence() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        #expect(try log.append(TestBatch.idempotent(producerID: 99, sequence: 42)).outcome == .appended)
        #expect(try log.append(TestBatch.idempotent(producerID: 99, sequence: 43)).outcome == .appended)
    }

    @Test func sequencesWrapFromInt32MaxToZero() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.idempotent(sequence: Int32.max - 1, records: 2))
        #expect(try log.append(TestBatch.idempotent(sequence: 0)).outcome == .appended)
        try log.append(TestBatch.idempotent(producerID: 8, sequence: Int32.max, records: 2))  // Int32.max, 0
        expectError(.outOfOrderSequenceNumber) { _ = try log.append(TestBatch.idempotent(producerID: 8, sequence: 0)) }
        #expect(try log.append(TestBatch.idempotent(producerID: 8, sequence: 1)).outcome == .appended)
    }

    @Test(arguments: ["clean", "unclean", "no checkpoint"])
    func stateSurvivesReopening(mode: String) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        try log.append(TestBatch.idempotent(sequence: 0))
        try log.append(TestBatch.idempotent(sequence: 1))
        let snapshot = try log.flush()
        // Appended after the snapshot: replayed from the log on open.
        try log.append(TestBatch.idempotent(sequence: 2))
        try log.append(TestBatch.idempotent(producerID: 9, epoch: 3, sequence: 0))
        let closing = mode == "clean" ? try log.close() : snapshot

        let reopened = try openLog(
            directory,
            checkpoint: mode == "no checkpoint" ? nil : closing,
            clean: mode == "clean"
        )
        #expect(try reopened.append(TestBatch.idempotent(sequence: 1)).baseOffset == 1)
        #expect(try reopened.append(TestBatch.idempotent(sequence: 2)).baseOffset == 2)
        #expect(try reopened.append(TestBatch.idempotent(sequence: 2)).outcome == .duplicate)
        expectError(.invalidProducerEpoch) {
            _ = try reopened.append(TestBatch.idempotent(producerID: 9, epoch: 2, sequence: 0))
        }
        #expect(try reopened.append(TestBatch.idempotent(sequence: 3)).baseOffset == 4)
    }

    @Test func snapshotsRoundTrip() {
        var table = ProducerStateTable()
        for sequence: Int32 in 0..<7 {
            table.record(.init(baseOffset: Int64(sequence), producerID: 5, producerEpoch: 2, baseSequence: sequence))
        }
        var last = RecordBatchHeader(
            baseOffset: 9,
            lastOffsetDelta: 4,
            producerID: 6,
            producerEpoch: 0,
            baseSequence: 10
        )
        last.maxTimestamp = 1_700_000_000_000
        table.record(last)
        #expect(table.producers[5]?.recentBatches.count == 5)
        #expect(table.producers[6]?.lastTimestamp == 1_700_000_000_000)
        #expect(ProducerStateTable(decoding: table.encoded()) == table)
        #expect(ProducerStateTable(decoding: [9, 9]) == nil)
    }
}
