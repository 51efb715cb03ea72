/// What the dashboard asks of the appliance it runs in: the components' status and the
/// operator's actions. The appliance implements it; the dashboard never reaches into the
/// components themselves.
public protocol ApplianceControl: Sendable {
    /// Every component the appliance knows, enabled or not, in a stable order.
    func componentStatuses() async -> [ComponentStatus]
    /// The process's resource use.
    func resourceUsage() async -> ResourceUsage
    /// Restarts one component (`broker`, `simulator`, `analyzer`, `dashboard`).
    ///
    /// - Throws: `DashboardRequestError` for an unknown or disabled component.
    func restart(component: String) async throws
    /// Applies an operator's command to the simulator and answers its new status.
    ///
    /// - Throws: `DashboardRequestError` when the simulator is not part of this appliance or the
    ///   command is invalid (an unknown scenario, a rate of 0).
    func simulator(_ command: SimulatorCommand) async throws -> ComponentStatus
    /// The topics the appliance writes itself (the orders and their dead letters): a reset
    /// between classes keeps them.
    func applianceTopics() async -> [String]
    /// Stops the simulator and the analyzer (the simulator's orders delivered, the analyzer's
    /// last checkpoint written), runs `clearing`, and starts them again: the analyzer from
    /// nothing when the plan truncates the orders, the simulator as a new run with the plan's
    /// seed and scenario. A component the operator had stopped stays stopped. Answers what
    /// `clearing` answered, and how the components came back.
    ///
    /// - Throws: `DashboardRequestError` for a scenario the simulator does not know (before
    ///   anything stops) or a component that does not stop; an error of `clearing`, after the
    ///   components were started again.
    func resetClass<Cleared: Sendable>(
        _ plan: ClassResetPlan,
        clearing: @Sendable () async throws -> Cleared
    ) async throws -> (Cleared, ClassRestart)
    /// The named snapshots of the appliance's state, oldest first.
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) when the appliance has no embedded broker.
    func snapshots() async throws -> [ApplianceSnapshotSummary]
    /// Saves the broker's topics and offsets, the analyzer's checkpoint and the simulator's
    /// seed and position under `name`, with the components stopped for the copy.
    ///
    /// - Throws: `DashboardRequestError`: an invalid name, one taken (`conflict`), no embedded
    ///   broker, or a copy that failed (the components run again either way).
    func saveSnapshot(named name: String) async throws -> ApplianceSnapshotSummary
    /// Puts the appliance's state back as the snapshot `name` saved it: topics, offsets,
    /// analyzer checkpoint, and the simulator going on from the saved position.
    ///
    /// - Throws: `DashboardRequestError`: no such snapshot, no embedded broker, or a copy that
    ///   failed (the state before is put back).
    func restoreSnapshot(named name: String) async throws -> ApplianceSnapshotSummary
    /// Deletes the snapshot `name`.
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) for no such snapshot.
    func deleteSnapshot(named name: String) async throws
}

/// One component's state as the services panel shows it.
public struct ComponentStatus: Sendable, Equatable {
    /// Lifecycle state.
    public enum State: String, Sendable {
        case starting, running, restarting, stopped, failed
    }

    /// `broker`, `simulator`, `analyzer` or `dashboard`.
    public var name: String
    public var state: State
    /// Whether the appliance runs this component at all (`--no-simulator` disables one).
    public var enabled: Bool
    /// Seconds since it last started; nil when not running.
    public var uptimeSeconds: Double?
    /// A throughput figure with its unit, e.g. (1200, "orders/s").
    public var throughput: Double
    public var throughputUnit: String
    /// The last failure, if any.
    public var lastError: String?
    /// Restarts since the appliance started.
    public var restarts: Int

    /// A status from its parts.
    public init(
        name: String,
        state: State,
        enabled: Bool,
        uptimeSeconds: Double?,
        throughput: Double,
        throughputUnit: String,
        lastError: String?,
        restarts: Int
    ) {
        self.name = name
        self.state = state
        self.enabled = enabled
        self.uptimeSeconds = uptimeSeconds
        self.throughput = throughput
        self.throughputUnit = throughputUnit
        self.lastError = lastError
        self.restarts = restarts
    }
}

/// The process's CPU, memory and disk use.
public struct ResourceUsage: Sendable, Equatable {
    /// CPU use over the last seconds, in percent of one core.
    public var cpuPercent: Double
    /// Resident memory in bytes.
    public var residentBytes: Int64
    /// Bytes used under the data directory.
    public var dataBytes: Int64
    /// Bytes free on the data directory's file system.
    public var diskFreeBytes: Int64

    /// A usage from its parts.
    public init(cpuPercent: Double, residentBytes: Int64, dataBytes: Int64, diskFreeBytes: Int64) {
        self.cpuPercent = cpuPercent
        self.residentBytes = residentBytes
        self.dataBytes = dataBytes
        self.diskFreeBytes = diskFreeBytes
    }
}

/// An operator's command to the simulator.
public enum SimulatorCommand: Sendable, Equatable {
    case start
    case stop
    case pause
    case resume
    /// Orders per second.
    case rate(Double)
    /// A scenario in the command-line form, e.g. `flash-sale:PROD-001:30s`.
    case scenario(String)
}
