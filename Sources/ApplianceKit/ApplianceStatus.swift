import Analyzer
import Dashboard
import MiniBroker
import Simulator
import Synchronization

/// The appliance's side of the dashboard: each component's state from its supervisor, the
/// operator's restarts and simulator commands, the process's resources and the simulator's
/// figures for `/metrics`.
public final class ApplianceStatus: ApplianceControl, MetricsProvider {
    /// The components in the order the services panel lists them.
    public static let componentNames = ["broker", "simulator", "analyzer", "dashboard"]

    private struct Simulated: Sendable {
        let current: CurrentSimulator
        let catalog: Catalog
    }

    private let components = Mutex<[String: SupervisedComponent]>([:])
    private let simulated = Mutex<Simulated?>(nil)
    private let brokerRate = Mutex<(@Sendable () async -> Double)?>(nil)
    private let snapshots: SnapshotPublisher?
    private let resources: ProcessResources
    /// The embedded broker's disk, whose being full the broker's status reports.
    private let diskSpace: DiskSpaceGuard?
    /// The embedded broker, for its figures in `/metrics`; nil with an external cluster.
    let embeddedBroker: EmbeddedBroker?
    /// Where the appliance keeps its state (the embedded broker's, the analyzer's, snapshots).
    let dataDirectory: String
    /// The orders topic and its dead letters, which a reset between classes keeps.
    let ordersTopics = Mutex<[String]>([])
    /// The analyzer's checkpoint database, which a reset that truncates the orders deletes.
    let analyzerCheckpoint = Mutex<String?>(nil)
    /// Whether a reset between classes or a snapshot is under way (one at a time).
    let classroomBusy = Mutex(false)

    /// A status without components yet; the ones registered are the enabled ones.
    public init(
        snapshots: SnapshotPublisher?,
        dataDirectory: String,
        diskSpace: DiskSpaceGuard? = nil,
        embeddedBroker: EmbeddedBroker? = nil
    ) {
        self.snapshots = snapshots
        self.diskSpace = diskSpace
        self.embeddedBroker = embeddedBroker
        self.dataDirectory = dataDirectory
        resources = ProcessResources(dataDirectory: dataDirectory)
    }

    /// Adds a component the appliance runs.
    public func register(_ component: SupervisedComponent) {
        components.withLock { $0[component.name] = component }
    }

    /// Lets the controls reach the simulator (rebuilt on each restart); `catalog` resolves
    /// scenario names.
    public func attach(simulator: CurrentSimulator, catalog: Catalog) {
        simulated.withLock { $0 = Simulated(current: simulator, catalog: catalog) }
    }

    /// The topics the appliance writes (the orders and their dead letters) and the analyzer's
    /// checkpoint database (nil without an analyzer), for the reset between classes.
    public func attach(ordersTopics topics: [String], analyzerCheckpoint path: String?) {
        ordersTopics.withLock { $0 = topics }
        analyzerCheckpoint.withLock { $0 = path }
    }

    /// Where the broker's throughput (messages per second) comes from.
    public func attach(brokerRate rate: @escaping @Sendable () async -> Double) {
        brokerRate.withLock { $0 = rate }
    }

    /// The running simulator and the catalog, when the appliance has a simulator.
    public func attachedSimulator() -> (OrderSimulator?, Catalog)? {
        simulated.withLock { $0.map { ($0.current.simulator, $0.catalog) } }
    }

    /// The simulator the controls reach, when the appliance has one.
    var currentSimulator: CurrentSimulator? {
        simulated.withLock { $0?.current }
    }

    /// The supervisor of a component, when the appliance runs it.
    public func component(_ name: String) -> SupervisedComponent? {
        components.withLock { $0[name] }
    }

    /// Every component the services panel lists, the ones not run here as disabled.
    public func componentStatuses() async -> [ComponentStatus] {
        var statuses: [ComponentStatus] = []
        for name in Self.componentNames {
            guard let component = component(name) else {
                statuses.append(
                    ComponentStatus(
                        name: name,
                        state: .stopped,
                        enabled: false,
                        uptimeSeconds: nil,
                        throughput: 0,
                        throughputUnit: Self.unit(of: name),
                        lastError: nil,
                        restarts: 0
                    )
                )
                continue
            }
            let status = component.status
            let throughput = status.state == .running ? await throughput(of: name) : 0
            statuses.append(
                ComponentStatus(
                    name: name,
                    state: status.state,
                    enabled: true,
                    uptimeSeconds: status.uptimeSeconds,
                    throughput: throughput,
                    throughputUnit: Self.unit(of: name),
                    lastError: lastError(of: name, supervised: status.lastError),
                    restarts: status.restarts
                )
            )
        }
        return statuses
    }

    /// The process's CPU, memory and disk use.
    public func resourceUsage() async -> ResourceUsage {
        resources.usage()
    }

    /// Restarts a component the appliance runs, without waiting for it.
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) for an unknown component or one not run here.
    public func restart(component name: String) async throws {
        guard Self.componentNames.contains(name) else {
            let message = "no component '\(name)': use broker, simulator, analyzer or dashboard"
            throw DashboardRequestError(.notFound, message)
        }
        guard let component = component(name) else {
            throw DashboardRequestError(.notFound, "\(name) is not part of this appliance (it was started without it)")
        }
        // The supervisor stops it gracefully and starts it again; the answer does not wait.
        Task { await component.restart() }
    }

    /// A full disk first (the broker runs but refuses writes: the operator must act), then the
    /// supervisor's last error, then the simulator's own.
    private func lastError(of name: String, supervised: String?) -> String? {
        if name == "broker", let notice = diskSpace?.fullDiskNotice() { return notice }
        return supervised ?? (name == "simulator" ? attachedSimulator()?.0?.stats.lastError : nil)
    }

    private static func unit(of name: String) -> String {
        switch name {
        case "simulator": "orders/s"
        case "analyzer": "records/s"
        case "broker": "messages/s"
        default: "clients"
        }
    }

    private func throughput(of name: String) async -> Double {
        switch name {
        case "simulator":
            return attachedSimulator()?.0?.stats.measuredRate ?? 0
        case "analyzer":
            return snapshots?.latest?.pipeline.recordsPerSecond ?? 0
        case "broker":
            let rate = brokerRate.withLock { $0 }
            return await rate?() ?? 0
        default:
            return 0
        }
    }
}
