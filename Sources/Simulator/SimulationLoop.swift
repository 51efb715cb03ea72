import KafkaWire

/// The state `OrderSimulator.run()` owns while it runs: generator, pacing, the reusable
/// batch and the counters, touched by no other task.
struct SimulationLoop {
    private let simulator: OrderSimulator
    private var generator: OrderGenerator
    private var pacing: RateController
    private var batch: OrderBatch
    private var paused: Bool
    private var lastTickMicros: Int64
    private var stats: SimulatorStats
    private var windowStartMicros: Int64
    private var windowStartCount = 0

    /// How often the measured rate is recomputed.
    static let rateWindowMicros: Int64 = 1_000_000

    init(simulator: OrderSimulator) {
        self.simulator = simulator
        let configuration = simulator.configuration
        let now = simulator.clock.nowMicros()
        generator = OrderGenerator(configuration: configuration.generator)
        pacing = RateController(mode: configuration.pacing, nowMicros: now, seed: configuration.generator.seed)
        batch = OrderBatch(capacity: min(configuration.maxBatch, 4096))
        paused = configuration.startPaused
        lastTickMicros = now
        windowStartMicros = now
        stats = simulator.stats
    }

    /// Ticks until stopped, cancelled or done. Returns the error that ended the run when the
    /// cluster refused the simulator in a way only other settings can fix (a refused login);
    /// a cancelled sleep simply ends the run.
    mutating func run() async -> KafkaClientError? {
        var failure: KafkaClientError?
        do {
            while try await tick() {}
        } catch let error as KafkaClientError {
            failure = error
        } catch {
            // Cancellation (or the clock refusing to sleep): the run simply ends here.
        }
        publish(at: simulator.clock.nowMicros())
        return failure
    }

    /// One tick: apply commands, make the orders due, wait. False when the run is over.
    private mutating func tick() async throws -> Bool {
        let commands = simulator.commands.withLock { $0.take() }
        if commands.stop || Task.isCancelled { return false }
        let now = simulator.clock.nowMicros()
        apply(commands, at: now)
        if paused {
            publish(at: now)
            try await simulator.clock.sleep(micros: OrderSimulator.idleMicros)
            return true
        }
        for id in generator.advance(to: now) {
            simulator.logger.info("scenario ended", metadata: ["scenario": "\(id)"])
        }
        let multiplier = generator.rateMultiplier(at: now)
        try await produce(ordersDue(at: now, multiplier: multiplier), at: now)
        publish(at: now)
        if let count = simulator.configuration.count, stats.ordersGenerated >= count { return false }
        let wait = pacing.wait(after: now, multiplier: multiplier)
        if wait > 0 {
            try await simulator.clock.sleep(micros: wait)
        } else {
            await Task.yield()
        }
        return true
    }

    private mutating func ordersDue(at now: Int64, multiplier: Double) -> Int {
        let due = pacing.due(at: now, multiplier: multiplier)
        guard let count = simulator.configuration.count else { return due }
        return min(due, max(count - stats.ordersGenerated, 0))
    }

    private mutating func apply(_ commands: OrderSimulator.Commands, at now: Int64) {
        if paused && !commands.paused {
            pacing.restart(at: now)
            lastTickMicros = now
        }
        paused = commands.paused
        if let mode = commands.pacing {
            pacing.change(to: mode, at: now)
            lastTickMicros = now
            stats.pacing = mode
            simulator.logger.info("pacing changed", metadata: ["pacing": "\(mode)"])
        }
        for (id, scenario) in commands.starts {
            do {
                try generator.start(scenario, id: id, at: now)
                simulator.logger.info("scenario started", metadata: ["scenario": "\(id)", "what": "\(scenario)"])
            } catch {
                simulator.logger.warning("scenario not started", metadata: ["scenario": "\(id)", "error": "\(error)"])
            }
        }
        for id in commands.cancels where generator.cancel(id, at: now) {
            simulator.logger.info("scenario cancelled", metadata: ["scenario": "\(id)"])
        }
    }

    /// Makes `due` orders (and the malformed records due) with timestamps spread over the
    /// time since the last tick, sending at most `maxBatch` records at a time.
    private mutating func produce(_ due: Int, at now: Int64) async throws {
        let from = lastTickMicros
        lastTickMicros = now
        stats.malformedSent += generator.appendMalformedDue(at: now, into: &batch)
        let maxBatch = simulator.configuration.maxBatch
        var done = 0
        repeat {
            let chunk = min(due - done, max(maxBatch - batch.count, 0))
            let chunkFrom = from + (now - from) * Int64(done) / Int64(max(due, 1))
            let chunkTo = from + (now - from) * Int64(done + chunk) / Int64(max(due, 1))
            generator.appendOrders(chunk, from: chunkFrom, to: chunkTo, into: &batch)
            done += chunk
            stats.ordersGenerated += chunk
            try await sendBatch()
        } while done < due
    }

    private mutating func sendBatch() async throws {
        guard !batch.isEmpty else { return }
        defer { batch.removeAll() }
        do {
            try await simulator.sink.send(batch)
            stats.batchesSent += 1
            stats.bytesSent += batch.bytes.count
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as KafkaClientError where error.needsOtherSettings {
            // Sending again would be refused the same way: the simulator stops and says why.
            stats.sendErrors += 1
            stats.recordsDropped += batch.count
            stats.lastError = "\(error)"
            throw error
        } catch {
            stats.sendErrors += 1
            stats.recordsDropped += batch.count
            stats.lastError = "\(error)"
            simulator.logger.warning(
                "sending orders failed; batch dropped",
                metadata: [
                    "records": "\(batch.count)", "error": "\(error)",
                ]
            )
            try await simulator.clock.sleep(micros: OrderSimulator.errorBackoffMicros)
        }
    }

    /// Copies the counters to the shared stats, once per tick rather than per order.
    private mutating func publish(at now: Int64) {
        if now - windowStartMicros >= Self.rateWindowMicros {
            let made = stats.ordersGenerated - windowStartCount
            stats.measuredRate = Double(made) * 1_000_000 / Double(now - windowStartMicros)
            windowStartMicros = now
            windowStartCount = stats.ordersGenerated
        }
        stats.targetRate = pacing.targetRate(multiplier: generator.rateMultiplier(at: now))
        stats.isPaused = paused
        stats.nextSequence = generator.nextSequence
        stats.activeScenarios = generator.activeScenarios
        let snapshot = stats
        simulator.statsBox.withLock { shared in
            let running = shared.isRunning
            shared = snapshot
            shared.isRunning = running
        }
    }
}

extension OrderSimulator.Commands {
    /// Takes the one-shot requests, leaving the standing ones (stop, paused) in place.
    mutating func take() -> Self {
        let taken = self
        pacing = nil
        starts = []
        cancels = []
        return taken
    }
}
