import NIOCore
import Testing

@testable import KafkaWire

@Suite("Producer batches decode as the records sent")
struct ProducerBatchTests {
    static func makeBatch(count: Int) -> ProducerBatch {
        var batch = ProducerBatch(topic: "t", partition: 2, capacity: 16, allocator: ByteBufferAllocator(), now: .now)
        for index in 0..<count {
            let key: [UInt8]? = index % 3 == 0 ? nil : Array("key-\(index)".utf8)
            let value = Array(repeating: UInt8(index % 251), count: 200 + index % 17)
            let headers = index % 2 == 0 ? [RecordHeader(key: "h", value: ByteBuffer(string: "v\(index)"))] : []
            key.withOptionalBytes { key in
                value.withUnsafeBytes { value in
                    _ = batch.append(
                        timestamp: 1_700_000_000_000 + Int64(index),
                        key: key,
                        value: value,
                        headers: headers
                    )
                }
            }
        }
        return batch
    }

    @Test("sealed batch decodes with RecordBatch.decode", arguments: CompressionCodec.allCases)
    func roundTrip(codec: CompressionCodec) throws {
        var batch = Self.makeBatch(count: 300)
        batch.stamp(producerID: 42, epoch: 3, baseSequence: 17)
        try batch.seal(codec: codec, allocator: ByteBufferAllocator())
        var bytes = try #require(batch.sealed)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        let decoded = try RecordBatch.decode(from: &bytes)
        #expect(bytes.readableBytes == 0)
        #expect(decoded.compression == codec)
        #expect(decoded.header.producerID == 42)
        #expect(decoded.header.producerEpoch == 3)
        #expect(decoded.header.baseSequence == 17)
        #expect(decoded.header.recordCount == 300)
        #expect(decoded.header.lastOffsetDelta == 299)
        #expect(decoded.header.baseTimestamp == 1_700_000_000_000)
        #expect(decoded.header.maxTimestamp == 1_700_000_000_299)
        for (index, record) in decoded.records.enumerated() {
            #expect(record.offsetDelta == Int32(index))
            #expect(record.timestampDelta == Int64(index))
            #expect(
                record.key.map { Array($0.readableBytesView) } == (index % 3 == 0 ? nil : Array("key-\(index)".utf8))
            )
            #expect(
                record.value.map { Array($0.readableBytesView) }
                    == Array(repeating: UInt8(index % 251), count: 200 + index % 17)
            )
            #expect(
                record.headers
                    == (index % 2 == 0 ? [RecordHeader(key: "h", value: ByteBuffer(string: "v\(index)"))] : [])
            )
        }
    }

    @Test("encoding equals RecordBatch.encode of the same records")
    func sameBytesAsReferenceEncoder() throws {
        var batch = Self.makeBatch(count: 50)
        try batch.seal(codec: .none, allocator: ByteBufferAllocator())
        var ours = try #require(batch.sealed)
        let decoded = try RecordBatch.decode(from: &ours)
        let reference = try RecordBatch.encode(header: decoded.header, records: decoded.records, codec: .none)
        #expect(batch.sealed == reference)
    }

    @Test("restamping a sealed batch keeps the CRC valid")
    func restamp() throws {
        var batch = Self.makeBatch(count: 10)
        batch.stamp(producerID: 1, epoch: 0, baseSequence: 0)
        try batch.seal(codec: .lz4, allocator: ByteBufferAllocator())
        batch.stamp(producerID: 1, epoch: 1, baseSequence: 0)
        var bytes = try #require(batch.sealed)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        let decoded = try RecordBatch.decode(from: &bytes)
        #expect(decoded.header.producerEpoch == 1)
        #expect(decoded.records.count == 10)
    }
}

extension Optional where Wrapped == [UInt8] {
    func withOptionalBytes<R>(_ body: (UnsafeRawBufferPointer?) throws -> R) rethrows -> R {
        guard let self else { return try body(nil) }
        return try self.withUnsafeBytes { try body($0) }
    }
}
