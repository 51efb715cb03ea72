import KafkaWire
import NIOCore
import Testing

@Suite struct RecordBatchTests {
    static let header = RecordBatchHeader(
        baseOffset: 1000,
        partitionLeaderEpoch: 7,
        attributes: 0x10,
        baseTimestamp: 1_700_000_000_000,
        producerID: 4242,
        producerEpoch: 3,
        baseSequence: 17
    )

    static let records: [Record] = [
        Record(timestampDelta: 0, offsetDelta: 0, key: ByteBuffer(string: "k0"), value: ByteBuffer(string: "v0")),
        Record(timestampDelta: 5, offsetDelta: 1, key: nil, value: ByteBuffer(string: "no key")),
        Record(timestampDelta: 3, offsetDelta: 2, key: ByteBuffer(string: "tombstone"), value: nil),
        Record(
            timestampDelta: 9,
            offsetDelta: 3,
            key: ByteBuffer(),
            value: ByteBuffer(),
            headers: [
                RecordHeader(key: "trace-id", value: ByteBuffer(string: "abc")),
                RecordHeader(key: "null-value", value: nil),
                RecordHeader(key: "ünïcode ✓", value: ByteBuffer(bytes: [0, 255, 128])),
                RecordHeader(key: "", value: ByteBuffer()),
            ]
        ),
        Record(timestampDelta: -2, offsetDelta: 4, key: nil, value: TestPayloads.text(3000)),
    ]

    static func decode(_ bytes: ByteBuffer) throws -> RecordBatch {
        var bytes = bytes
        return try RecordBatch.decode(from: &bytes)
    }

    /// Rewrites the integer at `position` and reseals the CRC, so the change gets past the
    /// checksum and reaches the checks behind it.
    static func tamper<T: FixedWidthInteger>(_ batch: ByteBuffer, at position: Int, with value: T) -> ByteBuffer {
        var batch = batch
        batch.setInteger(value, at: position)
        RecordBatchHeader.sealCRC(in: &batch, batchStart: 0, totalSize: batch.readableBytes)
        return batch
    }

    @Test(arguments: CompressionCodec.allCases)
    func roundTrip(codec: CompressionCodec) throws {
        let bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)
        #expect(RecordBatchHeader.hasValidCRC(bytes))
        let batch = try Self.decode(bytes)
        #expect(batch.records == Self.records)
        #expect(batch.compression == codec)
        #expect(batch.header.baseOffset == 1000)
        #expect(batch.header.partitionLeaderEpoch == 7)
        #expect(batch.header.isTransactional)
        #expect(batch.header.producerID == 4242 && batch.header.producerEpoch == 3 && batch.header.baseSequence == 17)
        #expect(try RecordBatch.validate(bytes) == batch.header)
    }

    @Test func encodeComputesDerivedFields() throws {
        let bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        let header = try #require(RecordBatchHeader.peek(bytes))
        #expect(header.totalSize == bytes.readableBytes)
        #expect(header.magic == 2)
        #expect(header.recordCount == 5)
        #expect(header.lastOffsetDelta == 4)
        #expect(header.maxTimestamp == 1_700_000_000_009)
        #expect(header.attributes == 0x10)
    }

    @Test func peekReadsEveryFieldAtTheReaderIndexWithoutMovingIt() throws {
        // Every field distinct and with its high byte set, so a field read at the wrong
        // offset, width or byte order shows.
        let written = RecordBatchHeader(
            baseOffset: -0x0102_0304_0506_0708,
            batchLength: -0x1112_1314,
            partitionLeaderEpoch: -0x2122_2324,
            magic: 2,
            crc: 0xF1F2_F3F4,
            attributes: -0x3132,
            lastOffsetDelta: -0x4142_4344,
            baseTimestamp: -0x5152_5354_5556_5758,
            maxTimestamp: -0x6162_6364_6566_6768,
            producerID: -0x7172_7374_7576_7778,
            producerEpoch: -0x0182,
            baseSequence: -0x0192_9394,
            recordCount: -0x01A2_A3A4
        )
        var buffer = ByteBuffer(bytes: [0xEE, 0xEE, 0xEE])
        written.write(to: &buffer)
        buffer.moveReaderIndex(forwardBy: 3)
        #expect(RecordBatchHeader.peek(buffer) == written)
        #expect(buffer.readerIndex == 3)
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)
        #expect(RecordBatchHeader.peek(buffer) == nil)
    }

    @Test func encodeAppendsToExistingBytes() throws {
        var buffer = ByteBuffer()
        try RecordBatch.encode(header: Self.header, records: Self.records, codec: .lz4, into: &buffer)
        var second = Self.header
        second.baseOffset = 1005
        try RecordBatch.encode(header: second, records: Self.records, codec: .none, into: &buffer)
        let first = try RecordBatch.decode(from: &buffer)
        let next = try RecordBatch.decode(from: &buffer)
        #expect(buffer.readableBytes == 0)
        #expect(first.records == Self.records && next.records == Self.records)
        #expect(next.header.baseOffset == 1005)
    }

    @Test func emptyBatchEncodesAndDecodes() throws {
        let bytes = try RecordBatch.encode(header: Self.header, records: [], codec: .zstd)
        let batch = try Self.decode(bytes)
        #expect(batch.records.isEmpty)
        #expect(batch.header.maxTimestamp == -1)
        let error = #expect(throws: RecordBatchError.self) { try RecordBatch.validate(bytes) }
        #expect(error?.code == .invalidRecords)
    }

    @Test(arguments: CompressionCodec.allCases)
    func crcMismatchIsDetected(codec: CompressionCodec) throws {
        var bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)
        let position = bytes.readableBytes - 10
        bytes.setInteger(bytes.getInteger(at: position, as: UInt8.self)! ^ 0x01, at: position)
        let error = #expect(throws: RecordBatchError.self) { try Self.decode(bytes) }
        #expect(error?.code == .crcMismatch)
        #expect(throws: RecordBatchError.self) { try RecordBatch.validate(bytes) }
    }

    @Test func baseOffsetAndLeaderEpochAreOutsideTheCRC() throws {
        var bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        bytes.setInteger(Int64(99_999), at: RecordBatchHeader.baseOffsetPosition)
        bytes.setInteger(Int32(12), at: RecordBatchHeader.partitionLeaderEpochPosition)
        let batch = try Self.decode(bytes)
        #expect(batch.header.baseOffset == 99_999 && batch.header.partitionLeaderEpoch == 12)
    }

    @Test func framingErrors() throws {
        let bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        func code(_ bytes: ByteBuffer) -> RecordBatchError.Code? {
            (#expect(throws: RecordBatchError.self) { try Self.decode(bytes) })?.code
        }
        #expect(code(bytes.getSlice(at: 0, length: 10)!) == .truncated)
        #expect(code(bytes.getSlice(at: 0, length: 60)!) == .truncated)
        #expect(code(bytes.getSlice(at: 0, length: bytes.readableBytes - 1)!) == .truncated)
        #expect(code(Self.tamper(bytes, at: 16, with: Int8(1))) == .unsupportedMagic)
        #expect(code(Self.tamper(bytes, at: 8, with: Int32(10))) == .invalidBatchLength)
        #expect(code(Self.tamper(bytes, at: 8, with: Int32.max)) == .truncated)
        #expect(
            code(Self.tamper(bytes, at: RecordBatchHeader.attributesPosition, with: Int16(0x0005)))
                == .unsupportedCompression
        )
        #expect(code(Self.tamper(bytes, at: 57, with: Int32(6))) == .invalidRecords)
        #expect(code(Self.tamper(bytes, at: 57, with: Int32(-1))) == .invalidRecords)
    }

    @Test func decodeLeavesReaderIndexOnError() throws {
        var bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        bytes.moveWriterIndex(to: bytes.writerIndex - 1)
        #expect(throws: RecordBatchError.self) { try RecordBatch.decode(from: &bytes) }
        #expect(bytes.readerIndex == 0)
    }

    @Test func malformedRecordThrowsDecodingError() throws {
        let bytes = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        // The first record's length varint, claiming far more bytes than the batch has.
        let tampered = Self.tamper(bytes, at: RecordBatchHeader.size, with: UInt8(0x7E))
        #expect(throws: KafkaDecodingError.self) { try Self.decode(tampered) }
        #expect(throws: KafkaDecodingError.self) { try RecordBatch.validate(tampered) }
    }

    @Test func decompressionLimitApplies() throws {
        let records = [Record(offsetDelta: 0, key: nil, value: ByteBuffer(repeating: 0, count: 1 << 20))]
        var bytes = try RecordBatch.encode(header: Self.header, records: records, codec: .zstd)
        let error = #expect(throws: CompressionError.self) {
            try RecordBatch.decode(from: &bytes, decompressionLimit: 1 << 16)
        }
        #expect(error?.code == .outputLimitExceeded)
        #expect(throws: CompressionError.self) { try RecordBatch.validate(bytes, decompressionLimit: 1 << 16) }
    }

    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func recompressKeepsRecordsAndHeader(codec: CompressionCodec) throws {
        let plain = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        let compressed = try RecordBatch.recompress(plain, to: codec)
        let batch = try Self.decode(compressed)
        #expect(batch.records == Self.records)
        #expect(batch.compression == codec)
        var expected = try #require(RecordBatchHeader.peek(plain))
        expected.attributes |= Int16(codec.rawValue)
        expected.batchLength = Int32(compressed.readableBytes - RecordBatchHeader.lengthPrefixSize)
        expected.crc = batch.header.crc
        #expect(batch.header == expected)
        #expect(try RecordBatch.validate(compressed) == batch.header)
        // Same bytes as encoding the records with the codec in the first place.
        #expect(compressed == (try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)))
    }

    @Test func recompressReadsOnlyTheFirstBatch() throws {
        var two = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        let size = two.readableBytes
        try RecordBatch.encode(header: Self.header, records: [], codec: .none, into: &two)
        two.moveReaderIndex(forwardBy: 0)
        let compressed = try RecordBatch.recompress(two, to: .lz4)
        #expect(try Self.decode(compressed).records == Self.records)
        #expect(try RecordBatch.recompress(two, to: .none).readableBytes == size)
    }

    @Test func recompressRejectsCompressedAndCutBatches() throws {
        let compressed = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .gzip)
        let error = #expect(throws: RecordBatchError.self) { try RecordBatch.recompress(compressed, to: .lz4) }
        #expect(error?.code == .alreadyCompressed)
        let plain = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        #expect(throws: RecordBatchError.self) {
            try RecordBatch.recompress(plain.getSlice(at: 0, length: 100)!, to: .lz4)
        }
        #expect(throws: RecordBatchError.self) { try RecordBatch.recompress(ByteBuffer(), to: .lz4) }
    }

    @Test func validateChecksOffsetDeltas() throws {
        var records = Self.records
        records[2].offsetDelta = 7
        let gap = try RecordBatch.encode(header: Self.header, records: records, codec: .lz4)
        #expect(throws: RecordBatchError.self) { try RecordBatch.validate(gap) }
        #expect(try Self.decode(gap).records == records)

        let plain = try RecordBatch.encode(header: Self.header, records: Self.records, codec: .none)
        let badLast = Self.tamper(plain, at: 23, with: Int32(9))
        let error = #expect(throws: RecordBatchError.self) { try RecordBatch.validate(badLast) }
        #expect(error?.code == .invalidRecords)
    }

    /// Every truncation and every single-byte change (with the CRC resealed, so the record
    /// parser sees it) must throw or decode: never trap.
    @Test func hostileBytesNeverTrap() throws {
        let plain = try RecordBatch.encode(header: Self.header, records: Array(Self.records.prefix(4)), codec: .none)
        for length in 0..<plain.readableBytes {
            #expect(throws: (any Error).self) { try Self.decode(plain.getSlice(at: 0, length: length)!) }
        }
        for position in RecordBatchHeader.crcCoverageStart..<plain.readableBytes {
            for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                let tampered = Self.tamper(plain, at: position, with: value)
                _ = try? Self.decode(tampered)
                _ = try? RecordBatch.validate(tampered)
            }
        }
        for codec in [CompressionCodec.gzip, .snappy, .lz4, .zstd] {
            let compressed = try RecordBatch.encode(header: Self.header, records: Self.records, codec: codec)
            for position in stride(from: RecordBatchHeader.size, to: compressed.readableBytes, by: 7) {
                _ = try? Self.decode(Self.tamper(compressed, at: position, with: UInt8(0xA5)))
            }
        }
    }
}
