/// What happened to one record.
enum RecordOutcome: Equatable {
    /// Counted everywhere.
    case counted
    /// Counted in the all-time figures only: older than its partition's watermark, or its
    /// window was already closed.
    case late
    /// An order id counted before: dropped.
    case duplicate
}
