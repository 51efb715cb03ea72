import CZstd
import NIOCore

/// Kafka's zstd codec (attribute value 4, KIP-110; needs Produce v7+).
///
/// We compress at level 3 (zstd's default, also the Java client's). We decompress with the
/// streaming API because producers that stream (the Java client through zstd-jni) leave the
/// frame content size out of the frame header; concatenated frames are accepted.
enum ZstdCompression {
    static let level: Int32 = 3

    static func compressedSizeBound(_ size: Int) -> Int {
        ZSTD_compressBound(size)
    }

    static func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws {
        let bound = ZSTD_compressBound(source.count)
        try source.withNonNullBase { base in
            _ = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                let result = ZSTD_compress(space.baseAddress, space.count, base, source.count, level)
                guard ZSTD_isError(result) == 0 else {
                    throw CompressionError.library(
                        .zstd,
                        "ZSTD_compress: \(String(cString: ZSTD_getErrorName(result)))"
                    )
                }
                return result
            }
        }
    }

    static func decompress(_ source: UnsafeRawBufferPointer, limit: Int, into output: inout ByteBuffer) throws {
        guard let context = ZSTD_createDCtx() else {
            throw CompressionError.library(.zstd, "cannot create a zstd decompression context")
        }
        defer { ZSTD_freeDCtx(context) }

        try source.withNonNullBase { base in
            // When the first frame states its size and it fits the limit, allocate once.
            let declared = ZSTD_getFrameContentSize(base, source.count)
            if declared < UInt64(ZSTD_CONTENTSIZE_ERROR), declared <= UInt64(limit) {
                output.reserveCapacity(Int(declared))
            }
            var input = ZSTD_inBuffer(src: base, size: source.count, pos: 0)
            var hint = 1
            repeat {
                let consumedBefore = input.pos
                var produced = 0
                try output.writeDecompressed(limit: limit, codec: .zstd) { space in
                    var out = ZSTD_outBuffer(dst: space.baseAddress, size: space.count, pos: 0)
                    hint = ZSTD_decompressStream(context, &out, &input)
                    guard ZSTD_isError(hint) == 0 else {
                        throw CompressionError.corrupt(.zstd, String(cString: ZSTD_getErrorName(hint)))
                    }
                    produced = out.pos
                    return out.pos
                }
                if input.pos == consumedBefore && produced == 0 && hint != 0 {
                    throw CompressionError.corrupt(.zstd, "truncated zstd frame")
                }
            } while hint != 0 || input.pos < input.size
        }
    }
}
