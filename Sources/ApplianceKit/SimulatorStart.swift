import Simulator

/// How the simulator's next start begins, instead of going on from the run before it as a
/// restart does.
public enum SimulatorStart: Sendable {
    /// A new run for a new class: the seed given, a new run id (order ids never repeat the
    /// last class's), the first order sequence, and the scenarios started at once.
    case fresh(seed: UInt64, scenarios: [Scenario])
    /// The run a snapshot saved, going on where it was.
    case resume(SimulatorPosition)
}

extension OrderSimulator.Configuration {
    /// This configuration started as `start` says, at `nowMicros` (for a new run id).
    func starting(_ start: SimulatorStart, nowMicros: Int64) -> Self {
        var next = self
        switch start {
        case .fresh(let seed, _):
            next.generator.seed = seed
            next.generator.runID = RunID.make(startMicros: nowMicros)
            next.generator.firstSequence = 1
            return next
        case .resume(let position):
            next.generator.seed = position.seed
            next.generator.runID = RunID(text: position.runID) ?? next.generator.runID
            next.generator.firstSequence = position.firstSequence
            return next.continuing(from: position.nextSequence)
        }
    }
}
