/// What the log cleaner did and sees for one compacted partition, for the console, the CLI and
/// metrics. Reading it never waits for a cleaning (`PartitionLog.cleanerStats`).
public struct CleanerStats: Sendable, Equatable {
    /// Figures of one cleaning.
    public struct Cleaning: Sendable, Equatable {
        /// When it finished, milliseconds since the epoch.
        public var finishedAt: Int64
        public var durationMilliseconds: Int64
        /// Bytes of log processed: the segments rewritten (Kafka's "MB of log processed").
        public var bytesRead: Int64
        /// Bytes read beforehand to map the keys of the dirty segments.
        public var mapBytesRead: Int64
        /// Bytes of the cleaned segments written.
        public var bytesWritten: Int64
        /// Bytes the log shrank by: replaced segments minus their cleaned replacements.
        public var bytesReclaimed: Int64
        /// Records kept and removed among the rewritten batches' records.
        public var recordsKept: Int64
        public var recordsRemoved: Int64

        public init(
            finishedAt: Int64 = 0,
            durationMilliseconds: Int64 = 0,
            bytesRead: Int64 = 0,
            mapBytesRead: Int64 = 0,
            bytesWritten: Int64 = 0,
            bytesReclaimed: Int64 = 0,
            recordsKept: Int64 = 0,
            recordsRemoved: Int64 = 0
        ) {
            self.finishedAt = finishedAt
            self.durationMilliseconds = durationMilliseconds
            self.bytesRead = bytesRead
            self.mapBytesRead = mapBytesRead
            self.bytesWritten = bytesWritten
            self.bytesReclaimed = bytesReclaimed
            self.recordsKept = recordsKept
            self.recordsRemoved = recordsRemoved
        }
    }

    /// Dirty bytes over clean plus dirty bytes of the cleanable range, now.
    public var dirtyRatio: Double = 0
    /// Below this offset the log was compacted (the cleaner's checkpoint).
    public var firstDirtyOffset: Int64 = 0
    /// The last completed cleaning; nil before the first since the broker started.
    public var lastCleaning: Cleaning?
    /// Completed cleanings since the broker started.
    public var cleanings: Int = 0
    public var totalBytesRead: Int64 = 0
    public var totalBytesWritten: Int64 = 0
    public var totalBytesReclaimed: Int64 = 0
    /// Why the last attempt failed; nil once a cleaning succeeds again.
    public var lastError: String?
    /// Milliseconds since the epoch of the last failure, nil when none.
    public var lastErrorAt: Int64?
    /// Failed attempts since the last success.
    public var failuresInARow = 0

    /// The first wait after a failure, doubled after each further one up to `longestRetryDelay`.
    static let firstRetryDelay: Int64 = 60_000
    static let longestRetryDelay: Int64 = 3_600_000

    /// When the cleaner tries again after failures; nil when the last attempt did not fail.
    public var retryAt: Int64? {
        guard failuresInARow > 0, let lastErrorAt else { return nil }
        let delay = Self.firstRetryDelay << Int64(min(failuresInARow - 1, 6))
        return lastErrorAt + min(delay, Self.longestRetryDelay)
    }

    public init() {}

    /// Adds a completed cleaning to the figures.
    mutating func record(_ cleaning: Cleaning) {
        lastCleaning = cleaning
        cleanings += 1
        totalBytesRead += cleaning.bytesRead
        totalBytesWritten += cleaning.bytesWritten
        totalBytesReclaimed += cleaning.bytesReclaimed
        lastError = nil
        failuresInARow = 0
    }

    /// Adds a failed attempt at `time`.
    mutating func recordFailure(_ error: String, at time: Int64) {
        lastError = error
        lastErrorAt = time
        failuresInARow += 1
    }
}
