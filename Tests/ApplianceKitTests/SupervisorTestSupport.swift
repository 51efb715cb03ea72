import ApplianceKit
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A supervisor clock the test moves: sleeping returns at once, having moved the clock by
/// the time asked and noted it.
final class FakeClock: SupervisorClock {
    private struct State {
        var now: Duration = .zero
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    var now: Duration { state.withLock { $0.now } }

    /// Every sleep asked for, in order.
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func advance(by duration: Duration) {
        state.withLock { $0.now += duration }
    }

    func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.now += duration
            state.sleeps.append(duration)
        }
        await Task.yield()
    }
}

/// The failure a fake component's start ends with.
struct FakeFailure: Error, CustomStringConvertible {
    let description: String
}

/// A component's service that runs until the graceful shutdown reaches it.
struct RunningService: Service {
    func run() async throws {
        try await gracefulShutdown()
    }
}

/// The factory of a fake component: the first `failures` builds fail, the others make a
/// service that runs until it is stopped. Counts the builds.
final class FakeComponent: Sendable {
    private let failures: Int
    private let builds = Mutex(0)

    init(failures: Int = 0) {
        self.failures = failures
    }

    var buildCount: Int { builds.withLock { $0 } }

    func build() throws -> [ServiceGroupConfiguration.ServiceConfiguration] {
        let count = builds.withLock { builds in
            builds += 1
            return builds
        }
        guard count > failures else { throw FakeFailure(description: "failure \(count)") }
        return [.init(service: RunningService())]
    }
}

/// A logger that drops everything.
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `supervisor` in a service group while `body` runs, then stops the group gracefully
/// and waits for the supervisor to end.
func supervising(_ supervisor: SupervisedComponent, _ body: () async throws -> Void) async throws {
    let group = ServiceGroup(configuration: .init(services: [.init(service: supervisor)], logger: quietLogger))
    let running = Task { try await group.run() }
    do {
        try await body()
    } catch {
        await group.triggerGracefulShutdown()
        try? await running.value
        throw error
    }
    await group.triggerGracefulShutdown()
    try await running.value
}

/// Waits (polling, up to 60 s of real time) until `condition` holds; records an issue if it
/// never does.
///
/// The bound is far above what the supervisor needs (milliseconds): in a full `swift test`
/// the CPU-bound suites (compression, fuzzing, large batches) keep both threads of the
/// cooperative pool busy for seconds on a two-core machine, and the supervisor's task only
/// runs once they yield.
func eventually(
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
            return
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}
