import CLZ4
import NIOCore

/// Kafka's lz4 codec (attribute value 3): the LZ4 frame format (magic 0x184D2204,
/// https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md).
///
/// We write what the Java client's `KafkaLZ4BlockOutputStream` writes: 64 KiB blocks,
/// independent (the Java reader rejects linked blocks), no content size, no checksums
/// besides the mandatory header checksum. We read any valid frame, and concatenated frames.
enum LZ4FrameCompression {
    private static func preferences() -> LZ4F_preferences_t {
        var preferences = LZ4F_preferences_t()
        preferences.frameInfo.blockSizeID = LZ4F_max64KB
        preferences.frameInfo.blockMode = LZ4F_blockIndependent
        preferences.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum
        preferences.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum
        preferences.compressionLevel = 0
        return preferences
    }

    static func compressedSizeBound(_ size: Int) -> Int {
        var preferences = preferences()
        return LZ4F_compressFrameBound(size, &preferences)
    }

    static func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws {
        var preferences = preferences()
        let bound = LZ4F_compressFrameBound(source.count, &preferences)
        try source.withNonNullBase { base in
            _ = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                let result = LZ4F_compressFrame(space.baseAddress, space.count, base, source.count, &preferences)
                guard LZ4F_isError(result) == 0 else {
                    throw CompressionError.library(
                        .lz4,
                        "LZ4F_compressFrame: \(String(cString: LZ4F_getErrorName(result)))"
                    )
                }
                return result
            }
        }
    }

    static func decompress(_ source: UnsafeRawBufferPointer, limit: Int, into output: inout ByteBuffer) throws {
        try LZ4DecompressionContexts.with { context in
            try decompress(source, limit: limit, into: &output, context: context)
        }
    }

    private static func decompress(
        _ source: UnsafeRawBufferPointer,
        limit: Int,
        into output: inout ByteBuffer,
        context: OpaquePointer
    ) throws {
        try source.withNonNullBase { base in
            var consumed = 0
            var hint = 1
            repeat {
                var read = 0
                var produced = 0
                try output.writeDecompressed(limit: limit, codec: .lz4) { space in
                    var outputSize = space.count
                    var inputSize = source.count - consumed
                    hint = LZ4F_decompress(context, space.baseAddress, &outputSize, base + consumed, &inputSize, nil)
                    guard LZ4F_isError(hint) == 0 else {
                        throw CompressionError.corrupt(.lz4, String(cString: LZ4F_getErrorName(hint)))
                    }
                    read = inputSize
                    produced = outputSize
                    return outputSize
                }
                consumed += read
                // hint == 0: a frame ended; another one may follow in the input.
                if read == 0 && produced == 0 && hint != 0 {
                    throw CompressionError.corrupt(.lz4, "truncated LZ4 frame")
                }
            } while hint != 0 || consumed < source.count
        }
    }
}
