import KafkaWire
import NIOCore

/// What recovery cut from a segment.
struct SegmentTruncation {
    /// File position of the first bad byte, where the segment now ends.
    var position: Int
    var truncatedBytes: Int
    /// What was found there, e.g. "a partial batch".
    var reason: String
}

extension LogSegment {
    /// Opens a segment whose data is trusted (before the recovery point, or after a clean
    /// stop): loads both indexes and scans only the batches after the last index entry.
    /// Returns false when an index is torn or the tail does not parse; the caller then
    /// rebuilds the segment with `recover()`.
    func load() throws -> Bool {
        size = try log.size()
        guard try offsetIndex.load(logSize: size), try timeIndex.load(logSize: size) else { return false }
        maxTimestamp = timeIndex.last?.timestamp ?? -1
        offsetOfMaxTimestamp = baseOffset + Int64(timeIndex.last?.relativeOffset ?? 0)
        firstBatchTimestamp = try header(at: 0)?.maxTimestamp ?? -1
        nextOffset = baseOffset
        bytesSinceLastIndexEntry = 0
        let start = Int(offsetIndex.last?.position ?? 0)
        var cursor = BatchCursor(file: log, size: size, from: start, validates: false)
        while true {
            switch try cursor.next() {
            case .batch(let header, _, _): observe(header)
            case .end: return true
            case .invalid: return false
            }
        }
    }

    /// Re-validates every batch (length, magic 2, CRC-32C, increasing offsets), rebuilds both
    /// indexes from the log, and truncates the file at the first bad byte, as Kafka's
    /// recovery does after an unclean shutdown. Returns what was cut, nil when nothing was.
    func recover() throws -> SegmentTruncation? {
        size = try log.size()
        try offsetIndex.reset()
        try timeIndex.reset()
        maxTimestamp = -1
        offsetOfMaxTimestamp = baseOffset
        firstBatchTimestamp = -1
        nextOffset = baseOffset
        bytesSinceLastIndexEntry = 0
        var cursor = BatchCursor(file: log, size: size, from: 0, validates: true, expectedOffset: baseOffset)
        while true {
            switch try cursor.next() {
            case .batch(let header, let position, _):
                try track(header, at: position)
            case .end:
                return nil
            case .invalid(let position, let reason):
                let truncation = SegmentTruncation(position: position, truncatedBytes: size - position, reason: reason)
                try log.truncate(to: position)
                size = position
                Self.removeKeyFile(directory, baseOffset)
                return truncation
            }
        }
    }
}
