/// Where a consumer starts reading a partition.
public enum ConsumerPosition: Sendable, Hashable {
    /// The first offset still in the log (ListOffsets timestamp -2).
    case earliest
    /// The offset after the last record (ListOffsets timestamp -1): only new records.
    case latest
    /// An exact offset.
    case offset(Int64)
    /// The first offset whose timestamp is at or after this time (milliseconds since the
    /// epoch); the end of the log when there is none.
    case timestamp(Int64)
}
