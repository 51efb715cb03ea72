/// What happens to a topic's old data (Kafka's `cleanup.policy`): retention deletes whole old
/// segments, compaction keeps only the newest record of each key, or both (KIP-71).
public enum CleanupPolicy: Sendable, Equatable, CustomStringConvertible {
    /// Retention by time and size deletes old segments (Kafka's default).
    case delete
    /// The log cleaner keeps the newest record per key; retention deletes nothing.
    case compact
    /// Both: compaction, and retention by time and size.
    case compactAndDelete

    /// Parses Kafka's values: `delete`, `compact`, `compact,delete` or `delete,compact`
    /// (spaces around the comma allowed); nil for anything else.
    public init?(kafkaValue: String) {
        let parts = Set(kafkaValue.split(separator: ",", omittingEmptySubsequences: false).map(Self.trimmed))
        switch parts {
        case ["delete"]: self = .delete
        case ["compact"]: self = .compact
        case ["compact", "delete"]: self = .compactAndDelete
        default: return nil
        }
    }

    /// Kafka's spelling, as DescribeConfigs returns it.
    public var kafkaValue: String {
        switch self {
        case .delete: "delete"
        case .compact: "compact"
        case .compactAndDelete: "compact,delete"
        }
    }

    public var description: String { kafkaValue }

    /// Whether retention by time and size deletes old segments.
    public var deletes: Bool { self != .compact }
    /// Whether the log cleaner compacts the topic.
    public var compacts: Bool { self != .delete }

    private static func trimmed(_ part: Substring) -> String {
        String(part.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
