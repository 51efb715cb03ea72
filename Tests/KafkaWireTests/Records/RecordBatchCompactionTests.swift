import KafkaWire
import NIOCore
import Testing

@Suite struct RecordBatchCompactionTests {
    static let header = RecordBatchHeader(
        baseOffset: 500,
        partitionLeaderEpoch: 4,
        baseTimestamp: 1_700_000_000_000,
        producerID: 77,
        producerEpoch: 2,
        baseSequence: 30
    )

    static func record(_ index: Int) -> Record {
        let key: ByteBuffer? = index == 3 ? nil : ByteBuffer(string: "key-\(index % 3)")
        let value: ByteBuffer? = index == 4 ? nil : ByteBuffer(string: "value-\(index)")
        let headers = index == 1 ? [RecordHeader(key: "h", value: ByteBuffer(string: "x"))] : []
        return Record(
            timestampDelta: Int64(index * 10),
            offsetDelta: Int32(index),
            key: key,
            value: value,
            headers: headers
        )
    }

    static let records: [Record] = (0..<6).map(record)

    @Test(arguments: CompressionCodec.allCases)
    func readsEveryRecordsKeyInPlace(codec: CompressionCodec) throws {
        let batch = try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)
        var seen: [(Int, Int32, String?, Bool)] = []
        try RecordBatch.forEachRecordKey(in: batch) { record in
            seen.append(
                (
                    record.index, record.offsetDelta, record.key.map { String(decoding: $0, as: UTF8.self) },
                    record.hasValue
                )
            )
        }
        #expect(seen.map(\.0) == Array(0..<6) && seen.map(\.1) == Array(0..<6))
        #expect(seen.map(\.2) == ["key-0", "key-1", "key-2", nil, "key-1", "key-2"])
        #expect(seen.map(\.3) == [true, true, true, true, false, true])
    }

    @Test func refusesABatchWithABadCRC() throws {
        var batch = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        batch.setInteger(UInt8(0xFF), at: batch.readableBytes - 1)
        #expect(throws: RecordBatchError.self) { try RecordBatch.forEachRecordKey(in: batch) { _ in } }
        // A wrong stored CRC (bytes 17-20) goes unnoticed when the caller says it checked it.
        var wrongCRC = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        wrongCRC.setInteger(UInt32(0), at: 17)
        #expect(throws: RecordBatchError.self) { try RecordBatch.forEachRecordKey(in: wrongCRC) { _ in } }
        try RecordBatch.forEachRecordKey(in: wrongCRC, checksumVerified: true) { _ in }
    }

    @Test(arguments: CompressionCodec.allCases)
    func rewritesABatchWithTheRecordsKept(codec: CompressionCodec) throws {
        let batch = try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)
        guard
            case .some(var rewritten) = try RecordBatch.retaining(in: batch, where: { $0.index == 1 || $0.index == 2 })
        else {
            Issue.record("expected a rewritten batch")
            return
        }
        let decoded = try RecordBatch.decode(from: &rewritten)
        #expect(decoded.records == [Self.records[1], Self.records[2]])
        #expect(decoded.compression == codec)
        #expect(decoded.header.baseOffset == 500 && decoded.header.lastOffset == 505)
        #expect(decoded.header.recordCount == 2 && decoded.header.maxTimestamp == 1_700_000_000_020)
        #expect(decoded.header.producerID == 77 && decoded.header.producerEpoch == 2)
        #expect(decoded.header.baseSequence == 30 && decoded.header.partitionLeaderEpoch == 4)

        guard case .all = try RecordBatch.retaining(in: batch, where: { _ in true }) else {
            Issue.record("expected the batch kept whole")
            return
        }
        guard case .none = try RecordBatch.retaining(in: batch, where: { _ in false }) else {
            Issue.record("expected nothing kept")
            return
        }
    }

    @Test func anEmptyBatchKeepsTheProducersPlace() throws {
        var original = Self.header
        original.lastOffsetDelta = 5
        original.maxTimestamp = 1_700_000_000_050
        original.attributes = Int16(CompressionCodec.lz4.rawValue)
        var empty = RecordBatch.emptyBatch(replacing: original)
        #expect(empty.readableBytes == RecordBatchHeader.size)
        #expect(RecordBatchHeader.hasValidCRC(empty))
        let decoded = try RecordBatch.decode(from: &empty)
        #expect(decoded.records.isEmpty && decoded.header.recordCount == 0)
        #expect(decoded.header.baseOffset == 500 && decoded.header.lastOffset == 505)
        #expect(decoded.header.baseSequence == 30 && decoded.header.producerID == 77)
        #expect(decoded.header.compressionCodec == 0 && decoded.header.baseTimestamp == -1)
        #expect(decoded.header.maxTimestamp == 1_700_000_000_050)
    }
}
