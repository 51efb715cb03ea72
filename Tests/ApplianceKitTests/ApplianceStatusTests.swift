import ApplianceKit
import Dashboard
import Testing

@Suite("Appliance status")
struct ApplianceStatusTests {
    @Test func everyComponentIsListedAndTheOnesNotRunHereAreDisabled() async throws {
        let directory = TemporaryDirectory()
        let status = ApplianceStatus(snapshots: nil, dataDirectory: directory.path)
        let analyzer = SupervisedComponent(
            name: "analyzer",
            logger: quietLogger,
            clock: FakeClock(),
            factory: FakeComponent().build
        )
        status.register(analyzer)
        try await supervising(analyzer) {
            try await eventually("the analyzer runs") { analyzer.status.state == .running }
            let statuses = await status.componentStatuses()
            #expect(statuses.map(\.name) == ["broker", "simulator", "analyzer", "dashboard"])
            #expect(statuses.map(\.enabled) == [false, false, true, false])
            #expect(statuses.map(\.state) == [.stopped, .stopped, .running, .stopped])
            #expect(statuses.map(\.throughputUnit) == ["messages/s", "orders/s", "records/s", "clients"])
        }
    }

    @Test func aRestartOfAnUnknownOrAbsentComponentIsRefusedAsNotFound() async throws {
        let directory = TemporaryDirectory()
        let status = ApplianceStatus(snapshots: nil, dataDirectory: directory.path)
        let unknown = await #expect(throws: DashboardRequestError.self) { try await status.restart(component: "nope") }
        #expect(unknown?.kind == .notFound)
        #expect(unknown?.message == "no component 'nope': use broker, simulator, analyzer or dashboard")
        let absent = await #expect(throws: DashboardRequestError.self) { try await status.restart(component: "broker") }
        #expect(absent?.kind == .notFound)
        #expect(absent?.message == "broker is not part of this appliance (it was started without it)")
    }

    @Test func simulatorCommandsWithoutASimulatorAreRefusedAsNotFound() async throws {
        let directory = TemporaryDirectory()
        let status = ApplianceStatus(snapshots: nil, dataDirectory: directory.path)
        let error = await #expect(throws: DashboardRequestError.self) { try await status.simulator(.pause) }
        #expect(error?.kind == .notFound)
        #expect(await status.metricFamilies().isEmpty)
    }
}
