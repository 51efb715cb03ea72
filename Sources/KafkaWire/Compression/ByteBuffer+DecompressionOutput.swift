import NIOCore

extension ByteBuffer {
    /// Offers `body` the next stretch of writable space for decompressed bytes and commits
    /// what it wrote (its return value).
    ///
    /// The space grows geometrically from 64 KiB but never past `limit` bytes in total, so a
    /// decompression bomb costs at most `limit` bytes of output buffer, whatever its claimed
    /// size. Once `limit` bytes are written, `body` gets a one-byte probe on the stack instead:
    /// if the stream still has output, it is over the limit and decompression stops there.
    mutating func writeDecompressed(
        limit: Int,
        codec: CompressionCodec,
        _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let room = limit - readableBytes
        guard room > 0 else {
            var probe: UInt8 = 0
            let produced = try withUnsafeMutableBytes(of: &probe) { try body($0) }
            if produced > 0 { throw CompressionError.limit(codec, limit) }
            return
        }
        let wanted = Swift.min(room, Swift.max(64 * 1024, readableBytes))
        try writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { space in
            try body(UnsafeMutableRawBufferPointer(rebasing: space[0..<Swift.min(space.count, room)]))
        }
    }
}

extension UnsafeRawBufferPointer {
    /// The base address, or a valid dummy address for an empty buffer: some C libraries
    /// reject a null source pointer even when the length is zero.
    func withNonNullBase<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        if let base = baseAddress { return try body(base) }
        var dummy: UInt8 = 0
        return try Swift.withUnsafeBytes(of: &dummy) { try body($0.baseAddress!) }
    }
}
