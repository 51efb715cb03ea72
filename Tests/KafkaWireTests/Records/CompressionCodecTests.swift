import KafkaWire
import NIOCore
import Testing

@Suite struct CompressionCodecTests {
    static let compressing: [CompressionCodec] = [.gzip, .snappy, .lz4, .zstd]

    enum Payload: String, CaseIterable, Sendable {
        case empty, small, oneMegabyteText, oneMegabyteRandom, blockBoundary

        var bytes: ByteBuffer {
            switch self {
            case .empty: ByteBuffer()
            case .small: TestPayloads.string("hello, kafka")
            case .oneMegabyteText: TestPayloads.text(1 << 20)
            case .oneMegabyteRandom: TestPayloads.random(1 << 20)
            // One byte past a 64 KiB LZ4 block and two 32 KiB snappy blocks.
            case .blockBoundary: TestPayloads.random(64 * 1024 + 1, seed: 7)
            }
        }
    }

    @Test(arguments: CompressionCodec.allCases, Payload.allCases)
    func roundTrip(codec: CompressionCodec, payload: Payload) throws {
        let input = payload.bytes
        let compressed = try codec.compress(input)
        #expect(compressed.readableBytes <= codec.compressedSizeBound(input.readableBytes))
        let output = try codec.decompress(compressed, limit: input.readableBytes)
        #expect(output == input)
    }

    @Test(arguments: compressing)
    func compressesRepetitiveData(codec: CompressionCodec) throws {
        let input = TestPayloads.text(1 << 20)
        let compressed = try codec.compress(input)
        #expect(compressed.readableBytes < input.readableBytes / 4)
    }

    @Test(arguments: CompressionCodec.allCases)
    func appendsBehindExistingBytes(codec: CompressionCodec) throws {
        var output = ByteBuffer(string: "prefix")
        let input = TestPayloads.text(10_000)
        try codec.compress(input, appendingTo: &output)
        #expect(output.readString(length: 6) == "prefix")
        #expect(try codec.decompress(output, limit: 10_000) == input)
    }

    @Test(arguments: CompressionCodec.allCases)
    func limitStopsDecompressionBombs(codec: CompressionCodec) throws {
        let zeros = ByteBuffer(repeating: 0, count: 4 << 20)
        let compressed = try codec.compress(zeros)
        #expect(try codec.decompress(compressed, limit: 4 << 20).readableBytes == 4 << 20)
        let error = try #require(throws: CompressionError.self) {
            try codec.decompress(compressed, limit: (4 << 20) - 1)
        }
        #expect(error.code == .outputLimitExceeded)
        #expect(error.codec == codec)
        #expect(throws: CompressionError.self) { try codec.decompress(compressed, limit: 1000) }
        #expect(throws: CompressionError.self) { try codec.decompress(compressed, limit: 0) }
    }

    /// A bomb (32 MiB of zeros, a few KiB compressed) stops as soon as the output passes the
    /// limit, and the output buffer never grew beyond the limit on the way.
    @Test(arguments: compressing, [1 << 20, 1_000_000])
    func bombsStopAtTheLimitWithBoundedAllocation(codec: CompressionCodec, limit: Int) throws {
        let bomb = try codec.compress(ByteBuffer(repeating: 0, count: 32 << 20))
        #expect(bomb.readableBytes < 2 << 20)
        var output = ByteBuffer()
        let error = try #require(throws: CompressionError.self) {
            try codec.decompress(bomb, limit: limit, into: &output)
        }
        #expect(error.code == .outputLimitExceeded)
        #expect(output.readableBytes <= limit)
        #expect(
            output.capacity <= 1 << 20,
            "\(codec) grew its output to \(output.capacity) bytes for a limit of \(limit)"
        )
    }

    @Test(arguments: CompressionCodec.allCases)
    func outputOfExactlyTheLimitIsAccepted(codec: CompressionCodec) throws {
        let input = TestPayloads.text(1 << 20)
        var output = ByteBuffer()
        try codec.decompress(try codec.compress(input), limit: 1 << 20, into: &output)
        #expect(output == input && output.capacity <= 1 << 20)
    }

    @Test(arguments: compressing)
    func truncatedInputThrows(codec: CompressionCodec) throws {
        let compressed = try codec.compress(TestPayloads.text(100_000))
        for cut in [1, 3, compressed.readableBytes / 2, compressed.readableBytes - 1] {
            let truncated = compressed.getSlice(at: compressed.readerIndex, length: cut)!
            #expect(throws: CompressionError.self, "cut at \(cut)") {
                try codec.decompress(truncated, limit: 1 << 20)
            }
        }
        #expect(throws: CompressionError.self) { try codec.decompress(ByteBuffer(), limit: 1 << 20) }
    }

    /// Decompression state is reused between calls (LZ4 keeps its contexts): an input that
    /// failed half-way, or stopped at the limit, must not leak into the next one, on this
    /// thread or another.
    @Test(arguments: compressing)
    func aFailedDecompressionLeavesNothingBehind(codec: CompressionCodec) async throws {
        let input = TestPayloads.text(200_000)
        let compressed = try codec.compress(input)
        let truncated = compressed.getSlice(at: compressed.readerIndex, length: compressed.readableBytes / 2)!
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<25 {
                        #expect(throws: CompressionError.self) { try codec.decompress(truncated, limit: 1 << 20) }
                        #expect(throws: CompressionError.self) { try codec.decompress(compressed, limit: 1_000) }
                        let output = try codec.decompress(compressed, limit: 1 << 20)
                        #expect(output == input)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    @Test(arguments: compressing)
    func garbageThrows(codec: CompressionCodec) {
        let garbage = TestPayloads.string("this was never compressed by anyone at all")
        let error = #expect(throws: CompressionError.self) { try codec.decompress(garbage, limit: 1 << 20) }
        #expect(error?.code == .corruptInput)
    }

    @Test func gzipDetectsFlippedBytes() throws {
        var compressed = try CompressionCodec.gzip.compress(TestPayloads.text(10_000))
        let position = compressed.readerIndex + compressed.readableBytes / 2
        compressed.setInteger(compressed.getInteger(at: position, as: UInt8.self)! ^ 0xFF, at: position)
        #expect(throws: CompressionError.self) { try CompressionCodec.gzip.decompress(compressed, limit: 1 << 20) }
    }

    @Test func gzipReadsConcatenatedMembers() throws {
        var both = try CompressionCodec.gzip.compress(TestPayloads.string("first "))
        var second = try CompressionCodec.gzip.compress(TestPayloads.string("second"))
        both.writeBuffer(&second)
        #expect(try CompressionCodec.gzip.decompress(both, limit: 100) == TestPayloads.string("first second"))
    }

    @Test func lz4WritesIndependent64KBlocksWithoutContentSize() throws {
        let frame = try CompressionCodec.lz4.compress(TestPayloads.string("x"))
        #expect(frame.getBytes(at: 0, length: 4) == [0x04, 0x22, 0x4D, 0x18])
        // FLG: version 01, block independence set, no block checksum, no content size,
        // no content checksum, no dictionary. BD: block max size 4 (64 KiB).
        #expect(frame.getInteger(at: 4, as: UInt8.self) == 0b0110_0000)
        #expect(frame.getInteger(at: 5, as: UInt8.self) == 0x40)
    }

    @Test func snappyWritesXerialFraming() throws {
        let compressed = try CompressionCodec.snappy.compress(TestPayloads.string("hello"))
        #expect(
            compressed.getBytes(at: 0, length: 16) == [
                0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1,
            ]
        )
        let blockLength = try #require(compressed.getInteger(at: 16, as: Int32.self))
        #expect(Int(blockLength) == compressed.readableBytes - 20)
    }

    @Test func snappyReadsRawBlocksAsLibrdkafkaWritesThem() throws {
        // Raw snappy: varint uncompressed length 5, literal tag (5 - 1) << 2, the bytes.
        let raw = ByteBuffer(bytes: [0x05, 0x10] + Array("hello".utf8))
        #expect(try CompressionCodec.snappy.decompress(raw, limit: 5) == TestPayloads.string("hello"))
        #expect(throws: CompressionError.self) { try CompressionCodec.snappy.decompress(raw, limit: 4) }
    }

    @Test func snappyRejectsOversizedXerialBlockLength() throws {
        var compressed = try CompressionCodec.snappy.compress(TestPayloads.string("hello"))
        compressed.setInteger(Int32.max, at: 16)
        #expect(throws: CompressionError.self) { try CompressionCodec.snappy.decompress(compressed, limit: 1 << 20) }
        compressed.setInteger(Int32(-1), at: 16)
        #expect(throws: CompressionError.self) { try CompressionCodec.snappy.decompress(compressed, limit: 1 << 20) }
    }

    @Test func snappyChecksClaimedSizeBeforeAllocating() {
        // A raw block claiming 2^31 bytes of output, with none of them present.
        let bomb = ByteBuffer(bytes: [0x80, 0x80, 0x80, 0x80, 0x08, 0x00])
        let error = #expect(throws: CompressionError.self) {
            try CompressionCodec.snappy.decompress(bomb, limit: 1 << 20)
        }
        #expect(error?.code == .outputLimitExceeded)
    }

    @Test func codecFromAttributes() {
        #expect(CompressionCodec(attributes: 0x0013) == .lz4)
        #expect(CompressionCodec(attributes: 0x0020) == CompressionCodec.none)
        #expect(CompressionCodec(attributes: 0x0005) == nil)
        #expect(CompressionCodec.allCases.map(\.description) == ["none", "gzip", "snappy", "lz4", "zstd"])
    }
}
