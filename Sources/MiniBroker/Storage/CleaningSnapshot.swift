/// What a cleaning takes from a partition under its lock, to work on without it.
///
/// `@unchecked Sendable` because it carries `LogSegment`s out of the lock. That is safe for the
/// closed segments it holds: their files and in-memory fields no longer change (only the
/// active segment is appended to), they are read with positional I/O, and the descriptor
/// cache keeps a descriptor open while a read uses it even if retention closes and deletes
/// the segment meanwhile (the swap then sees the list changed and gives up).
struct CleaningSnapshot: @unchecked Sendable {
    /// The closed segments, oldest first: every segment but the active one.
    let segments: [LogSegment]
    /// Their sizes and timestamps, for `CleanableRange`.
    let summaries: [CleanableRange.Segment]
    let activeBaseOffset: Int64
    /// Per idempotent producer id, the last offset of its last batch: that batch is kept, if
    /// only as an empty header, so the producer's state is rebuilt the same from the log.
    let producerLastOffsets: [Int64: Int64]

    init(_ state: PartitionLog.State) {
        let closed = Array(state.segments.dropLast())
        segments = closed
        summaries = closed.map(Self.summary)
        activeBaseOffset = state.active.baseOffset
        producerLastOffsets = state.producers.producers.compactMapValues { $0.recentBatches.last?.lastOffset }
    }

    static func summary(of segment: LogSegment) -> CleanableRange.Segment {
        CleanableRange.Segment(
            baseOffset: segment.baseOffset,
            size: segment.size,
            largestTimestamp: PartitionLog.age(of: segment),
            firstBatchTimestamp: segment.firstBatchTimestamp
        )
    }
}
