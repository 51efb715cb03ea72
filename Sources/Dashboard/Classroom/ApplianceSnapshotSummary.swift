/// A named snapshot of the appliance's state, as the dashboard and `aseed snapshot list` show it.
public struct ApplianceSnapshotSummary: Sendable, Equatable, Codable {
    /// A topic as it was saved.
    public struct Topic: Sendable, Equatable, Codable {
        public var name: String
        /// The next offset of each partition, by partition number.
        public var endOffsets: [Int64]

        /// A topic from its parts.
        public init(name: String, endOffsets: [Int64]) {
            self.name = name
            self.endOffsets = endOffsets
        }
    }

    public var name: String
    /// When it was saved, in milliseconds since 1970.
    public var savedAtMillis: Int64
    /// Bytes it takes on disk.
    public var bytes: Int64
    public var topics: [Topic]
    /// The simulator's seed when it was saved; nil without a simulator.
    public var simulatorSeed: UInt64?
    /// The sequence number of the next order the simulator makes after a restore.
    public var simulatorNextSequence: UInt64?
    /// Whether the analyzer's checkpoint is in it.
    public var hasAnalyzerCheckpoint: Bool

    /// A summary from its parts.
    public init(
        name: String,
        savedAtMillis: Int64,
        bytes: Int64,
        topics: [Topic],
        simulatorSeed: UInt64?,
        simulatorNextSequence: UInt64?,
        hasAnalyzerCheckpoint: Bool
    ) {
        self.name = name
        self.savedAtMillis = savedAtMillis
        self.bytes = bytes
        self.topics = topics
        self.simulatorSeed = simulatorSeed
        self.simulatorNextSequence = simulatorNextSequence
        self.hasAnalyzerCheckpoint = hasAnalyzerCheckpoint
    }
}
