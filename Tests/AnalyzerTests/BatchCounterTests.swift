import KafkaWire
import NIOCore
import Testing

@testable import Analyzer

@Suite("Batches that cannot be read are counted, copied and passed")
struct BatchCounterTests {
    static let header = RecordBatchHeader(baseOffset: 100, baseTimestamp: 1_757_116_800_000, producerID: -1)

    static func order(_ id: String) -> String {
        """
        {"order_id":"\(id)","product_id":"PROD-001","product_name":"Pen","category":"Office","price":1.50,\
        "quantity":2,"customer_id":"CUST-1","timestamp":"2025-09-06T12:00:00Z"}
        """
    }

    static func records(_ values: [String]) -> [Record] {
        values.enumerated().map { index, value in
            Record(offsetDelta: Int32(index), key: nil, value: ByteBuffer(string: value))
        }
    }

    /// A batch of `count` records whose compressed section is `section`, with a correct CRC.
    static func batch(section: [UInt8], count: Int32, codec: CompressionCodec) -> ByteBuffer {
        var header = Self.header
        header.magic = 2
        header.attributes = Int16(codec.rawValue)
        header.recordCount = count
        header.lastOffsetDelta = count - 1
        header.maxTimestamp = header.baseTimestamp
        header.batchLength = Int32(RecordBatchHeader.size + section.count - RecordBatchHeader.lengthPrefixSize)
        var buffer = ByteBuffer()
        header.write(to: &buffer)
        buffer.writeBytes(section)
        RecordBatchHeader.sealCRC(in: &buffer, batchStart: 0, totalSize: buffer.readableBytes)
        return buffer
    }

    /// What the consumer hands out for `bytes`: readable, or with the error that stopped it.
    static func fetched(_ bytes: ByteBuffer, limit: Int = 1 << 20, firstOffset: Int64 = 100) -> FetchedBatch {
        let header = RecordBatchHeader.peek(bytes)!
        let section = bytes.getSlice(at: RecordBatchHeader.size, length: bytes.readableBytes - RecordBatchHeader.size)!
        do {
            let records = try CompressionCodec(attributes: header.attributes)!.decompress(section, limit: limit)
            return FetchedBatch(
                topic: "orders",
                partition: 1,
                header: header,
                recordBytes: records,
                firstOffset: firstOffset,
                batchBytes: bytes
            )
        } catch {
            return FetchedBatch(
                topic: "orders",
                partition: 1,
                header: header,
                recordBytes: ByteBuffer(),
                firstOffset: firstOffset,
                batchBytes: bytes,
                readError: error
            )
        }
    }

    struct Outcome {
        var state = AnalyticsState(rules: AggregationRules())
        var counter = BatchCounter(deadLetterTopic: "orders.dlq")
        var latency = LatencyTracker()
        var skipped: BatchCounter.Skipped?

        init(_ batches: FetchedBatch...) {
            for batch in batches { skipped = counter.count(batch, into: &state, latency: &latency) }
        }

        var malformed: [String: Int64] {
            Dictionary(
                uniqueKeysWithValues: state.snapshot(.init(sequence: 1, nowMicros: 0)).pipeline.malformed.map {
                    ($0.reason.rawValue, $0.count)
                }
            )
        }

        func header(_ key: String, of copy: Int = 0) -> String? {
            counter.deadLetters.pending[copy].headers.first { $0.key == key }?.value.map { String(buffer: $0) }
        }
    }

    @Test func junkBehindACorrectCRCIsSkippedWhole() throws {
        let junk = Self.batch(section: Array("not an lz4 frame at all".utf8), count: 5, codec: .lz4)
        let good = try RecordBatch.encode(
            header: RecordBatchHeader(baseOffset: 105),
            records: Self.records([Self.order("A"), Self.order("B")]),
            codec: .lz4
        )
        let outcome = Outcome(Self.fetched(junk), Self.fetched(good, firstOffset: 105))
        #expect(outcome.malformed["unreadable-batch"] == 5)
        #expect(outcome.state.totals.orders == 2 && outcome.state.recordsIn == 7)
        #expect(outcome.state.partitions[1]?.nextOffset == 107)
        let copy = try #require(outcome.counter.deadLetters.pending.first)
        #expect(outcome.counter.deadLetters.pending.count == 1)
        #expect(copy.value == junk.getBytes(at: 0, length: junk.readableBytes))
        #expect(outcome.header("aseed-reason") == "unreadable-batch")
        #expect(outcome.header("aseed-source") == "orders/1/100-104")
        #expect(outcome.header("aseed-error")?.contains("lz4") == true)
    }

    @Test func aBatchOverTheLimitIsSkippedAsTooLarge() throws {
        let bomb = try RecordBatch.encode(
            header: Self.header,
            records: Self.records([String(repeating: " ", count: 2 << 20)]),
            codec: .gzip
        )
        #expect(bomb.readableBytes < 10_000)
        let outcome = Outcome(Self.fetched(bomb, limit: 1 << 20))
        #expect(outcome.malformed["batch-too-large"] == 1 && outcome.malformed["unreadable-batch"] == 0)
        #expect(outcome.state.partitions[1]?.nextOffset == 101)
        #expect(outcome.counter.deadLetters.pending.first?.value?.count == bomb.readableBytes)
        #expect(outcome.skipped?.reason == .batchTooLarge)
    }

    @Test func recordsThatStopParsingCountWhatWasReadAndSkipTheRest() throws {
        let plain = try RecordBatch.encode(
            header: Self.header,
            records: Self.records([Self.order("A"), "{}"]),
            codec: .none
        )
        var section = plain.getSlice(at: RecordBatchHeader.size, length: plain.readableBytes - RecordBatchHeader.size)!
        section.writeBytes([0x50, 0x00, 0x01])  // a record claiming 40 bytes, 2 present
        let broken = Self.batch(section: Array(buffer: section), count: 4, codec: .none)
        let outcome = Outcome(Self.fetched(broken))
        #expect(outcome.state.totals.orders == 1)
        #expect(outcome.malformed["missing-field"] == 1 && outcome.malformed["unreadable-batch"] == 2)
        #expect(outcome.state.recordsIn == 4 && outcome.state.partitions[1]?.nextOffset == 104)
        #expect(outcome.counter.deadLetters.pending.count == 2)
        #expect(outcome.header("aseed-source", of: 1) == "orders/1/102-103")
    }

    @Test func recordsBeforeTheFetchPositionAreNotCountedAgain() {
        let junk = Self.batch(section: Array("junk".utf8), count: 5, codec: .zstd)
        let outcome = Outcome(Self.fetched(junk, firstOffset: 103))
        #expect(outcome.malformed["unreadable-batch"] == 2)
        #expect(outcome.header("aseed-source") == "orders/1/103-104")
    }

    @Test func aHugeMalformedValueIsCopiedCut() throws {
        let value = String(repeating: "x", count: 3 << 20)
        let batch = try RecordBatch.encode(header: Self.header, records: Self.records([value]), codec: .lz4)
        let outcome = Outcome(Self.fetched(batch, limit: 64 << 20))
        #expect(outcome.malformed["invalid-json"] == 1)
        let copy = try #require(outcome.counter.deadLetters.pending.first)
        #expect(copy.value?.count == DeadLetterQueue.maxValueBytes)
        #expect(outcome.header("aseed-truncated") == String(3 << 20))
        #expect(outcome.header("aseed-source") == "orders/1/100")
    }

    @Test func aCheckpointFromBeforeTheBatchReasonsLoads() throws {
        var driver = StateDriver()
        driver.order("A", at: "12:00:00")
        driver.record("not json")
        let body = driver.state.encodeBody()
        let reasons = MalformedReason.allCases.count
        let older = reasons - 2
        var old = Array(body[0..<24])
        withUnsafeBytes(of: Int64(older).littleEndian) { old.append(contentsOf: $0) }
        old += body[32..<(32 + older * 8)]
        old += body[(32 + reasons * 8)...]
        var restored = AnalyticsState(rules: AggregationRules())
        try restored.decodeBody(old)
        #expect(restored.malformed == driver.state.malformed)
        #expect(restored.recordsIn == 2)
    }
}
