/// What the log cleaner did and sees for one partition of a compacted topic, as the console
/// shows it. Kafka has no request for these figures, so only the broker in the dashboard's own
/// process can give them (`CleanerFiguresProvider`); for an external cluster they are unknown.
public struct ConsoleCleanerFigures: Sendable, Equatable {
    /// One completed cleaning.
    public struct Cleaning: Sendable, Equatable {
        /// When it finished, milliseconds since the epoch.
        public var finishedAtMillis: Int64
        public var durationMilliseconds: Int64
        /// Bytes the partition shrank by.
        public var bytesReclaimed: Int64
        /// Records kept and removed among the records the cleaning rewrote.
        public var recordsKept: Int64
        public var recordsRemoved: Int64

        /// A cleaning from its parts.
        public init(
            finishedAtMillis: Int64,
            durationMilliseconds: Int64,
            bytesReclaimed: Int64,
            recordsKept: Int64,
            recordsRemoved: Int64
        ) {
            self.finishedAtMillis = finishedAtMillis
            self.durationMilliseconds = durationMilliseconds
            self.bytesReclaimed = bytesReclaimed
            self.recordsKept = recordsKept
            self.recordsRemoved = recordsRemoved
        }
    }

    /// Cleanable dirty bytes over those plus the clean bytes, now (0...1).
    public var dirtyRatio: Double
    /// Below this offset the log is compacted.
    public var firstDirtyOffset: Int64
    /// The last completed cleaning; nil before the first since the broker started.
    public var lastCleaning: Cleaning?
    /// Completed cleanings since the broker started.
    public var cleanings: Int
    /// Bytes all those cleanings reclaimed.
    public var totalBytesReclaimed: Int64
    /// Why the last attempt failed; nil once a cleaning succeeds again.
    public var lastError: String?
    /// When it failed, milliseconds since the epoch.
    public var lastErrorAtMillis: Int64?

    /// Figures from their parts.
    public init(
        dirtyRatio: Double,
        firstDirtyOffset: Int64,
        lastCleaning: Cleaning? = nil,
        cleanings: Int = 0,
        totalBytesReclaimed: Int64 = 0,
        lastError: String? = nil,
        lastErrorAtMillis: Int64? = nil
    ) {
        self.dirtyRatio = dirtyRatio
        self.firstDirtyOffset = firstDirtyOffset
        self.lastCleaning = lastCleaning
        self.cleanings = cleanings
        self.totalBytesReclaimed = totalBytesReclaimed
        self.lastError = lastError
        self.lastErrorAtMillis = lastErrorAtMillis
    }
}

/// The log cleaner's figures of one topic's compacted partitions, by partition number; nil when
/// this process cannot know them (no embedded broker, or it is not running now). The appliance
/// wires it to its embedded broker.
public typealias CleanerFiguresProvider = @Sendable (_ topic: String) -> [Int32: ConsoleCleanerFigures]?
