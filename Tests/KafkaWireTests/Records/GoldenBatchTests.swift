import KafkaWire
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
            limit: 1 << 20
        )
        let ours = try RecordBatch.encode(header: batch.header, records: batch.records, codec: .none)
        #expect(
            ours.getSlice(at: RecordBatchHeader.size, length: ours.readableBytes - RecordBatchHeader.size)
                == clientSection
        )
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

    /// Our own batch of the golden records decodes back to them. The same bytes are what
    /// `capture.py check` has the clients' libraries read (see `GoldenBatchExport`).
    @Test(arguments: CompressionCodec.allCases)
    func encodesGoldenRecordsThatDecodeBack(codec: CompressionCodec) throws {
        let bytes = try GoldenBatchExport.batch(codec: codec)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        var input = bytes
        let batch = try RecordBatch.decode(from: &input)
        #expect(input.readableBytes == 0)
        #expect(batch.compression == codec)
        #expect(try batch.records == GoldenBatchFixtures.expected(client: "kafka-python").records)
        try GoldenBatchExport.writeIfRequested(bytes, codec: codec)
    }
}
