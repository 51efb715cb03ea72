import KafkaWire
import Logging
import NIOCore
import Synchronization

@testable import MiniBroker

#if canImport(Glibc)
import Glibc
#endif

/// Builds RecordBatch v2 bytes for storage tests: a real header with a sealed CRC followed
/// by filler standing in for the records (storage never decodes records).
struct TestBatch {
    var records: Int32 = 1
    var payloadSize = 100
    var maxTimestamp: Int64 = 1_000
    var producerID: Int64 = -1
    var producerEpoch: Int16 = -1
    var baseSequence: Int32 = -1
    /// 0x10 for a transactional batch.
    var attributes: Int16 = 0

    var bytes: ByteBuffer {
        let total = RecordBatchHeader.size + payloadSize
        let header = RecordBatchHeader(
            baseOffset: 0,
            batchLength: Int32(total - RecordBatchHeader.lengthPrefixSize),
            attributes: attributes,
            lastOffsetDelta: records - 1,
            baseTimestamp: maxTimestamp,
            maxTimestamp: maxTimestamp,
            producerID: producerID,
            producerEpoch: producerEpoch,
            baseSequence: baseSequence,
            recordCount: records
        )
        var buffer = ByteBufferAllocator().buffer(capacity: total)
        header.write(to: &buffer)
        buffer.writeBytes((0..<payloadSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(maxTimestamp)) })
        RecordBatchHeader.sealCRC(in: &buffer, batchStart: 0, totalSize: total)
        return buffer
    }

    static func idempotent(producerID: Int64 = 7, epoch: Int16 = 0, sequence: Int32, records: Int32 = 1) -> ByteBuffer {
        TestBatch(records: records, producerID: producerID, producerEpoch: epoch, baseSequence: sequence).bytes
    }

    /// A batch of a transactional producer (attributes 0x10): it opens the producer's
    /// transaction unless one is open.
    static func transactional(producerID: Int64, epoch: Int16 = 0, sequence: Int32, records: Int32 = 1) -> ByteBuffer {
        TestBatch(
            records: records,
            producerID: producerID,
            producerEpoch: epoch,
            baseSequence: sequence,
            attributes: 0x10
        ).bytes
    }
}

/// Headers of the batches in `buffer`, in order.
func batchHeaders(in buffer: ByteBuffer) -> [RecordBatchHeader] {
    var rest = buffer
    var headers: [RecordBatchHeader] = []
    while let header = RecordBatchHeader.peek(rest), header.totalSize <= rest.readableBytes {
        headers.append(header)
        rest.moveReaderIndex(forwardBy: header.totalSize)
    }
    return headers
}

/// A fresh directory under /tmp, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    /// - Parameter inMemory: under /dev/shm when it exists (tmpfs: fsync costs nothing), for
    ///   tests that open and sync a log many times.
    init(inMemory: Bool = false) {
        let parent = inMemory && FileSystem.isDirectory("/dev/shm") ? "/dev/shm" : "/tmp"
        var template = Array("\(parent)/aseed-storage-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func remove() { try? FileSystem.removeTree(path) }
}

/// Keeps every message logged, to check what recovery reports.
final class RecordingLogHandler: LogHandler, Sendable {
    let messages = Mutex<[(Logger.Level, String)]>([])

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        messages.withLock { $0.append((event.level, "\(event.message)")) }
    }

    func lines(at level: Logger.Level) -> [String] {
        messages.withLock { $0.filter { $0.0 == level }.map(\.1) }
    }
}

extension BrokerConfiguration {
    static func storageTest(
        segmentBytes: Int = 64 * 1024,
        flush: FlushPolicy = .interval(milliseconds: 1000)
    ) -> BrokerConfiguration {
        var configuration = BrokerConfiguration()
        configuration.segmentBytes = segmentBytes
        configuration.flushPolicy = flush
        return configuration
    }
}

/// Opens a partition log `orders-0` under `directory`.
func openLog(
    _ directory: TemporaryDirectory,
    configuration: BrokerConfiguration = .storageTest(),
    logger: Logger = Logger(label: "test"),
    checkpoint: PartitionCheckpoint? = nil,
    clean: Bool = false,
    logStartOffset: Int64? = nil
) throws -> PartitionLog {
    try PartitionLog(
        directory: directory.path,
        topic: "orders",
        partition: 0,
        configuration: configuration,
        logger: logger,
        checkpoint: checkpoint,
        cleanShutdown: clean,
        logStartOffset: logStartOffset
    )
}
