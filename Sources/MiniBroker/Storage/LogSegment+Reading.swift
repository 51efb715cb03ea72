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
        try log.read(
            at: position,
            count: wholeBatchLength(from: position, firstBatchSize: firstBatchSize, maxBytes: maxBytes)
        )
    }

    /// The same bytes as `read`, as a region of the file for sendfile.
    func slice(from position: Int, firstBatchSize: Int, maxBytes: Int) throws -> FileSlice {
        let length = try wholeBatchLength(from: position, firstBatchSize: firstBatchSize, maxBytes: maxBytes)
        return FileSlice(descriptor: try log.duplicateDescriptor(), position: position, length: length)
    }

    /// Length of the whole batches from `position` that `read` returns. The offset index
    /// (an entry every few KiB, always at a batch start) jumps close to the limit; the
    /// batch lengths after it are read one by one.
    func wholeBatchLength(from position: Int, firstBatchSize: Int, maxBytes: Int) throws -> Int {
        let limit = min(position + max(maxBytes, firstBatchSize), size)
        var end = position + firstBatchSize
        if let entry = offsetIndex.lastEntry(atOrBeforePosition: limit), Int(entry.position) > end {
            end = Int(entry.position)
        }
        while end + RecordBatchHeader.lengthPrefixSize <= limit {
            guard let length = try log.readInt32(at: end + 8), length >= 0 else { break }
            let next = end + Int(length) + RecordBatchHeader.lengthPrefixSize
            guard next <= limit else { break }
            end = next
        }
        return end - position
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

    /// Calls `body` with the header and file position of every batch whose base offset is
    /// >= `offset`.
    func forEachHeader(from offset: Int64, _ body: (RecordBatchHeader, _ position: Int) throws -> Void) throws {
        let entry = offsetIndex.lastEntry(atOrBelow: offset - baseOffset)
        var cursor = BatchCursor(
            file: log,
            size: size,
            from: Int(entry?.position ?? 0),
            validates: false,
            chunkSize: BatchCursor.recoveryChunkSize
        )
        while case .batch(let header, let position, _) = try cursor.next() {
            if header.baseOffset >= offset { try body(header, position) }
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
