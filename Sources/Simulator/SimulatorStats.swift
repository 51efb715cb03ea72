/// What the simulator has done so far, readable at any time (dashboard, `aseed status`).
public struct SimulatorStats: Sendable, Hashable {
    /// Valid orders made since start (sent or dropped).
    public var ordersGenerated = 0
    /// Malformed records made by bursts.
    public var malformedSent = 0
    /// Sequence number the next order gets: where a restart continues (see
    /// `OrderSimulator.Configuration.continuing(after:)`).
    public var nextSequence: UInt64 = 1
    /// Records in batches the sink refused (they are not retried).
    public var recordsDropped = 0
    /// Batches the sink accepted.
    public var batchesSent = 0
    /// Value and key bytes of accepted batches.
    public var bytesSent = 0
    /// Sends that failed.
    public var sendErrors = 0
    /// The last send error, as text.
    public var lastError: String?
    /// The pace in force.
    public var pacing: PacingMode
    /// Intended orders per second now, including the daily pattern and scenarios; nil in flood mode.
    public var targetRate: Double?
    /// Orders per second actually made over the last second or so.
    public var measuredRate = 0.0
    /// Whether generation is paused by `pause()`.
    public var isPaused = false
    /// Whether `run()` is executing.
    public var isRunning = false
    /// Scenarios in force.
    public var activeScenarios: [OrderGenerator.ActiveScenario] = []

    /// Stats before anything was made.
    public init(pacing: PacingMode) {
        self.pacing = pacing
    }
}
