/// Which closed segments of a compacted partition the next cleaning may touch, and whether it
/// is due (Kafka's `LogCleanerManager.cleanableOffsets` and `cleanableRatio`).
///
/// The log splits at the first dirty offset into a clean head (compacted before) and a dirty
/// tail. The cleanable part of the tail ends before the active segment and before the first
/// segment whose newest batch is younger than `min.compaction.lag.ms`. A cleaning is due when
/// the dirty ratio, cleanable dirty bytes over clean plus cleanable dirty bytes, exceeds
/// `min.cleanable.dirty.ratio`, or when the oldest dirty batch is older than
/// `max.compaction.lag.ms`.
struct CleanableRange: Equatable {
    /// What the range needs to know of one closed segment.
    struct Segment: Equatable {
        var baseOffset: Int64
        var size: Int
        /// Its largest batch timestamp (or file time without timestamps): its age.
        var largestTimestamp: Int64
        /// Max timestamp of its first batch, -1 when none: the age of its oldest data.
        var firstBatchTimestamp: Int64
    }

    /// The first dirty offset in effect: the checkpoint's, within the log.
    var firstDirtyOffset: Int64
    /// Index of the first segment holding dirty data.
    var firstDirtyIndex: Int
    /// One past the last segment a cleaning may rewrite: `segments[..<endIndex]`.
    var endIndex: Int
    /// Where the cleanable range ends: the base offset of `segments[endIndex]`, or of the active
    /// segment. The first dirty offset after a cleaning of the whole range.
    var endOffset: Int64
    var cleanBytes: Int64
    var dirtyBytes: Int64
    /// Dirty data is older than `max.compaction.lag.ms`: clean whatever the ratio.
    var isOverdue: Bool

    /// Dirty bytes over clean plus dirty bytes of the cleanable range; 0 when empty.
    var dirtyRatio: Double {
        let total = cleanBytes + dirtyBytes
        return total > 0 ? Double(dirtyBytes) / Double(total) : 0
    }

    /// Whether a cleaning is due under `configuration`.
    func isCleanable(_ configuration: BrokerConfiguration) -> Bool {
        dirtyBytes > 0 && (isOverdue || dirtyRatio > configuration.minCleanableDirtyRatio)
    }

    /// - Parameters:
    ///   - segments: the closed segments, oldest first (the active one excluded).
    ///   - activeBaseOffset: base offset of the active segment.
    ///   - checkpoint: the saved first dirty offset; nil for none.
    init(
        segments: [Segment],
        activeBaseOffset: Int64,
        checkpoint: Int64?,
        now: Int64,
        configuration: BrokerConfiguration
    ) {
        let logStart = segments.first?.baseOffset ?? activeBaseOffset
        // A checkpoint outside the log (retention moved the start past it, or the log was cut
        // below it) is not trusted, as in Kafka: everything is dirty again.
        var firstDirty = checkpoint ?? logStart
        if firstDirty < logStart || firstDirty > activeBaseOffset { firstDirty = logStart }
        func end(of index: Int) -> Int64 {
            index + 1 < segments.count ? segments[index + 1].baseOffset : activeBaseOffset
        }
        let firstDirtyIndex = segments.indices.first { end(of: $0) > firstDirty } ?? segments.count
        var endIndex = segments.count
        let lag = configuration.minCompactionLagMilliseconds
        if lag > 0 {
            endIndex =
                segments.indices.first { $0 >= firstDirtyIndex && segments[$0].largestTimestamp > now - lag }
                ?? segments.count
        }
        endIndex = max(endIndex, firstDirtyIndex)
        self.firstDirtyOffset = firstDirty
        self.firstDirtyIndex = firstDirtyIndex
        self.endIndex = endIndex
        self.endOffset = endIndex < segments.count ? segments[endIndex].baseOffset : activeBaseOffset
        self.cleanBytes = segments[..<firstDirtyIndex].reduce(0) { $0 + Int64($1.size) }
        self.dirtyBytes = segments[firstDirtyIndex..<endIndex].reduce(0) { $0 + Int64($1.size) }
        let maxLag = configuration.maxCompactionLagMilliseconds
        let oldest = firstDirtyIndex < endIndex ? segments[firstDirtyIndex].firstBatchTimestamp : -1
        self.isOverdue = maxLag < .max && oldest >= 0 && now - oldest > maxLag
    }
}
