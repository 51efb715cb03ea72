import NIOCore

extension RecordBatch {
    /// The broker's checks on a produced batch, walking every record without keeping any.
    ///
    /// Checks what `decode` checks (magic, length, CRC-32C, known codec, decompression within
    /// `decompressionLimit`, every record well-formed) and, like Kafka's `LogValidator`:
    /// `recordCount` is at least 1 and equals the records present, `lastOffsetDelta` is
    /// `recordCount - 1`, and record `i` has offset delta `i` (what every producer writes;
    /// a broker that assigns offsets by rewriting `baseOffset` relies on it).
    ///
    /// - Parameter batch: one whole batch at the reader index (bytes after it are ignored).
    /// - Returns: the batch's header.
    /// - Throws: `RecordBatchError`, `CompressionError` or `KafkaDecodingError`.
    @discardableResult
    public static func validate(
        _ batch: ByteBuffer,
        decompressionLimit: Int = defaultDecompressionLimit
    ) throws -> RecordBatchHeader {
        let frame = try checkedFrame(batch)
        let section = try frame.decompressedRecords(limit: decompressionLimit)
        let count = try section.withUnsafeReadableBytes { bytes in
            var walker = RecordWalker(bytes)
            var count = 0
            while walker.hasMore {
                let offsetDelta = try walker.nextRecord()
                guard Int(offsetDelta) == count else {
                    throw RecordBatchError(.invalidRecords, "record \(count) has offset delta \(offsetDelta)")
                }
                count += 1
            }
            return count
        }
        try frame.expectRecordCount(count)
        return frame.header
    }

    /// The checks of `validate` that need no decompression: magic, length, CRC-32C, known
    /// codec, at least one record, `lastOffsetDelta == recordCount - 1`. The records
    /// themselves are not read.
    @discardableResult
    public static func validateFrame(_ batch: ByteBuffer) throws -> RecordBatchHeader {
        try checkedFrame(batch).header
    }

    private static func checkedFrame(_ batch: ByteBuffer) throws -> Frame {
        let frame = try Frame(batch)
        let header = frame.header
        guard header.recordCount > 0 else {
            throw RecordBatchError(
                .invalidRecords,
                "recordCount \(header.recordCount): a batch needs at least one record"
            )
        }
        guard Int64(header.lastOffsetDelta) == Int64(header.recordCount) - 1 else {
            throw RecordBatchError(
                .invalidRecords,
                "lastOffsetDelta \(header.lastOffsetDelta) does not match recordCount \(header.recordCount)"
            )
        }
        return frame
    }
}
