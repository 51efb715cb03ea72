import KafkaWire
import NIOCore
import Testing

@Suite("FetchedBatch record visitor")
struct FetchedBatchTests {
    /// A batch at base offset 100 with null keys/values and headers, as a fetch would yield it.
    static func batch(firstOffset: Int64, logAppendTime: Bool = false) throws -> FetchedBatch {
        let records = [
            Record(timestampDelta: 0, offsetDelta: 0, key: ByteBuffer(string: "k0"), value: ByteBuffer(string: "v0")),
            Record(timestampDelta: 5, offsetDelta: 1, key: nil, value: ByteBuffer(string: "v1")),
            Record(
                timestampDelta: 7,
                offsetDelta: 2,
                key: ByteBuffer(string: "k2"),
                value: nil,
                headers: [RecordHeader(key: "a", value: ByteBuffer(string: "1")), RecordHeader(key: "b", value: nil)]
            ),
        ]
        let header = RecordBatchHeader(
            baseOffset: 100,
            attributes: logAppendTime ? 0x08 : 0,
            lastOffsetDelta: 2,
            baseTimestamp: 1000,
            maxTimestamp: 5000,
            recordCount: 3
        )
        let bytes = try RecordBatch.encode(header: header, records: records, codec: .none)
        let stored = try #require(RecordBatchHeader.peek(bytes))
        let section = bytes.getSlice(
            at: bytes.readerIndex + RecordBatchHeader.size,
            length: bytes.readableBytes - RecordBatchHeader.size
        )!
        return FetchedBatch(topic: "t", partition: 0, header: stored, recordBytes: section, firstOffset: firstOffset)
    }

    @Test("offsets, timestamps, null keys and values, headers; records before the position skipped")
    func visitor() throws {
        var seen: [(Int64, Int64, String?, String?, [RecordHeader])] = []
        try Self.batch(firstOffset: 101).forEachRecord { record in
            seen.append((record.offset, record.timestamp, record.keyString, record.valueString, record.headers))
        }
        #expect(seen.map(\.0) == [101, 102])
        #expect(seen.map(\.1) == [1005, 1007])
        #expect(seen.map(\.2) == [nil, "k2"])
        #expect(seen.map(\.3) == ["v1", nil])
        #expect(
            seen[1].4 == [RecordHeader(key: "a", value: ByteBuffer(string: "1")), RecordHeader(key: "b", value: nil)]
        )
        #expect(try Self.batch(firstOffset: 0).records.map(\.offset) == [100, 101, 102])

        // With log-append time every record carries the batch's max timestamp.
        let appended = try Self.batch(firstOffset: 0, logAppendTime: true)
        var appendTimes: [Int64] = []
        try appended.forEachRecord { appendTimes.append($0.timestamp) }
        #expect(appendTimes == Array(repeating: appended.header.maxTimestamp, count: 3))
    }

    @Test("an lz4 batch of 50,000 small records is visited whole and in order")
    func manyRecords() throws {
        let count = 50_000
        let value = ByteBuffer(repeating: UInt8(ascii: "x"), count: 200)
        let records = (0..<count).map { Record(offsetDelta: Int32($0), key: nil, value: value) }
        let header = RecordBatchHeader(lastOffsetDelta: Int32(count - 1), recordCount: Int32(count))
        let bytes = try RecordBatch.encode(header: header, records: records, codec: .lz4)
        var buffer = bytes
        let decoded = try RecordBatch.decode(from: &buffer)
        #expect(decoded.records.count == count)
        let section = try CompressionCodec.lz4.decompress(
            bytes.getSlice(at: RecordBatchHeader.size, length: bytes.readableBytes - RecordBatchHeader.size)!,
            limit: 1 << 30
        )
        let batch = FetchedBatch(topic: "t", partition: 0, header: decoded.header, recordBytes: section, firstOffset: 0)
        var total = 0
        var last: Int64 = -1
        try batch.forEachRecord { record in
            total += record.value?.count ?? 0
            last = record.offset
        }
        #expect(total == count * 200)
        #expect(last == Int64(count - 1))
    }
}
