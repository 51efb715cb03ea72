import CZlib
import NIOCore

/// Kafka's gzip codec (attribute value 1): a gzip stream (RFC 1952) produced with zlib.
///
/// The Java client writes with `GZIPOutputStream` (default level), librdkafka with zlib
/// in gzip mode; both read with an inflater that, like Java's `GZIPInputStream`, accepts
/// several concatenated gzip members.
enum GzipCompression {
    /// windowBits 15 + 16: the largest window, with a gzip header and trailer.
    private static let gzipWindowBits: Int32 = 31
    /// windowBits 15 + 32: detect a gzip or zlib header automatically.
    private static let autoDetectWindowBits: Int32 = 47

    static func compressedSizeBound(_ size: Int) -> Int {
        // compressBound assumes the 6 bytes of zlib framing; gzip's header and trailer take 18.
        Int(compressBound(uLong(size))) + 12
    }

    static func compress(_ source: UnsafeRawBufferPointer, appendingTo output: inout ByteBuffer) throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // zlib keeps a pointer back to the z_stream, so it must not move: heap-allocated.
        let initStatus = deflateInit2_(
            stream,
            Z_DEFAULT_COMPRESSION,
            Z_DEFLATED,
            gzipWindowBits,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard initStatus == Z_OK else { throw failure(stream, initStatus, "deflateInit2") }
        defer { deflateEnd(stream) }

        try source.withNonNullBase { base in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(source.count)
            let bound = Int(deflateBound(stream, uLong(source.count)))
            var status = Z_OK
            while status != Z_STREAM_END {
                try output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { space in
                    stream.pointee.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(clamping: space.count)
                    status = deflate(stream, Z_FINISH)
                    guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                        throw failure(stream, status, "deflate")
                    }
                    return Int(clamping: uInt(clamping: space.count) - stream.pointee.avail_out)
                }
            }
        }
    }

    static func decompress(_ source: UnsafeRawBufferPointer, limit: Int, into output: inout ByteBuffer) throws {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initStatus = inflateInit2_(
            stream,
            autoDetectWindowBits,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard initStatus == Z_OK else { throw failure(stream, initStatus, "inflateInit2") }
        defer { inflateEnd(stream) }

        try source.withNonNullBase { base in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(source.count)
            while true {
                var status = Z_OK
                var produced = 0
                try output.writeDecompressed(limit: limit, codec: .gzip) { space in
                    stream.pointee.next_out = space.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(clamping: space.count)
                    status = inflate(stream, Z_NO_FLUSH)
                    produced = Int(clamping: uInt(clamping: space.count) - stream.pointee.avail_out)
                    return produced
                }
                switch status {
                case Z_STREAM_END:
                    if stream.pointee.avail_in == 0 { return }
                    // Another gzip member follows (Java's GZIPInputStream reads them too).
                    guard inflateReset(stream) == Z_OK else { throw failure(stream, Z_STREAM_ERROR, "inflateReset") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced == 0:
                    // No progress possible: the input ended before the gzip trailer.
                    throw CompressionError.corrupt(.gzip, "truncated gzip stream")
                case Z_BUF_ERROR:
                    continue
                case Z_MEM_ERROR:
                    throw failure(stream, status, "inflate")
                default:
                    throw CompressionError.corrupt(.gzip, message(stream, status))
                }
            }
        }
    }

    private static func message(_ stream: UnsafeMutablePointer<z_stream>, _ status: Int32) -> String {
        if let text = stream.pointee.msg { return "zlib error \(status): \(String(cString: text))" }
        return "zlib error \(status)"
    }

    private static func failure(
        _ stream: UnsafeMutablePointer<z_stream>,
        _ status: Int32,
        _ call: String
    ) -> CompressionError {
        CompressionError.library(.gzip, "\(call) failed: \(message(stream, status))")
    }
}
