/// Where a segment stood before an append: what `LogSegment` restores when the append fails.
struct AppendPoint {
    let size: Int
    let offsetEntries: Int
    let timeEntries: Int
    let nextOffset: Int64
    let maxTimestamp: Int64
    let offsetOfMaxTimestamp: Int64
    let firstBatchTimestamp: Int64
    let bytesSinceLastIndexEntry: Int
    let lastModified: Int64

    init(_ segment: LogSegment) {
        size = segment.size
        offsetEntries = segment.offsetIndex.entries.count
        timeEntries = segment.timeIndex.entries.count
        nextOffset = segment.nextOffset
        maxTimestamp = segment.maxTimestamp
        offsetOfMaxTimestamp = segment.offsetOfMaxTimestamp
        firstBatchTimestamp = segment.firstBatchTimestamp
        bytesSinceLastIndexEntry = segment.bytesSinceLastIndexEntry
        lastModified = segment.lastModified
    }

    /// Puts the segment's in-memory state back; the files are the caller's.
    func restore(_ segment: LogSegment) {
        segment.size = size
        segment.nextOffset = nextOffset
        segment.maxTimestamp = maxTimestamp
        segment.offsetOfMaxTimestamp = offsetOfMaxTimestamp
        segment.firstBatchTimestamp = firstBatchTimestamp
        segment.bytesSinceLastIndexEntry = bytesSinceLastIndexEntry
        segment.lastModified = lastModified
    }
}
