import ApplianceKit
import Dashboard
import Synchronization
import Testing

@Suite(
    "Reset between classes: the analyzer stopped meanwhile, its state dropped with the orders",
    .timeLimit(.minutes(1))
)
struct ApplianceClassroomTests {
    struct ClearingFailed: Error {}

    /// An appliance with a supervised analyzer whose checkpoint is a file of the directory.
    static func appliance(_ directory: TemporaryDirectory) -> (ApplianceStatus, SupervisedComponent, String) {
        let status = ApplianceStatus(snapshots: nil, dataDirectory: directory.path)
        let analyzer = SupervisedComponent(
            name: "analyzer",
            logger: quietLogger,
            clock: FakeClock(),
            factory: FakeComponent().build
        )
        status.register(analyzer)
        let checkpoint = directory.path + "/checkpoint.sqlite"
        TemporaryDirectory.write("state", to: checkpoint)
        TemporaryDirectory.write("wal", to: checkpoint + "-wal")
        status.attach(ordersTopics: ["orders", "orders.dlq"], analyzerCheckpoint: checkpoint)
        return (status, analyzer, checkpoint)
    }

    @Test func truncatingDropsTheCheckpointWhileTheAnalyzerIsStopped() async throws {
        let directory = TemporaryDirectory()
        let (status, analyzer, _) = Self.appliance(directory)
        try await supervising(analyzer) {
            try await eventually("the analyzer runs") { analyzer.status.state == .running }
            let seen = Mutex<ComponentStatus.State?>(nil)
            let (_, restart) = try await status.resetClass(ClassResetPlan(orders: .truncate)) {
                seen.withLock { $0 = analyzer.status.state }
            }
            #expect(seen.withLock { $0 } == .stopped)
            #expect(restart == ClassRestart(seed: nil, analyzerReset: true))
            #expect(TemporaryDirectory.names(in: directory.path) == [])
            try await eventually("the analyzer runs again") { analyzer.status.state == .running }
            #expect(await status.applianceTopics() == ["orders", "orders.dlq"])
        }
    }

    @Test func keepingTheOrdersKeepsTheCheckpointAndAFailureStillRestarts() async throws {
        let directory = TemporaryDirectory()
        let (status, analyzer, checkpoint) = Self.appliance(directory)
        try await supervising(analyzer) {
            try await eventually("the analyzer runs") { analyzer.status.state == .running }
            let (_, restart) = try await status.resetClass(ClassResetPlan(orders: .keep)) {}
            #expect(restart.analyzerReset == false)
            #expect(TemporaryDirectory.read(checkpoint) == "state")
            await #expect(throws: ClearingFailed.self) {
                try await status.resetClass(ClassResetPlan(orders: .truncate)) { throw ClearingFailed() }
            }
            // The clearing failed, so the orders may still be there: the analyzer keeps its state.
            #expect(TemporaryDirectory.read(checkpoint) == "state")
            try await eventually("the analyzer runs again") { analyzer.status.state == .running }
        }
    }

    @Test func aScenarioWithoutASimulatorIsRefusedBeforeAnythingStops() async throws {
        let directory = TemporaryDirectory()
        let (status, analyzer, _) = Self.appliance(directory)
        try await supervising(analyzer) {
            try await eventually("the analyzer runs") { analyzer.status.state == .running }
            let refused = await #expect(throws: DashboardRequestError.self) {
                try await status.resetClass(ClassResetPlan(orders: .keep, scenario: "flash-sale:PROD-001:30s")) {
                    Issue.record("the clearing ran")
                }
            }
            #expect(refused?.kind == .invalid)
            #expect(analyzer.status.state == .running)
        }
    }

    @Test func snapshotsNeedTheEmbeddedBroker() async throws {
        let directory = TemporaryDirectory()
        let status = ApplianceStatus(snapshots: nil, dataDirectory: directory.path)
        let refused = await #expect(throws: DashboardRequestError.self) { try await status.saveSnapshot(named: "a") }
        #expect(refused?.kind == .notFound)
        #expect(refused?.message.contains("external Kafka cluster") == true)
    }

    /// The reset comes while the analyzer is still starting: its stop must not wait for a run
    /// that was not there yet to end.
    @Test func oneResetAtATime() async throws {
        let directory = TemporaryDirectory()
        let (status, analyzer, _) = Self.appliance(directory)
        try await supervising(analyzer) {
            let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
            let (release, releaser) = AsyncStream<Void>.makeStream()
            let first = Task {
                try await status.resetClass(ClassResetPlan(orders: .keep)) {
                    enteredContinuation.yield()
                    for await _ in release {}
                }
            }
            for await _ in entered { break }
            let busy = await #expect(throws: DashboardRequestError.self) {
                try await status.resetClass(ClassResetPlan(orders: .keep)) {}
            }
            #expect(busy?.kind == .conflict)
            releaser.finish()
            _ = try await first.value
            _ = try await status.resetClass(ClassResetPlan(orders: .keep)) {}
        }
    }
}
