import KafkaWire
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Our batches of the golden records, for the reverse check that real clients read what our
/// encoder writes (`Tools/capture-batches/capture.py check DIR`). Not a test of its own: the
/// test that checks these batches also writes them as DIR/aseed-CODEC.hex when asked to with
/// `ASEED_BATCH_EXPORT_DIR=DIR swift test --filter GoldenBatchTests`.
enum GoldenBatchExport {
    /// The environment variable naming the directory to write to.
    static let directoryVariable = "ASEED_BATCH_EXPORT_DIR"

    /// The kafka-python golden records, encoded by us with `codec`.
    static func batch(codec: CompressionCodec) throws -> ByteBuffer {
        let expected = try GoldenBatchFixtures.expected(client: "kafka-python")
        let header = RecordBatchHeader(baseTimestamp: expected.baseTimestamp)
        return try RecordBatch.encode(header: header, records: expected.records, codec: codec)
    }

    /// Writes `bytes` as aseed-CODEC.hex into the export directory; nothing when none is set.
    static func writeIfRequested(_ bytes: ByteBuffer, codec: CompressionCodec) throws {
        guard let directory = getenv(directoryVariable) else { return }
        let path = "\(String(cString: directory))/aseed-\(codec).hex"
        try GoldenBatchFixtures.writeText(GoldenBatchFixtures.hex(bytes), to: path)
    }
}
