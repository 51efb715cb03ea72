import NIOCore

/// A decoded RecordBatch v2: its header and its records, decompressed.
///
/// The broker mostly handles batches as bytes (see `validate`, `recompress`); this type is
/// for clients and tests that need the records themselves. To build batch bytes, use
/// `encode(header:records:codec:)`.
public struct RecordBatch: Hashable, Sendable {
    public var header: RecordBatchHeader
    public var records: [Record]

    public init(header: RecordBatchHeader, records: [Record]) {
        self.header = header
        self.records = records
    }

    /// The codec named by the header's attributes (nil for the unassigned values 5-7).
    public var compression: CompressionCodec? { CompressionCodec(attributes: header.attributes) }

    /// Default cap on the decompressed size of one batch's records.
    public static let defaultDecompressionLimit = 64 * 1024 * 1024

    /// Reads one whole batch at the reader index of `buffer` and moves past it.
    ///
    /// Checks magic, length and CRC-32C, decompresses the records (at most
    /// `decompressionLimit` bytes) and parses them; the number of records must equal the
    /// header's `recordCount`. On error the reader index is left unchanged.
    /// - Throws: `RecordBatchError`, `CompressionError` or `KafkaDecodingError`.
    public static func decode(
        from buffer: inout ByteBuffer,
        decompressionLimit: Int = defaultDecompressionLimit
    ) throws -> RecordBatch {
        let frame = try Frame(buffer)
        var section = try frame.decompressedRecords(limit: decompressionLimit)
        // Every record takes at least 7 bytes: a hostile count cannot reserve more than that.
        var records: [Record] = []
        records.reserveCapacity(min(Int(frame.header.recordCount), section.readableBytes / 7))
        while section.readableBytes > 0 {
            records.append(try Record.read(from: &section))
        }
        try frame.expectRecordCount(records.count)
        buffer.moveReaderIndex(forwardBy: frame.header.totalSize)
        return RecordBatch(header: frame.header, records: records)
    }
}

extension RecordBatch {
    /// A batch whose framing was checked: magic, length, CRC (unless the caller checked it
    /// already) and codec.
    struct Frame {
        let header: RecordBatchHeader
        let codec: CompressionCodec
        /// The bytes after the 61-byte header, still compressed.
        let records: ByteBuffer

        init(_ buffer: ByteBuffer, checksumVerified: Bool = false) throws {
            let available = buffer.readableBytes
            // Magic sits at byte 16; check it before the rest of the header, whose layout
            // depends on it.
            guard available > 16 else {
                throw RecordBatchError(.truncated, "\(available) bytes cannot hold a record batch header")
            }
            let magic = buffer.getInteger(at: buffer.readerIndex + 16, as: Int8.self)!
            guard magic == 2 else {
                throw RecordBatchError(.unsupportedMagic, "magic \(magic); only record batch v2 (magic 2) is supported")
            }
            guard let header = RecordBatchHeader.peek(buffer) else {
                throw RecordBatchError(.truncated, "\(available) bytes cannot hold the 61-byte batch header")
            }
            guard header.totalSize >= RecordBatchHeader.size else {
                throw RecordBatchError(
                    .invalidBatchLength,
                    "batchLength \(header.batchLength) is shorter than the header"
                )
            }
            guard header.totalSize <= available else {
                throw RecordBatchError(.truncated, "batch needs \(header.totalSize) bytes, \(available) available")
            }
            guard checksumVerified || RecordBatchHeader.hasValidCRC(buffer) else {
                throw RecordBatchError(.crcMismatch, "stored CRC \(header.crc) does not match the batch bytes")
            }
            guard let codec = CompressionCodec(attributes: header.attributes) else {
                throw RecordBatchError(.unsupportedCompression, "compression type \(header.compressionCodec)")
            }
            guard header.recordCount >= 0 else {
                throw RecordBatchError(.invalidRecords, "negative recordCount \(header.recordCount)")
            }
            self.header = header
            self.codec = codec
            self.records = buffer.getSlice(
                at: buffer.readerIndex + RecordBatchHeader.size,
                length: header.totalSize - RecordBatchHeader.size
            )!
        }

        func decompressedRecords(limit: Int) throws -> ByteBuffer {
            try codec.decompress(records, limit: limit)
        }

        func expectRecordCount(_ count: Int) throws {
            guard count == Int(header.recordCount) else {
                throw RecordBatchError(
                    .invalidRecords,
                    "recordCount is \(header.recordCount) but the batch holds \(count) records"
                )
            }
        }
    }
}
