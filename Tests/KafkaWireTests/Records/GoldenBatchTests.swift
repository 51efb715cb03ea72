#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaWire
import NIOCore
import Testing

/// Our codec against batches that kafka-python and librdkafka really wrote.
@Suite struct GoldenBatchTests {
    @Test(arguments: GoldenBatchFixtures.clients, CompressionCodec.allCases)
    func decodesClientBatch(client: String, codec: CompressionCodec) throws {
        let bytes = try GoldenBatchFixtures.batch(client: client, codec: codec)
        let expected = try GoldenBatchFixtures.expected(client: client)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        var input = bytes
        let batch = try RecordBatch.decode(from: &input)
        #expect(input.readableBytes == 0)
        #expect(batch.compression == codec)
        #expect(batch.header.baseTimestamp == expected.baseTimestamp)
        #expect(batch.header.recordCount == Int32(expected.records.count))
        #expect(batch.records == expected.records)
        #expect(try RecordBatch.validate(bytes) == batch.header)
    }

    /// Our uncompressed records section is byte-for-byte what the client compressed.
    @Test(arguments: GoldenBatchFixtures.clients, CompressionCodec.allCases)
    func reencodesClientRecordsExactly(client: String, codec: CompressionCodec) throws {
        let bytes = try GoldenBatchFixtures.batch(client: client, codec: codec)
        var input = bytes
        let batch = try RecordBatch.decode(from: &input)
        let clientSection = try codec.decompress(
            bytes.getSlice(at: RecordBatchHeader.size, length: bytes.readableBytes - RecordBatchHeader.size)!,
            limit: 1 << 20)
        let ours = try RecordBatch.encode(header: batch.header, records: batch.records, codec: .none)
        #expect(ours.getSlice(at: RecordBatchHeader.size, length: ours.readableBytes - RecordBatchHeader.size) == clientSection)
        if codec == .none {
            #expect(ours == bytes)
        }
    }

    @Test(arguments: GoldenBatchFixtures.clients, CompressionCodec.allCases)
    func recompressesClientBatch(client: String, codec: CompressionCodec) throws {
        let plain = try GoldenBatchFixtures.batch(client: client, codec: .none)
        let compressed = try RecordBatch.recompress(plain, to: codec)
        var input = compressed
        #expect(try RecordBatch.decode(from: &input).records == GoldenBatchFixtures.expected(client: client).records)
    }

    /// With ASEED_BATCH_EXPORT_DIR set, writes our batches of the golden records as
    /// aseed-CODEC.hex there, for `capture.py check` to read with the clients' libraries.
    @Test(.enabled(if: getenv("ASEED_BATCH_EXPORT_DIR") != nil), arguments: CompressionCodec.allCases)
    func exportsBatchesForClientCheck(codec: CompressionCodec) throws {
        let directory = String(cString: getenv("ASEED_BATCH_EXPORT_DIR"))
        let expected = try GoldenBatchFixtures.expected(client: "kafka-python")
        let header = RecordBatchHeader(baseTimestamp: expected.baseTimestamp)
        let bytes = try RecordBatch.encode(header: header, records: expected.records, codec: codec)
        try GoldenBatchFixtures.writeText(GoldenBatchFixtures.hex(bytes), to: "\(directory)/aseed-\(codec).hex")
    }
}
