import KafkaWire
import NIOCore

/// Walks the record batches of a segment file in order, reading the file in large chunks so
/// a scan costs few system calls.
struct BatchCursor {
    /// One step of the walk.
    enum Step {
        /// A batch at `position`; `bytes` holds the whole batch when the cursor validates.
        case batch(RecordBatchHeader, position: Int, bytes: ByteBuffer?)
        /// The end of the file was reached exactly at a batch boundary.
        case end
        /// The bytes at `position` are not a valid batch; `reason` says why, for the log.
        case invalid(position: Int, reason: String)
    }

    /// How much a full scan (recovery, replay) reads at once.
    static let recoveryChunkSize = 1 << 20

    private let file: SegmentFile
    private let end: Int
    private let chunkSize: Int
    /// Whether to check magic, CRC-32C and offsets of each batch (recovery), or only follow
    /// the lengths (data known to be good).
    private let validates: Bool
    /// Whether validating includes the CRC-32C (a caller that checks it itself, or checked it
    /// moments ago, skips it).
    private let verifiesChecksums: Bool
    private(set) var position: Int
    /// Every batch must start at or after this offset: offsets only grow in a log.
    private var nextOffset: Int64?
    private var window = ByteBuffer()
    private var windowStart = 0

    init(
        file: SegmentFile,
        size: Int,
        from position: Int,
        validates: Bool,
        verifiesChecksums: Bool = true,
        expectedOffset: Int64? = nil,
        chunkSize: Int = BatchCursor.recoveryChunkSize
    ) {
        self.file = file
        self.chunkSize = chunkSize
        self.end = size
        self.position = position
        self.validates = validates
        self.verifiesChecksums = verifiesChecksums
        self.nextOffset = expectedOffset
    }

    mutating func next() throws -> Step {
        let start = position
        guard start < end else { return .end }
        guard let headerBytes = try bytes(at: start, count: RecordBatchHeader.size),
            let header = RecordBatchHeader.peek(headerBytes)
        else { return .invalid(position: start, reason: "a partial batch header") }
        guard header.totalSize >= RecordBatchHeader.size, header.lastOffsetDelta >= 0 else {
            return .invalid(position: start, reason: "bytes that are not a batch")
        }
        guard start + header.totalSize <= end else {
            return .invalid(position: start, reason: "a partial batch")
        }
        var whole: ByteBuffer?
        if validates {
            guard header.magic == 2 else {
                return .invalid(position: start, reason: "a batch with magic \(header.magic)")
            }
            if let nextOffset, header.baseOffset < nextOffset {
                return .invalid(position: start, reason: "a batch whose offsets go backwards")
            }
            guard let batch = try bytes(at: start, count: header.totalSize) else {
                return .invalid(position: start, reason: "a partial batch")
            }
            guard !verifiesChecksums || RecordBatchHeader.hasValidCRC(batch) else {
                return .invalid(position: start, reason: "a batch with a CRC mismatch")
            }
            whole = batch
        }
        nextOffset = header.lastOffset + 1
        position = start + header.totalSize
        return .batch(header, position: start, bytes: whole)
    }

    /// `count` bytes at `offset`, from the current window or a fresh read; nil past the end.
    private mutating func bytes(at offset: Int, count: Int) throws -> ByteBuffer? {
        guard offset + count <= end else { return nil }
        let windowEnd = windowStart + window.readableBytes
        if offset < windowStart || offset + count > windowEnd {
            let length = min(max(count, chunkSize), end - offset)
            window = try file.read(at: offset, count: length)
            windowStart = offset
        }
        guard offset + count <= windowStart + window.readableBytes else { return nil }
        return window.getSlice(at: window.readerIndex + offset - windowStart, length: count)
    }
}
