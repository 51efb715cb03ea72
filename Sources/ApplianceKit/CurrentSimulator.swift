import Simulator
import Synchronization

/// The simulator currently running in the appliance, if any (it is rebuilt on restarts).
public final class CurrentSimulator: Sendable {
    private let value = Mutex<OrderSimulator?>(nil)

    /// None yet.
    public init() {}

    /// The running simulator; nil before the first start.
    public var simulator: OrderSimulator? { value.withLock { $0 } }

    /// Publishes the simulator a (re)start made.
    public func set(_ simulator: OrderSimulator?) {
        value.withLock { $0 = simulator }
    }
}
