/// One partition of one consumer group at one moment: where the group is, where the partition
/// ends, and how old the record the group reads next is.
public struct LagSample: Sendable, Equatable {
    /// When it was taken, ms since the epoch.
    public var atMillis: Int64
    public var group: String
    public var topic: String
    public var partition: Int32
    /// The group's committed offset.
    public var committed: Int64
    /// The partition's end.
    public var latest: Int64
    /// From the timestamp of the first record not consumed yet to `atMillis`, in ms: 0 when
    /// nothing is behind, nil when that record's time could not be read.
    public var millisBehind: Int64?

    /// Records behind the end.
    public var lag: Int64 { max(0, latest - committed) }

    /// A sample from its parts.
    public init(
        atMillis: Int64,
        group: String,
        topic: String,
        partition: Int32,
        committed: Int64,
        latest: Int64,
        millisBehind: Int64?
    ) {
        self.atMillis = atMillis
        self.group = group
        self.topic = topic
        self.partition = partition
        self.committed = committed
        self.latest = latest
        self.millisBehind = millisBehind
    }
}
