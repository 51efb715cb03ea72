/// A consumer group's committed position in one partition (OffsetCommit / OffsetFetch).
public struct CommittedOffset: Sendable, Equatable {
    public var group: String
    public var topic: String
    public var partition: Int32
    /// The next offset the group will read.
    public var offset: Int64
    /// Leader epoch the client saw, -1 when unknown.
    public var leaderEpoch: Int32
    /// Free text the client attached; nil when none.
    public var metadata: String?
    /// Commit time in milliseconds since the epoch.
    public var commitTime: Int64

    public init(
        group: String,
        topic: String,
        partition: Int32,
        offset: Int64,
        leaderEpoch: Int32 = -1,
        metadata: String? = nil,
        commitTime: Int64
    ) {
        self.group = group
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTime = commitTime
    }
}
