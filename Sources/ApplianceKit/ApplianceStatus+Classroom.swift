import Common
import Dashboard
import FoundationEssentials
import MiniBroker
import Simulator

/// Between classes: the reset to a fresh class, and named snapshots of the appliance's state.
/// Each stops the components that write the state (simulator, analyzer, and for snapshots the
/// embedded broker), does its part, and starts again those that were running.
extension ApplianceStatus {
    /// How long a component may take to stop for a reset or a snapshot.
    static let stopLimit: Duration = .seconds(30)

    public func applianceTopics() async -> [String] {
        ordersTopics.withLock { $0 }
    }

    public func resetClass<Cleared: Sendable>(
        _ plan: ClassResetPlan,
        clearing: @Sendable () async throws -> Cleared
    ) async throws -> (Cleared, ClassRestart) {
        let simulated = attachedSimulator()
        var scenarios: [Scenario] = []
        if let text = plan.scenario {
            guard let (_, catalog) = simulated else {
                throw DashboardRequestError(
                    .invalid,
                    "a scenario needs the simulator, which this appliance does not run"
                )
            }
            do {
                scenarios = [try ScenarioOption(parsing: text, catalog: catalog).scenario]
            } catch {
                throw DashboardRequestError(.invalid, "\(error)")
            }
        }
        // A short seed a teacher can write down and give again for the same story.
        let seed = plan.seed ?? UInt64.random(in: 0..<1_000_000)
        return try await exclusively {
            try await withStopped(["simulator", "analyzer"]) {
                let cleared = try await clearing()
                var analyzerReset = false
                if plan.orders == .truncate, let checkpoint = analyzerCheckpoint.withLock({ $0 }) {
                    try Self.removeDatabase(at: checkpoint)
                    analyzerReset = true
                }
                if simulated != nil { currentSimulator?.plan(.fresh(seed: seed, scenarios: scenarios)) }
                return (cleared, ClassRestart(seed: simulated != nil ? seed : nil, analyzerReset: analyzerReset))
            }
        }
    }

    public func snapshots() async throws -> [ApplianceSnapshotSummary] {
        try snapshotStore().list()
    }

    public func saveSnapshot(named name: String) async throws -> ApplianceSnapshotSummary {
        let store = try snapshotStore()
        try store.checkSave(name)
        return try await exclusively {
            let broker = embeddedBroker?.broker
            return try await withStopped(["simulator", "analyzer", "broker"]) {
                let position = currentSimulator?.position
                let summary = ApplianceSnapshotSummary(
                    name: name,
                    savedAtMillis: WallClock.nowMilliseconds(),
                    bytes: 0,
                    topics: broker.map(Self.topics(of:)) ?? [],
                    simulatorSeed: position?.seed,
                    simulatorNextSequence: position?.nextSequence,
                    hasAnalyzerCheckpoint: FileManager.default.fileExists(
                        atPath: dataDirectory + "/" + ApplianceSnapshotStore.analyzerCheckpoint
                    )
                )
                return try store.save(.init(summary: summary, simulator: position))
            }
        }
    }

    public func restoreSnapshot(named name: String) async throws -> ApplianceSnapshotSummary {
        let store = try snapshotStore()
        let manifest = try store.manifest(of: name)
        return try await exclusively {
            try await withStopped(["simulator", "analyzer", "broker"]) {
                try store.restore(name)
                if let position = manifest.simulator { currentSimulator?.plan(.resume(position)) }
                return manifest.summary
            }
        }
    }

    public func deleteSnapshot(named name: String) async throws {
        try await exclusively { try snapshotStore().delete(name) }
    }

    /// The snapshots of this appliance's data directory.
    ///
    /// - Throws: `DashboardRequestError` (`notFound`) with an external cluster, whose topics
    ///   live elsewhere.
    private func snapshotStore() throws -> ApplianceSnapshotStore {
        guard embeddedBroker != nil else {
            throw DashboardRequestError(
                .notFound,
                "snapshots need the embedded broker: this appliance uses an external Kafka cluster"
            )
        }
        return ApplianceSnapshotStore(dataDirectory: dataDirectory)
    }

    /// Runs `body` unless a reset or a snapshot is under way (then 409).
    private func exclusively<Value>(_ body: () async throws -> Value) async throws -> Value {
        let taken = classroomBusy.withLock { busy in
            defer { busy = true }
            return !busy
        }
        guard taken else {
            throw DashboardRequestError(.conflict, "a class reset or a snapshot is under way: try again when it ends")
        }
        defer { classroomBusy.withLock { $0 = false } }
        return try await body()
    }

    /// Stops the components named (in that order) that run, runs `body`, and starts them
    /// again in the reverse order, whether `body` succeeded or not.
    private func withStopped<Value>(
        _ names: [String],
        _ body: () async throws -> Value
    ) async throws -> Value {
        var stopped: [SupervisedComponent] = []
        defer {
            for component in stopped.reversed() { component.start() }
        }
        for name in names {
            guard let component = component(name), component.status.state != .stopped else { continue }
            stopped.append(component)
            guard await component.stopAndWait(within: Self.stopLimit) else {
                throw DashboardRequestError(
                    .conflict,
                    "the \(name) did not stop within \(Self.stopLimit); nothing was changed"
                )
            }
        }
        return try await body()
    }

    /// Each topic's next offset by partition, internal topics left out.
    static func topics(of broker: KafkaBroker) -> [ApplianceSnapshotSummary.Topic] {
        let partitions = broker.logs.partitions.filter { !$0.topic.hasPrefix("__") }
        return Dictionary(grouping: partitions, by: \.topic).map { topic, partitions in
            let ends = partitions.sorted { $0.partition < $1.partition }.map {
                broker.logs.log(topic: topic, partition: $0.partition)?.logEndOffset ?? 0
            }
            return ApplianceSnapshotSummary.Topic(name: topic, endOffsets: ends)
        }.sorted { $0.name < $1.name }
    }

    /// Deletes an SQLite database with its WAL and shared memory files.
    static func removeDatabase(at path: String) throws {
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            do {
                try FileManager.default.removeItem(atPath: file)
            } catch {
                throw DashboardRequestError(
                    .unavailable,
                    "the analyzer's checkpoint \(file) could not be deleted: \(error)"
                )
            }
        }
    }
}
