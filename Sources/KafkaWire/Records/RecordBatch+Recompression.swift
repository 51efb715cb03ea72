import NIOCore

extension RecordBatch {
    /// Compresses the records section of an uncompressed batch, without parsing records.
    ///
    /// The broker stores uncompressed producer batches compressed (topic `compression.type`,
    /// LZ4 by default), so this runs on the produce path: one compression pass straight into
    /// an output buffer sized for the codec's worst case, then one CRC pass. It copies the
    /// header, sets the codec bits, and fixes `batchLength` and the CRC; every other field
    /// is kept. It trusts the input's records (run `validate` first) and does not re-check
    /// its CRC.
    ///
    /// - Parameter batch: one whole batch at the reader index (bytes after it are ignored).
    /// - Returns: the new batch; `batch` itself (sliced to the batch) when `codec` is `.none`.
    /// - Throws: `RecordBatchError` if the batch is cut, not v2 or already compressed;
    ///   `CompressionError` if the codec fails.
    public static func recompress(_ batch: ByteBuffer, to codec: CompressionCodec) throws -> ByteBuffer {
        guard let header = RecordBatchHeader.peek(batch) else {
            throw RecordBatchError(.truncated, "\(batch.readableBytes) bytes cannot hold the 61-byte batch header")
        }
        guard header.magic == 2 else {
            throw RecordBatchError(
                .unsupportedMagic,
                "magic \(header.magic); only record batch v2 (magic 2) is supported"
            )
        }
        guard header.totalSize >= RecordBatchHeader.size, header.totalSize <= batch.readableBytes else {
            throw RecordBatchError(
                .truncated,
                "batch needs \(header.totalSize) bytes, \(batch.readableBytes) available"
            )
        }
        guard header.compressionCodec == 0 else {
            throw RecordBatchError(.alreadyCompressed, "batch is compressed with codec \(header.compressionCodec)")
        }
        let start = batch.readerIndex
        guard codec != .none else { return batch.getSlice(at: start, length: header.totalSize)! }

        let records = batch.getSlice(
            at: start + RecordBatchHeader.size,
            length: header.totalSize - RecordBatchHeader.size
        )!
        var output = ByteBufferAllocator().buffer(
            capacity: RecordBatchHeader.size + codec.compressedSizeBound(records.readableBytes)
        )
        output.writeImmutableBuffer(batch.getSlice(at: start, length: RecordBatchHeader.size)!)
        try codec.compress(records, appendingTo: &output)

        let totalSize = output.readableBytes
        output.setInteger(Int32(totalSize - RecordBatchHeader.lengthPrefixSize), at: 8, endianness: .big)
        output.setInteger(
            (header.attributes & ~CompressionCodec.attributeMask) | Int16(codec.rawValue),
            at: RecordBatchHeader.attributesPosition,
            endianness: .big
        )
        RecordBatchHeader.sealCRC(in: &output, batchStart: 0, totalSize: totalSize)
        return output
    }
}
