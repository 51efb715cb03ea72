import Common
import Dashboard
import KafkaWire
import Logging
import ServiceLifecycle
import Synchronization

/// One component of the appliance (broker, simulator, analyzer, dashboard) run as a
/// `Service` that keeps it alive: built from a factory, restarted with growing pauses when it
/// fails (the others keep running), restarted or stopped and started again on request, its
/// state kept for the services panel and `aseed status`.
///
/// The component's own services (the broker's logs and listener, say) run in a nested
/// `ServiceGroup`, so they start and stop in their order, and a graceful shutdown of the
/// appliance reaches them.
public final class SupervisedComponent: Service, Sendable {
    /// What the component is made of, built anew for each start.
    public typealias Factory = @Sendable () throws -> [ServiceGroupConfiguration.ServiceConfiguration]
    /// Whether the component did useful work since the wall-clock time given (microseconds
    /// since 1970): the analyzer wrote a checkpoint and published a snapshot, say.
    public typealias ProgressProbe = @Sendable (_ sinceMicros: Int64) -> Bool
    /// What `status` reports.
    public typealias Status = (
        state: ComponentStatus.State, uptimeSeconds: Double?, lastError: String?, restarts: Int
    )

    private struct State {
        var phase = ComponentStatus.State.starting
        /// On the supervisor's clock.
        var startedAt: Duration?
        /// `startedAt` on the wall clock, for the progress probe.
        var startedAtMicros: Int64 = 0
        /// The failure that ended the last run, until the component is healthy again.
        var lastError: String?
        var restarts = 0
        /// The running group, so a restart or stop can shut it down.
        var group: ServiceGroup?
        /// What the operator asked for when the group ends.
        var request = Request.none
        /// Waiters for a start after an operator's stop.
        var startWaiter: CheckedContinuation<Void, Never>?
        /// A start that came before the component got to waiting for it.
        var startPending = false
    }

    private enum Request { case none, restart, stop }

    /// `broker`, `simulator`, `analyzer` or `dashboard`.
    public let name: String
    private let factory: Factory
    private let logger: Logger
    private let state = Mutex(State())
    private let madeProgress: ProgressProbe?
    private let clock: any SupervisorClock
    /// Pauses between restarts after failures: 0.5 s doubling up to 30 s.
    public static let backoff: (initial: Duration, maximum: Duration) = (.milliseconds(500), .seconds(30))
    /// Without a progress probe, how long a restarted component must run without failing
    /// before its last failure stops being its state.
    public static let settleTime: Duration = .seconds(10)

    /// A supervisor; `madeProgress` tells when a restarted component works again (without
    /// it, running `settleTime` without failing does). `clock` times uptimes and restart pauses.
    public init(
        name: String,
        logger: Logger,
        madeProgress: ProgressProbe? = nil,
        clock: any SupervisorClock = ContinuousSupervisorClock(),
        factory: @escaping Factory
    ) {
        self.name = name
        self.logger = logger
        self.madeProgress = madeProgress
        self.clock = clock
        self.factory = factory
    }

    /// The component's state, uptime, last error and restart count.
    ///
    /// The last error is the failure that ended the previous run, shown while the component
    /// fails or has just been restarted; once it runs again and made progress, it is cleared
    /// (logged as a recovery), so a healthy component never reports an old error.
    public var status: Status {
        let (phase, startedAt, startedAtMicros, lastError) = state.withLock {
            ($0.phase, $0.startedAt, $0.startedAtMicros, $0.lastError)
        }
        let uptime = phase == .running ? startedAt.map { clock.now - $0 } : nil
        guard let lastError, let uptime, hasRecovered(uptime: uptime, startedAtMicros: startedAtMicros) else {
            return (phase, uptime.map(Self.seconds), lastError, state.withLock { $0.restarts })
        }
        let cleared = state.withLock { state -> Bool in
            // Only the error and run seen above: a failure in between keeps its own.
            guard state.lastError == lastError, state.startedAtMicros == startedAtMicros, state.phase == .running else {
                return false
            }
            state.lastError = nil
            return true
        }
        if cleared { logger.info("\(name) runs again after its last failure (\(lastError))") }
        return (phase, Self.seconds(uptime), cleared ? nil : lastError, state.withLock { $0.restarts })
    }

    /// Whether the run that started at `startedAtMicros` and is `uptime` old works.
    private func hasRecovered(uptime: Duration, startedAtMicros: Int64) -> Bool {
        if let madeProgress { return madeProgress(startedAtMicros) }
        return uptime >= Self.settleTime
    }

    /// Stops the component's services gracefully and starts them again.
    public func restart() async {
        await end(with: .restart)
    }

    /// Stops the component until `start` (the simulator's stop button).
    public func stop() async {
        await end(with: .stop)
    }

    /// Stops the component as `stop` does and waits until it has stopped, for at most `limit`;
    /// answers whether it stopped. One stopped already is left as it is.
    public func stopAndWait(within limit: Duration) async -> Bool {
        guard status.state != .stopped else { return true }
        await stop()
        let deadline = ContinuousClock.now + limit
        while status.state != .stopped {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Starts a component stopped with `stop`; nothing when it runs.
    public func start() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.startWaiter = nil }
            if state.startWaiter == nil { state.startPending = true }
            return state.startWaiter
        }
        waiter?.resume()
    }

    private func end(with request: Request) async {
        let group = state.withLock { state -> ServiceGroup? in
            state.request = request
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }

    /// Runs the component until the appliance stops gracefully (or the component ends by
    /// itself), restarting it after failures and on request.
    public func run() async throws {
        var failures = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            setPhase(failures == 0 ? .starting : .restarting)
            do {
                try await runOnce()
                failures = 0
            } catch {
                guard !Task.isShuttingDownGracefully, !Task.isCancelled else { break }
                failures += 1
                let pause = delay(afterFailures: failures)
                state.withLock {
                    $0.phase = .failed
                    $0.lastError = "\(error)"
                    $0.restarts += 1
                }
                logger.error("\(name) failed: \(error); restarting in \(pause)")
                try? await clock.sleep(for: pause)
                // An operator's stop during the pause is honoured; a restart is what happens anyway.
                if takeRequest() == .stop { await stayStopped() }
                continue
            }
            switch takeRequest() {
            case .restart:
                state.withLock { $0.restarts += 1 }
                logger.info("\(name) restarting on request")
            case .stop:
                await stayStopped()
            case .none:
                // It ended by itself (the simulator reached --count) or the appliance stops.
                stopped()
                // One that ended by itself stays stopped until the appliance stops: a service
                // group takes a service that ends while it stops another one as a failure,
                // and cancels everything (a --count reached just as SIGTERM came ended the
                // process with status 1).
                if !Task.isShuttingDownGracefully { try? await gracefulShutdown() }
                return
            }
        }
        stopped()
    }

    /// The end of `run`: logged, so a stop that hangs shows which component it waits for.
    private func stopped() {
        setPhase(.stopped)
        logger.info("\(name) stopped")
    }

    /// Builds the component and runs it until it ends, fails, or is asked to stop.
    private func runOnce() async throws {
        let group = ServiceGroup(configuration: .init(services: try factory(), logger: logger))
        let requested = state.withLock { state -> Bool in
            state.group = group
            state.phase = .running
            state.startedAt = clock.now
            state.startedAtMicros = WallClock.nowMicros
            return state.request != .none
        }
        defer { state.withLock { $0.group = nil } }
        // A stop or restart asked for while the component was starting found no group to shut
        // down: the group takes it now and stops as soon as it has started.
        if requested { await group.triggerGracefulShutdown() }
        try await withGracefulShutdownHandler {
            try await group.run()
        } onGracefulShutdown: { [name, logger] in
            logger.info("\(name) stopping")
            Task { await group.triggerGracefulShutdown() }
        }
    }

    /// The operator's request made while the component ran, cleared.
    private func takeRequest() -> Request {
        state.withLock { state in
            defer { state.request = .none }
            return state.request
        }
    }

    /// Stopped on request: waits for `start` (or the appliance's shutdown).
    private func stayStopped() async {
        state.withLock { $0.startPending = false }
        setPhase(.stopped)
        logger.info("\(name) stopped on request; waiting to be started")
        await waitForStart()
    }

    private func waitForStart() async {
        await withGracefulShutdownHandler {
            await withCheckedContinuation { continuation in
                let pending = state.withLock { state -> Bool in
                    defer { state.startPending = false }
                    if !state.startPending { state.startWaiter = continuation }
                    return state.startPending
                }
                if pending { continuation.resume() }
            }
        } onGracefulShutdown: { [self] in
            start()
        }
    }

    private func setPhase(_ phase: ComponentStatus.State) {
        state.withLock { $0.phase = phase }
    }

    private func delay(afterFailures failures: Int) -> Duration {
        var pause = Self.backoff.initial
        for _ in 1..<max(1, failures) where pause < Self.backoff.maximum { pause *= 2 }
        return min(pause, Self.backoff.maximum)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
