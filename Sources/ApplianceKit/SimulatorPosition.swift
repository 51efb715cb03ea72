import Simulator

/// Where a simulator's run is: enough to go on with the same orders a restart would have made.
public struct SimulatorPosition: Sendable, Equatable, Codable {
    /// The seed of the run's configuration (a restart derives its random stream from it).
    public var seed: UInt64
    /// The run id in the order ids.
    public var runID: String
    /// The first order sequence of the run's configuration.
    public var firstSequence: UInt64
    /// The sequence number of the next order.
    public var nextSequence: UInt64

    /// A position from its parts.
    public init(seed: UInt64, runID: String, firstSequence: UInt64, nextSequence: UInt64) {
        self.seed = seed
        self.runID = runID
        self.firstSequence = firstSequence
        self.nextSequence = nextSequence
    }

    /// Where `simulator` is now.
    public init(of simulator: OrderSimulator) {
        let generator = simulator.configuration.generator
        seed = generator.seed
        runID = generator.runID.text
        firstSequence = generator.firstSequence
        nextSequence = simulator.stats.nextSequence
    }
}
