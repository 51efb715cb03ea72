import NIOCore

extension ByteBuffer {
    /// Offers `body` the next stretch of writable space for decompressed bytes and commits
    /// what it wrote (its return value).
    ///
    /// The space grows geometrically from 64 KiB but never past `limit + 1` bytes in total:
    /// a stream that fills `limit + 1` bytes is over the limit, so a decompression bomb is
    /// caught after allocating about `limit` bytes, whatever its claimed size.
    mutating func writeDecompressed(
        limit: Int, codec: CompressionCodec, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws {
        let room = limit + 1 - readableBytes
        guard room > 0 else { throw CompressionError.limit(codec, limit) }
        let wanted = Swift.min(room, Swift.max(64 * 1024, readableBytes))
        try writeWithUnsafeMutableBytes(minimumWritableBytes: wanted) { space in
            try body(UnsafeMutableRawBufferPointer(rebasing: space[0..<Swift.min(space.count, room)]))
        }
        if readableBytes > limit { throw CompressionError.limit(codec, limit) }
    }
}

extension UnsafeRawBufferPointer {
    /// The base address, or a valid dummy address for an empty buffer: some C libraries
    /// reject a null source pointer even when the length is zero.
    func withNonNullBase<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        if let base = baseAddress { return try body(base) }
        var dummy: UInt8 = 0
        return try withUnsafeBytes(of: &dummy) { try body($0.baseAddress!) }
    }
}
