import KafkaWire
import Logging
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Partition log: recovery after an unclean stop")
struct RecoveryTests {
    /// Ten 161-byte batches, left open as a killed process leaves them.
    private func crashedLog(_ directory: TemporaryDirectory) throws -> (end: Int64, segment: SegmentFile) {
        let log = try openLog(directory)
        for index in 0..<10 { try log.append(TestBatch(records: 2, maxTimestamp: Int64(index)).bytes) }
        return (log.logEndOffset, try SegmentFile(path: LogSegment.path(log.directory, 0, "log")))
    }

    private func reopen(_ directory: TemporaryDirectory) throws -> (PartitionLog, RecordingLogHandler) {
        let handler = RecordingLogHandler()
        let log = try openLog(directory, logger: Logger(label: "test") { _ in handler })
        return (log, handler)
    }

    @Test func cutsATornPartialBatchAtTheTail() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (end, segment) = try crashedLog(directory)
        let size = try segment.size()
        var partial = TestBatch().bytes
        partial.setInteger(end, at: 0, endianness: .big)
        partial.moveWriterIndex(to: 100)
        try segment.write(partial, at: size)

        let (log, handler) = try reopen(directory)
        #expect(log.logEndOffset == end)
        #expect(try segment.size() == size)
        let warnings = handler.lines(at: .warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("orders-0: truncated 100 bytes of a partial batch at offset 20") == true)
        #expect(try log.append(TestBatch().bytes).baseOffset == end)
        #expect(batchHeaders(in: try log.read(from: 0, maxBytes: 1 << 20)).count == 11)
    }

    @Test func cutsTheLastBatchWhenOneOfItsBytesFlipped() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (end, segment) = try crashedLog(directory)
        let size = try segment.size()
        var byte = try segment.read(at: size - 10, count: 1)
        let flipped = byte.readInteger(as: UInt8.self)! ^ 0xFF
        try segment.write(ByteBuffer(bytes: [flipped]), at: size - 10)

        let (log, handler) = try reopen(directory)
        #expect(log.logEndOffset == end - 2)
        #expect(try segment.size() == size - 161)
        #expect(
            handler.lines(at: .warning).first?.contains("truncated 161 bytes of a batch with a CRC mismatch") == true
        )
        #expect(try log.append(TestBatch().bytes).baseOffset == end - 2)
    }

    @Test func cutsGarbageAfterTheLastBatch() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (end, segment) = try crashedLog(directory)
        let size = try segment.size()
        try segment.write(ByteBuffer(bytes: (0..<37).map { UInt8(truncatingIfNeeded: $0 &* 97 &+ 13) }), at: size)

        let (log, handler) = try reopen(directory)
        #expect(log.logEndOffset == end)
        #expect(try segment.size() == size)
        #expect(handler.lines(at: .warning).first?.contains("truncated 37 bytes") == true)
        #expect(try log.append(TestBatch().bytes).baseOffset == end)
    }

    @Test func anIntactLogRecoversWithoutWarnings() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (end, _) = try crashedLog(directory)
        let (log, handler) = try reopen(directory)
        #expect(log.logEndOffset == end)
        #expect(handler.lines(at: .warning).isEmpty)
    }

    @Test func corruptionInAnOlderSegmentDropsTheLaterOnes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        let log = try openLog(directory, configuration: configuration)
        for _ in 0..<24 { try log.append(TestBatch().bytes) }
        #expect(log.segmentCount == 4)
        // Second batch of the second segment (offsets 6-11).
        let segment = try SegmentFile(path: LogSegment.path(log.directory, 6, "log"))
        try segment.write(ByteBuffer(bytes: [0xAB, 0xCD]), at: 161 + 100)

        let handler = RecordingLogHandler()
        let recovered = try openLog(
            directory,
            configuration: configuration,
            logger: Logger(label: "t") { _ in handler }
        )
        #expect(recovered.logEndOffset == 7)
        #expect(recovered.segmentCount == 2)
        #expect(handler.lines(at: .warning).first?.contains("truncated \(966 - 161 + 966 * 2) bytes") == true)
        #expect(try recovered.append(TestBatch().bytes).baseOffset == 7)
    }

    @Test func aTornIndexIsRebuiltFromTheLog() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let log = try openLog(directory)
        for index in 0..<20 { try log.append(TestBatch(payloadSize: 2_000, maxTimestamp: Int64(index) * 10).bytes) }
        let checkpoint = try log.close()
        let index = try SegmentFile(path: LogSegment.path(log.directory, 0, "index"))
        try index.write(ByteBuffer(bytes: [1, 2, 3]), at: try index.size())

        let handler = RecordingLogHandler()
        let reopened = try openLog(
            directory,
            logger: Logger(label: "t") { _ in handler },
            checkpoint: checkpoint,
            clean: true
        )
        #expect(handler.lines(at: .notice).count == 1)
        #expect(try index.size() % 8 == 0)
        #expect(batchHeaders(in: try reopened.read(from: 13, maxBytes: 1)).first?.baseOffset == 13)
        #expect(try reopened.offset(forTimestamp: 125)?.offset == 13)
    }

    @Test func revalidatesOnlyFromTheRecoveryPoint() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = BrokerConfiguration.storageTest(segmentBytes: 1024)
        let log = try openLog(directory, configuration: configuration)
        for _ in 0..<24 { try log.append(TestBatch().bytes) }
        let checkpoint = try log.flush()
        #expect(checkpoint.recoveryPoint == 24)
        // Damage in a segment before the recovery point goes unnoticed: it is trusted.
        let first = try SegmentFile(path: LogSegment.path(log.directory, 0, "log"))
        try first.write(ByteBuffer(bytes: [0xAB]), at: 100)
        let reopened = try openLog(directory, configuration: configuration, checkpoint: checkpoint)
        #expect(reopened.logEndOffset == 24)
    }
}
