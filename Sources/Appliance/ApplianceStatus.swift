import Analyzer
import Dashboard
import ServiceLifecycle
import Simulator
import Synchronization

/// The appliance's side of the dashboard: each component's state from the services it
/// started (through `TrackedService`), the simulator's controls, the process's resources and
/// the simulator's figures for `/metrics`.
///
/// Restarting a component needs a supervisor that can run a service again; until the
/// appliance has one, `restart` answers 409.
final class ApplianceStatus: ApplianceControl, MetricsProvider {
    /// The components in the order the services panel lists them.
    static let componentNames = ["broker", "simulator", "analyzer", "dashboard"]

    private struct Component {
        var state: ComponentStatus.State = .stopped
        var enabled = false
        var startedAt: ContinuousClock.Instant?
        var lastError: String?
        var restarts = 0
    }

    private struct Simulated: Sendable {
        let simulator: OrderSimulator
        let catalog: Catalog
    }

    private let components: Mutex<[String: Component]>
    private let simulated = Mutex<Simulated?>(nil)
    private let snapshots: SnapshotPublisher?
    private let resources: ProcessResources
    private let brokerRate = Mutex<(@Sendable () async -> Double)?>(nil)

    /// A status for the `enabled` components, which start as `starting`.
    init(enabled: Set<String>, snapshots: SnapshotPublisher?, dataDirectory: String) {
        var table: [String: Component] = [:]
        for name in Self.componentNames {
            table[name] = Component(state: enabled.contains(name) ? .starting : .stopped, enabled: enabled.contains(name))
        }
        components = Mutex(table)
        self.snapshots = snapshots
        resources = ProcessResources(dataDirectory: dataDirectory)
    }

    /// Lets the controls reach the simulator; `catalog` resolves scenario names.
    func attach(simulator: OrderSimulator, catalog: Catalog) {
        simulated.withLock { $0 = Simulated(simulator: simulator, catalog: catalog) }
    }

    /// Where the broker's throughput (messages per second) comes from.
    func attach(brokerRate rate: @escaping @Sendable () async -> Double) {
        brokerRate.withLock { $0 = rate }
    }

    /// The attached simulator and its catalog.
    func attachedSimulator() -> (OrderSimulator, Catalog)? {
        simulated.withLock { $0.map { ($0.simulator, $0.catalog) } }
    }

    /// `service` reporting its lifecycle under `name`.
    func track(_ name: String, _ service: any Service) -> TrackedService {
        TrackedService(name: name, service: service, status: self)
    }

    /// Records a lifecycle change.
    func update(_ name: String, to state: ComponentStatus.State, error: String? = nil) {
        components.withLock { table in
            table[name, default: Component()].state = state
            table[name]!.startedAt = state == .running ? .now : nil
            if let error { table[name]!.lastError = error }
        }
    }

    func componentStatuses() async -> [ComponentStatus] {
        let table = components.withLock { $0 }
        var statuses: [ComponentStatus] = []
        for name in Self.componentNames {
            let component = table[name] ?? Component()
            let (throughput, unit) = await throughput(of: name, running: component.state == .running)
            statuses.append(ComponentStatus(
                name: name, state: component.state, enabled: component.enabled,
                uptimeSeconds: component.startedAt.map { Self.seconds(ContinuousClock.now - $0) },
                throughput: throughput, throughputUnit: unit,
                lastError: component.lastError ?? (name == "simulator" ? simulated.withLock { $0?.simulator.stats.lastError } : nil),
                restarts: component.restarts))
        }
        return statuses
    }

    func resourceUsage() async -> ResourceUsage {
        resources.usage()
    }

    func restart(component: String) async throws {
        guard let known = components.withLock({ $0[component] }) else {
            throw ControlError(.notFound, "no component '\(component)': use broker, simulator, analyzer or dashboard")
        }
        guard known.enabled else {
            throw ControlError(.notFound, "\(component) is not part of this appliance (it was started without it)")
        }
        throw ControlError(.conflict, "restarting \(component) alone is not supported by this build yet; restart the appliance (systemctl restart aseed)")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func throughput(of name: String, running: Bool) async -> (Double, String) {
        switch name {
        case "simulator":
            return (running ? simulated.withLock { $0?.simulator.stats.measuredRate } ?? 0 : 0, "orders/s")
        case "analyzer":
            return (running ? snapshots?.latest?.pipeline.recordsPerSecond ?? 0 : 0, "records/s")
        case "broker":
            let rate = brokerRate.withLock { $0 }
            return (running ? await rate?() ?? 0 : 0, "messages/s")
        default:
            return (0, "requests/s")
        }
    }
}
