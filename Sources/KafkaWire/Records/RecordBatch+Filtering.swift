import NIOCore

extension RecordBatch {
    /// What `retaining(in:where:)` kept of a batch.
    public enum Retained: Sendable {
        /// Every record stays: the batch can be kept byte for byte.
        case all
        /// Some records stay: the batch re-encoded with only them.
        case some(ByteBuffer)
        /// No record stays (or the batch had none).
        case none
    }

    /// Rewrites a batch keeping only the records `keep` accepts, as Kafka's log cleaner does:
    /// kept records keep their offset and timestamp deltas (so their offsets and timestamps do
    /// not change), the records are compressed again with the batch's own codec, and the header
    /// keeps its base offset, producer id, epoch, base sequence and attributes. Its
    /// `lastOffsetDelta` stays the original one even when the last records go, so the
    /// producer's last sequence, which idempotence derives from it, stays the same after a
    /// restart (Kafka's `overrideLastOffset`). `recordCount`, `maxTimestamp` (except for
    /// log-append-time batches, whose timestamp is the broker's), the length and the CRC are
    /// computed anew.
    ///
    /// - Parameters:
    ///   - batch: one whole batch at the reader index (bytes after it are ignored).
    ///   - checksumVerified: whether the caller already checked the batch's CRC-32C.
    /// - Throws: `RecordBatchError`, `CompressionError` or `KafkaDecodingError`, or what `keep` throws.
    public static func retaining(
        in batch: ByteBuffer,
        decompressionLimit: Int = defaultDecompressionLimit,
        checksumVerified: Bool = false,
        where keep: (RecordKeyView) throws -> Bool
    ) throws -> Retained {
        let frame = try Frame(batch, checksumVerified: checksumVerified)
        var section = try frame.decompressedRecords(limit: decompressionLimit)
        var decisions: [Bool] = []
        decisions.reserveCapacity(Int(max(0, frame.header.recordCount)))
        try section.withUnsafeReadableBytes { bytes in
            try walkKeys(bytes) { decisions.append(try keep($0)) }
        }
        let keptCount = decisions.filter { $0 }.count
        if keptCount == 0 { return .none }
        if keptCount == decisions.count { return .all }

        var records: [Record] = []
        records.reserveCapacity(keptCount)
        for kept in decisions {
            let record = try Record.read(from: &section)
            if kept { records.append(record) }
        }
        var output = try encode(header: frame.header, records: records, codec: frame.codec)
        output.setInteger(frame.header.lastOffsetDelta, at: RecordBatchHeader.lastOffsetDeltaPosition, endianness: .big)
        if frame.header.usesLogAppendTime {
            output.setInteger(frame.header.maxTimestamp, at: RecordBatchHeader.maxTimestampPosition, endianness: .big)
        }
        RecordBatchHeader.sealCRC(in: &output, batchStart: 0, totalSize: output.readableBytes)
        return .some(output)
    }

    /// The header-only batch (no records) that replaces a batch whose records were all removed
    /// when it is an idempotent producer's last one: it keeps the base and last offsets, the
    /// producer id, epoch and base sequence, the leader epoch, the attributes (but no codec)
    /// and the max timestamp, so the producer's state is rebuilt the same from the log.
    /// Kafka writes the same (`DefaultRecordBatch.writeEmptyHeader`); consumers skip it.
    public static func emptyBatch(replacing original: RecordBatchHeader) -> ByteBuffer {
        var header = original
        header.magic = 2
        header.batchLength = Int32(RecordBatchHeader.size - RecordBatchHeader.lengthPrefixSize)
        header.attributes = original.attributes & ~CompressionCodec.attributeMask
        header.baseTimestamp = -1
        header.recordCount = 0
        header.crc = 0
        var buffer = ByteBufferAllocator().buffer(capacity: RecordBatchHeader.size)
        header.write(to: &buffer)
        RecordBatchHeader.sealCRC(in: &buffer, batchStart: 0, totalSize: RecordBatchHeader.size)
        return buffer
    }
}
