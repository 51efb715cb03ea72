import NIOCore

extension RecordBatch {
    /// Builds the bytes of a RecordBatch v2.
    ///
    /// From `header` it takes `baseOffset`, `partitionLeaderEpoch`, `baseTimestamp`,
    /// `producerID`, `producerEpoch`, `baseSequence` and the attribute bits above the codec
    /// (timestamp type, transactional, control). It computes `batchLength`,
    /// `lastOffsetDelta` (the last record's), `maxTimestamp` (baseTimestamp + the largest
    /// timestampDelta, or -1 without records), `recordCount`, the codec bits and the CRC.
    public static func encode(
        header: RecordBatchHeader,
        records: [Record],
        codec: CompressionCodec
    ) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        try encode(header: header, records: records, codec: codec, into: &buffer)
        return buffer
    }

    /// Like `encode(header:records:codec:)`, appending the batch to `buffer`.
    public static func encode(
        header: RecordBatchHeader,
        records: [Record],
        codec: CompressionCodec,
        into buffer: inout ByteBuffer
    ) throws {
        var header = header
        header.magic = 2
        header.attributes = (header.attributes & ~CompressionCodec.attributeMask) | Int16(codec.rawValue)
        header.recordCount = Int32(records.count)
        header.lastOffsetDelta = records.last?.offsetDelta ?? 0
        header.maxTimestamp = records.map(\.timestampDelta).max().map { header.baseTimestamp + $0 } ?? -1
        header.crc = 0

        let batchStart = buffer.writerIndex
        header.write(to: &buffer)
        if codec == .none {
            for record in records { record.write(to: &buffer) }
        } else {
            var plain = ByteBufferAllocator().buffer(capacity: records.reduce(0) { $0 + $1.bodySize + 5 })
            for record in records { record.write(to: &plain) }
            try codec.compress(plain, appendingTo: &buffer)
        }
        let totalSize = buffer.writerIndex - batchStart
        buffer.setInteger(
            Int32(totalSize - RecordBatchHeader.lengthPrefixSize),
            at: batchStart + 8,
            endianness: .big
        )
        RecordBatchHeader.sealCRC(in: &buffer, batchStart: batchStart, totalSize: totalSize)
    }
}
