import KafkaWire
import NIOCore

extension LogSegment {
    /// The position and header of the batch containing `offset`, or nil when the segment
    /// ends before it. Binary search in the offset index, then a short forward scan.
    func locate(offset: Int64) throws -> (position: Int, header: RecordBatchHeader)? {
        let entry = offsetIndex.lastEntry(atOrBelow: offset - baseOffset)
        var cursor = cursor(from: Int(entry?.position ?? 0))
        while case .batch(let header, let position, _) = try cursor.next() {
            if header.lastOffset >= offset { return (position, header) }
        }
        return nil
    }

    /// Whole batches from `position`: at least the first one (`firstBatchSize` bytes) even
    /// when larger than `maxBytes`, then as many more as fit in `maxBytes` (KIP-74).
    func read(from position: Int, firstBatchSize: Int, maxBytes: Int) throws -> ByteBuffer {
        let wanted = max(firstBatchSize, min(maxBytes, size - position))
        var bytes = try log.read(at: position, count: wanted)
        var wholeBatches = 0
        while wholeBatches + RecordBatchHeader.lengthPrefixSize <= bytes.readableBytes {
            let length = bytes.getInteger(at: bytes.readerIndex + wholeBatches + 8, endianness: .big, as: Int32.self)!
            let total = Int(length) + RecordBatchHeader.lengthPrefixSize
            guard wholeBatches + total <= bytes.readableBytes else { break }
            wholeBatches += total
        }
        bytes.moveWriterIndex(to: bytes.readerIndex + wholeBatches)
        return bytes
    }

    /// The first batch whose max timestamp is >= `timestamp`, or nil when none is.
    /// The time index gives the last point known to be earlier; the scan starts there.
    func firstBatch(atOrAfter timestamp: Int64) throws -> RecordBatchHeader? {
        guard maxTimestamp >= timestamp else { return nil }
        let start = Int64(timeIndex.lastEntry(below: timestamp)?.relativeOffset ?? 0)
        let entry = offsetIndex.lastEntry(atOrBelow: start)
        var cursor = cursor(from: Int(entry?.position ?? 0))
        while case .batch(let header, _, _) = try cursor.next() {
            if header.maxTimestamp >= timestamp { return header }
        }
        return nil
    }

    /// Calls `body` with the header of every batch whose base offset is >= `offset`.
    func forEachHeader(from offset: Int64, _ body: (RecordBatchHeader) -> Void) throws {
        let entry = offsetIndex.lastEntry(atOrBelow: offset - baseOffset)
        var cursor = BatchCursor(
            file: log, size: size, from: Int(entry?.position ?? 0), validates: false,
            chunkSize: BatchCursor.recoveryChunkSize)
        while case .batch(let header, _, _) = try cursor.next() {
            if header.baseOffset >= offset { body(header) }
        }
    }

    /// Header of the batch at `position`, when a whole one is there.
    func header(at position: Int) throws -> RecordBatchHeader? {
        var cursor = cursor(from: position)
        guard case .batch(let header, _, _) = try cursor.next() else { return nil }
        return header
    }

    private func cursor(from position: Int) -> BatchCursor {
        BatchCursor(file: log, size: size, from: position, validates: false, chunkSize: Self.lookupChunkSize)
    }
}
