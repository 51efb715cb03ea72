import CSnappy
import NIOCore

/// Kafka's snappy codec (attribute value 2), which comes in two framings.
///
/// librdkafka writes one raw snappy block. The Java client writes through xerial's
/// `SnappyOutputStream`: the magic `82 53 4E 41 50 50 59 00`, an i32 version and an i32
/// compatible version (both 1), then blocks of a big-endian i32 length and a raw snappy
/// block of at most 32 KiB of input. We read both and write the xerial framing, which the
/// Java client requires and which librdkafka and kafka-python detect by its magic.
enum SnappyCompression {
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    /// Magic, version and compatible version.
    static let xerialHeaderSize = 16
    /// xerial's default block size, which the Java client uses.
    static let xerialBlockSize = 32 * 1024

    static func compressedSizeBound(_ size: Int) -> Int {
        let fullBlocks = size / xerialBlockSize
        let rest = size % xerialBlockSize
        var bound = xerialHeaderSize + fullBlocks * (4 + snappy_max_compressed_length(xerialBlockSize))
        if rest > 0 || fullBlocks == 0 { bound += 4 + snappy_max_compressed_length(rest) }
        return bound
    }

    static func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws {
        output.writeBytes(xerialMagic)
        output.writeInteger(Int32(1), endianness: .big)
        output.writeInteger(Int32(1), endianness: .big)
        // Always at least one block, even for empty input: kafka-python only recognises the
        // xerial framing when there are bytes after the 16-byte header.
        var offset = 0
        try source.withNonNullBase { base in
            repeat {
                let count = min(xerialBlockSize, source.count - offset)
                let bound = snappy_max_compressed_length(count)
                let lengthPosition = output.writerIndex
                output.writeInteger(Int32(0), endianness: .big)
                let written = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                    var length = space.count
                    let status = snappy_compress(
                        (base + offset).assumingMemoryBound(to: CChar.self),
                        count,
                        space.baseAddress!.assumingMemoryBound(to: CChar.self),
                        &length
                    )
                    guard status == SNAPPY_OK else {
                        throw CompressionError.library(.snappy, "snappy_compress failed with status \(status.rawValue)")
                    }
                    return length
                }
                output.setInteger(Int32(written), at: lengthPosition, endianness: .big)
                offset += count
            } while offset < source.count
        }
    }

    static func decompress(_ source: UnsafeRawBufferPointer, limit: Int, into output: inout ByteBuffer) throws {
        guard isXerial(source) else {
            try decompressBlock(source, into: &output, limit: limit)
            return
        }
        var offset = xerialHeaderSize
        while offset < source.count {
            guard source.count - offset >= 4 else {
                throw CompressionError.corrupt(.snappy, "truncated xerial block length at byte \(offset)")
            }
            var length: Int32 = 0
            withUnsafeMutableBytes(of: &length) {
                $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + 4]))
            }
            let blockLength = Int(Int32(bigEndian: length))
            offset += 4
            guard blockLength >= 0, blockLength <= source.count - offset else {
                throw CompressionError.corrupt(
                    .snappy,
                    """
                    xerial block of \(blockLength) bytes at byte \(offset - 4) exceeds the \
                    \(source.count - offset) bytes left
                    """
                )
            }
            try decompressBlock(
                UnsafeRawBufferPointer(rebasing: source[offset..<offset + blockLength]),
                into: &output,
                limit: limit
            )
            offset += blockLength
        }
    }

    private static func isXerial(_ source: UnsafeRawBufferPointer) -> Bool {
        source.count >= xerialHeaderSize && source.prefix(xerialMagic.count).elementsEqual(xerialMagic)
    }

    /// Decompresses one raw snappy block, whose header states its uncompressed size: checked
    /// against the limit before anything is allocated.
    private static func decompressBlock(
        _ block: UnsafeRawBufferPointer,
        into output: inout ByteBuffer,
        limit: Int
    ) throws {
        try block.withNonNullBase { base in
            let compressed = base.assumingMemoryBound(to: CChar.self)
            var size = 0
            guard snappy_uncompressed_length(compressed, block.count, &size) == SNAPPY_OK else {
                throw CompressionError.corrupt(.snappy, "invalid snappy block header")
            }
            guard size <= limit - output.readableBytes else { throw CompressionError.limit(.snappy, limit) }
            if size == 0 {
                // Still validate: an empty block is the single byte 0.
                guard block.count == 1 else { throw CompressionError.corrupt(.snappy, "invalid empty snappy block") }
                return
            }
            try output.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { space in
                var length = size
                let status = snappy_uncompress(
                    compressed,
                    block.count,
                    space.baseAddress!.assumingMemoryBound(to: CChar.self),
                    &length
                )
                guard status == SNAPPY_OK, length == size else {
                    throw CompressionError.corrupt(.snappy, "invalid snappy block (status \(status.rawValue))")
                }
                return length
            }
        }
    }
}
