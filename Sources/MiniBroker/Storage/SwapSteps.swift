/// Counts the file operations of a compaction swap, so tests can stop it before any one of
/// them as a crash would (`CleaningOptions.crashBeforeSwapStep`).
struct SwapSteps {
    private var remaining: Int?
    /// Steps run so far.
    private(set) var count = 0
    /// Every new file is a `.swap`: from here on the swap only goes forward.
    var isCommitted = false

    init(crashBefore step: Int?) {
        remaining = step
    }

    /// Runs one step, or throws `SimulatedCrash` instead when the crash point is reached.
    mutating func run(_ body: () throws -> Void) throws {
        if let left = remaining {
            if left == 0 { throw SimulatedCrash() }
            remaining = left - 1
        }
        try body()
        count += 1
    }
}
