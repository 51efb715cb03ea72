import Common
import KafkaWire
import Logging
import ServiceLifecycle
import Synchronization

/// The order simulator as a service: makes orders at the configured pace, applies the
/// scenarios triggered at run time, and hands batches to an `OrderSink`.
///
/// `run()` returns on graceful shutdown, on task cancellation, or once `count` orders are
/// made, after flushing the sink. The control methods (`pause`, `resume`, `setPacing`,
/// `trigger`, `cancel`) and `stats` are safe to call from any task at any time: they only
/// touch small locked states that the run loop reads once per tick, so the hot loop itself
/// takes no lock per order.
public final class OrderSimulator: Service, Sendable {
    /// How the simulator runs.
    public struct Configuration: Sendable {
        /// What the orders look like.
        public var generator: OrderGenerator.Configuration
        /// How fast they come.
        public var pacing: PacingMode
        /// Stop after this many valid orders; nil runs until shutdown.
        public var count: Int?
        /// Most records per batch handed to the sink.
        public var maxBatch: Int
        /// Start paused (the dashboard's start button resumes).
        public var startPaused: Bool

        /// A configuration; by default the original's pace, endless, unpaused.
        public init(
            generator: OrderGenerator.Configuration,
            pacing: PacingMode = .standard,
            count: Int? = nil,
            maxBatch: Int = 4096,
            startPaused: Bool = false
        ) {
            precondition(count.map { $0 >= 0 } ?? true, "count cannot be negative")
            precondition(maxBatch >= 1, "maxBatch must be at least 1")
            self.generator = generator
            self.pacing = pacing
            self.count = count
            self.maxBatch = maxBatch
            self.startPaused = startPaused
        }
    }

    /// Requests from the control methods, taken by the run loop at its next tick.
    struct Commands: Sendable {
        var stop = false
        var paused: Bool
        var pacing: PacingMode?
        var starts: [(ScenarioID, Scenario)] = []
        var cancels: [ScenarioID] = []
        var nextScenarioID = 1
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    let sink: any OrderSink
    let clock: any OrderClock
    let logger: Logger
    let commands: Mutex<Commands>
    let statsBox: Mutex<SimulatorStats>

    /// Pause between checks while paused, and after a failed send.
    static let idleMicros: Int64 = 100_000
    static let errorBackoffMicros: Int64 = 500_000

    /// A simulator that sends to `sink`, telling time by `clock`.
    public init(
        configuration: Configuration,
        sink: any OrderSink,
        clock: any OrderClock = SystemOrderClock(),
        logger: Logger
    ) {
        self.configuration = configuration
        self.sink = sink
        self.clock = clock
        self.logger = logger
        commands = Mutex(Commands(paused: configuration.startPaused))
        var stats = SimulatorStats(pacing: configuration.pacing)
        stats.isPaused = configuration.startPaused
        stats.nextSequence = configuration.generator.firstSequence
        statsBox = Mutex(stats)
    }

    /// Runs until graceful shutdown, cancellation or `count`; then flushes the sink.
    public func run() async throws {
        statsBox.withLock { $0.isRunning = true }
        defer { statsBox.withLock { $0.isRunning = false } }
        logger.info(
            "simulator starting",
            metadata: [
                "run-id": "\(configuration.generator.runID)", "seed": "\(configuration.generator.seed)",
                "pacing": "\(configuration.pacing)",
            ]
        )
        let failure = await withGracefulShutdownHandler {
            var loop = SimulationLoop(simulator: self)
            return await loop.run()
        } onGracefulShutdown: {
            self.commands.withLock { $0.stop = true }
        }
        if let failure {
            logger.error("simulator stopped: \(failure.message)")
            throw failure
        }
        let sink = self.sink
        if try await TimeLimit.wait(Self.flushLimit, for: { try await sink.flush() }) == nil {
            logger.warning(
                """
                simulator stopping with orders not acknowledged: the broker did not take them within \
                \(Self.flushLimit) (is it reachable at the address it advertises?)
                """
            )
        }
        let stats = self.stats
        logger.info(
            "simulator stopped",
            metadata: [
                "orders": "\(stats.ordersGenerated)", "malformed": "\(stats.malformedSent)",
                "dropped": "\(stats.recordsDropped)",
            ]
        )
    }

    /// How long a stop waits for the orders sent to be acknowledged: a broker that cannot be
    /// reached would otherwise hold it until the producer's delivery timeout.
    static let flushLimit: Duration = .seconds(5)
}
