import ApplianceKit
import Dashboard
import Testing

@Suite("Supervised component")
struct SupervisedComponentTests {
    @Test func aFailingComponentIsRestartedWithDoublingPauses() async throws {
        let clock = FakeClock()
        let fake = FakeComponent(failures: 4)
        let supervisor = SupervisedComponent(name: "analyzer", logger: quietLogger, clock: clock, factory: fake.build)
        try await supervising(supervisor) {
            try await eventually("the fifth build runs") { supervisor.status.state == .running }
            #expect(fake.buildCount == 5)
            #expect(clock.sleeps == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
            #expect(supervisor.status.restarts == 4)
        }
        #expect(supervisor.status.state == .stopped)
    }

    @Test func thePauseStopsGrowingAtThirtySeconds() async throws {
        let clock = FakeClock()
        let fake = FakeComponent(failures: 9)
        let supervisor = SupervisedComponent(name: "broker", logger: quietLogger, clock: clock, factory: fake.build)
        try await supervising(supervisor) {
            try await eventually("the tenth build runs") { supervisor.status.state == .running }
        }
        let expected: [Duration] = [
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
            .seconds(30), .seconds(30), .seconds(30),
        ]
        #expect(clock.sleeps == expected)
    }

    @Test func theLastErrorStaysUntilTheRestartedComponentHasRunTheSettleTime() async throws {
        let clock = FakeClock()
        let supervisor = SupervisedComponent(
            name: "dashboard",
            logger: quietLogger,
            clock: clock,
            factory: FakeComponent(failures: 1).build
        )
        try await supervising(supervisor) {
            try await eventually("the second build runs") { supervisor.status.state == .running }
            clock.advance(by: SupervisedComponent.settleTime - .seconds(1))
            #expect(supervisor.status.lastError == "failure 1")
            #expect(supervisor.status.uptimeSeconds == 9)
            clock.advance(by: .seconds(1))
            #expect(supervisor.status.lastError == nil)
            #expect(supervisor.status.restarts == 1)
        }
    }

    @Test func aProgressProbeClearsTheLastErrorBeforeTheSettleTime() async throws {
        let clock = FakeClock()
        let supervisor = SupervisedComponent(
            name: "analyzer",
            logger: quietLogger,
            madeProgress: { _ in true },
            clock: clock,
            factory: FakeComponent(failures: 1).build
        )
        try await supervising(supervisor) {
            try await eventually("the second build runs") { supervisor.status.state == .running }
            #expect(supervisor.status.lastError == nil)
        }
    }

    @Test func aStopOnRequestWaitsForStartAndBuildsAgain() async throws {
        let clock = FakeClock()
        let fake = FakeComponent()
        let supervisor = SupervisedComponent(name: "simulator", logger: quietLogger, clock: clock, factory: fake.build)
        try await supervising(supervisor) {
            try await eventually("the component runs") { supervisor.status.state == .running }
            await supervisor.stop()
            try await eventually("the component stopped") { supervisor.status.state == .stopped }
            #expect(fake.buildCount == 1)
            #expect(supervisor.status.uptimeSeconds == nil)
            supervisor.start()
            try await eventually("the component runs again") { supervisor.status.state == .running }
            #expect(fake.buildCount == 2)
            #expect(supervisor.status.restarts == 0)
        }
        #expect(clock.sleeps.isEmpty)
        #expect(supervisor.status.state == .stopped)
    }

    @Test func aStoppedComponentEndsWithTheAppliance() async throws {
        let fake = FakeComponent()
        let supervisor = SupervisedComponent(
            name: "simulator",
            logger: quietLogger,
            clock: FakeClock(),
            factory: fake.build
        )
        try await supervising(supervisor) {
            try await eventually("the component runs") { supervisor.status.state == .running }
            await supervisor.stop()
            try await eventually("the component stopped") { supervisor.status.state == .stopped }
        }
        #expect(fake.buildCount == 1)
    }

    @Test func aRestartOnRequestBuildsAgainWithoutAPause() async throws {
        let clock = FakeClock()
        let fake = FakeComponent()
        let supervisor = SupervisedComponent(name: "broker", logger: quietLogger, clock: clock, factory: fake.build)
        try await supervising(supervisor) {
            try await eventually("the component runs") { supervisor.status.state == .running }
            await supervisor.restart()
            try await eventually("the second build runs") {
                fake.buildCount == 2 && supervisor.status.state == .running
            }
            #expect(supervisor.status.restarts == 1)
            #expect(supervisor.status.lastError == nil)
        }
        #expect(clock.sleeps.isEmpty)
    }
}
