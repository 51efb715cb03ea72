import NIOCore

extension RecordBatch {
    /// Calls `body` with the key view of every record of `batch`, in order, after checking the
    /// batch's framing (magic, length, CRC-32C unless `checksumVerified`, codec) and decompressing its records (at most
    /// `decompressionLimit` bytes).
    ///
    /// - Parameters:
    ///   - batch: one whole batch at the reader index (bytes after it are ignored).
    ///   - checksumVerified: whether the caller already checked the batch's CRC-32C.
    /// - Throws: `RecordBatchError`, `CompressionError` or `KafkaDecodingError`, or what `body` throws.
    public static func forEachRecordKey(
        in batch: ByteBuffer,
        decompressionLimit: Int = defaultDecompressionLimit,
        checksumVerified: Bool = false,
        _ body: (RecordKeyView) throws -> Void
    ) throws {
        let frame = try Frame(batch, checksumVerified: checksumVerified)
        let section = try frame.decompressedRecords(limit: decompressionLimit)
        try section.withUnsafeReadableBytes { bytes in
            try walkKeys(bytes, body)
        }
    }

    /// Walks an uncompressed records section, calling `body` for each record.
    static func walkKeys(_ bytes: UnsafeRawBufferPointer, _ body: (RecordKeyView) throws -> Void) throws {
        var walker = RecordWalker(bytes)
        var index = 0
        while walker.hasMore {
            let fields = try walker.nextFields()
            try body(
                RecordKeyView(index: index, offsetDelta: fields.offsetDelta, key: fields.key, hasValue: fields.hasValue)
            )
            index += 1
        }
    }
}
