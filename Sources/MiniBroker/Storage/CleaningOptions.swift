/// Knobs of one cleaning that only tests and the cleaner itself set.
struct CleaningOptions {
    /// Bytes the key -> offset map may take (see `OffsetMap`).
    var mapMemoryLimit = OffsetMap.defaultMemoryLimit
    /// Stop the swap, as a `kill -9` would, before its step number `crashBeforeSwapStep` (0 is the
    /// plan's write, then each rename, directory fsync and the plan's removal): the files are
    /// left exactly as they are and `SimulatedCrash` is thrown. nil in production.
    var crashBeforeSwapStep: Int?
    /// Called once the cleaned segments are written, before the swap takes the lock (tests use
    /// it to change the log under a cleaning).
    var beforeSwap: (() -> Void)?
}

/// Thrown by a cleaning whose `CleaningOptions.crashBeforeSwapStep` was reached: nothing was
/// cleaned up, as after a crash.
struct SimulatedCrash: Error {}

/// Thrown inside a cleaning when the broker stops or the partition is being deleted.
struct CleaningCancelled: Error {}
