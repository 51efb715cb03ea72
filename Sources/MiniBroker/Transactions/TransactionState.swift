/// Where a transactional id's transaction stands, with Kafka's numbering and names
/// (`TransactionState` of Kafka's coordinator): the number is what the metadata store keeps,
/// the name what DescribeTransactions and ListTransactions report.
public enum TransactionState: Int, Sendable, CaseIterable {
    /// No transaction open: after InitProducerId, or never used.
    case empty = 0
    /// Partitions or a group were added; the transaction can be ended.
    case ongoing = 1
    /// Commit decided and persisted; markers are being written.
    case prepareCommit = 2
    /// Abort decided and persisted; markers are being written.
    case prepareAbort = 3
    /// Every marker of the last transaction, a commit, is written.
    case completeCommit = 4
    /// Every marker of the last transaction, an abort, is written.
    case completeAbort = 5
    /// The transactional id expired; Kafka never reports it, nor do we.
    case dead = 6
    /// Kafka's state while it aborts a transaction on behalf of a fenced producer. This
    /// coordinator goes straight to `prepareAbort` with the bumped epoch, so it never stores it.
    case prepareEpochFence = 7

    /// The name Kafka's admin APIs use for the state.
    public var name: String {
        switch self {
        case .empty: "Empty"
        case .ongoing: "Ongoing"
        case .prepareCommit: "PrepareCommit"
        case .prepareAbort: "PrepareAbort"
        case .completeCommit: "CompleteCommit"
        case .completeAbort: "CompleteAbort"
        case .dead: "Dead"
        case .prepareEpochFence: "PrepareEpochFence"
        }
    }

    /// The state of that name, as ListTransactions filters give it.
    public init?(name: String) {
        guard let state = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = state
    }

    /// Whether the outcome is decided and markers may still be missing.
    var isPreparing: Bool { self == .prepareCommit || self == .prepareAbort }

    /// Whether a new transaction may start from here (InitProducerId bumps the epoch,
    /// AddPartitionsToTxn opens one).
    var isIdle: Bool { self == .empty || self == .completeCommit || self == .completeAbort || self == .dead }
}
