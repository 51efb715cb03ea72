import NIOCore

/// One record batch a consumer fetched: where it came from, its header and its records
/// section, already decompressed and CRC-checked.
///
/// A consumer configured with `deliversUnreadableBatches` also hands out the batches it
/// cannot read (failed CRC, unknown codec, corrupt compressed data, over the decompression
/// limit): their `readError` says why, `recordBytes` is empty and `forEachRecord` throws.
///
/// Kafka hands out whole batches, so the first batch of a fetch may start before the
/// consumer's position; the records before `firstOffset` are skipped by `forEachRecord` and
/// `records`.
public struct FetchedBatch: Sendable {
    /// Topic of the batch.
    public let topic: String
    /// Partition of the batch.
    public let partition: Int32
    /// The batch header as the broker stored it.
    public let header: RecordBatchHeader
    /// The records section, decompressed: `header.recordCount` records back to back.
    public let recordBytes: ByteBuffer
    /// Records below this offset were consumed before and are skipped.
    public let firstOffset: Int64
    /// The whole batch as the broker sent it (header included, still compressed): a slice of
    /// the fetch response, for copying a batch that cannot be read somewhere else.
    public let batchBytes: ByteBuffer
    /// Why the batch could not be read (`RecordBatchError`, `CompressionError`); nil for a
    /// readable batch.
    public let readError: (any Error)?

    /// A fetched batch from its parts.
    public init(
        topic: String,
        partition: Int32,
        header: RecordBatchHeader,
        recordBytes: ByteBuffer,
        firstOffset: Int64,
        batchBytes: ByteBuffer = ByteBuffer(),
        readError: (any Error)? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.header = header
        self.recordBytes = recordBytes
        self.firstOffset = firstOffset
        self.batchBytes = batchBytes
        self.readError = readError
    }

    /// The offset after this batch: where the partition's position moves to.
    public var nextOffset: Int64 { header.lastOffset + 1 }

    /// Calls `body` with each record at or after `firstOffset`, in offset order, without
    /// allocating: the record's bytes point into `recordBytes` and are valid only inside `body`.
    ///
    /// - Throws: `readError` for a batch that cannot be read, `KafkaDecodingError` when a
    ///   record is malformed, or what `body` throws.
    public func forEachRecord(_ body: (ConsumedRecord) throws -> Void) throws {
        if let readError { throw readError }
        let header = self.header
        let firstOffset = self.firstOffset
        try recordBytes.withUnsafeReadableBytes { bytes in
            var reader = RawRecordReader(bytes)
            while reader.hasMore {
                reader.limit = bytes.count
                let length = try reader.readVarint()
                guard length > 0, length <= bytes.count - reader.position else {
                    throw KafkaDecodingError("record length \(length) with \(bytes.count - reader.position) bytes left")
                }
                let end = reader.position + length
                reader.limit = end
                reader.position += 1  // attributes: unused in v2 records
                let timestampDelta = try reader.readVarlong()
                let offsetDelta = try reader.readVarint()
                let key = try reader.readBytes()
                let value = try reader.readBytes()
                let headerCount = try reader.readVarint()
                guard headerCount >= 0 else { throw KafkaDecodingError("negative record header count \(headerCount)") }
                let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[reader.position..<end])
                reader.position = end
                let offset = header.baseOffset + Int64(offsetDelta)
                guard offset >= firstOffset else { continue }
                let timestamp = header.usesLogAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta
                try body(
                    ConsumedRecord(
                        offset: offset,
                        timestamp: timestamp,
                        key: key,
                        value: value,
                        headerCount: headerCount,
                        headerBytes: headerBytes
                    )
                )
            }
        }
    }

    /// The records at or after `firstOffset` as values, with their offsets (allocates; for
    /// tests and small volumes).
    public var records: [(offset: Int64, record: Record)] {
        get throws {
            if let readError { throw readError }
            var section = recordBytes
            var result: [(offset: Int64, record: Record)] = []
            while section.readableBytes > 0 {
                let record = try Record.read(from: &section)
                let offset = header.baseOffset + Int64(record.offsetDelta)
                if offset >= firstOffset { result.append((offset, record)) }
            }
            return result
        }
    }
}
