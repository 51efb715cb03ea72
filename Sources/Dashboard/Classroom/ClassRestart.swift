/// How the appliance's components came back after a reset between classes.
public struct ClassRestart: Sendable, Equatable {
    /// The seed the simulator runs with now; nil without a simulator.
    public var seed: UInt64?
    /// Whether the analyzer's state was dropped (the orders were truncated).
    public var analyzerReset: Bool

    /// A restart from its parts.
    public init(seed: UInt64?, analyzerReset: Bool) {
        self.seed = seed
        self.analyzerReset = analyzerReset
    }
}
