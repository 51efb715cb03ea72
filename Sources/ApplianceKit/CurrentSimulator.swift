import Simulator
import Synchronization

/// The simulator currently running in the appliance, if any (it is rebuilt on restarts).
public final class CurrentSimulator: Sendable {
    private let value = Mutex<OrderSimulator?>(nil)
    private let nextStart = Mutex<SimulatorStart?>(nil)

    /// None yet.
    public init() {}

    /// The running simulator; nil before the first start.
    public var simulator: OrderSimulator? { value.withLock { $0 } }

    /// Publishes the simulator a (re)start made.
    public func set(_ simulator: OrderSimulator?) {
        value.withLock { $0 = simulator }
    }

    /// Makes the next start begin as `start` says instead of going on from the run before.
    public func plan(_ start: SimulatorStart) {
        nextStart.withLock { $0 = start }
    }

    /// The start planned for the next start, taken: the one after goes on as usual.
    public func takePlannedStart() -> SimulatorStart? {
        nextStart.withLock { start in
            defer { start = nil }
            return start
        }
    }

    /// Where the simulator's run is; nil before the first start.
    public var position: SimulatorPosition? { simulator.map(SimulatorPosition.init(of:)) }
}
