/// What a consumer does when it has no valid position for a partition
/// (`auto.offset.reset`): no committed offset, or the broker answered OFFSET_OUT_OF_RANGE.
public enum ConsumerOffsetReset: Sendable, Hashable {
    /// Start from the first offset still in the log.
    case earliest
    /// Start after the last record.
    case latest

    var position: ConsumerPosition {
        switch self {
        case .earliest: .earliest
        case .latest: .latest
        }
    }
}
