import Logging
import Testing

@testable import Simulator

@Suite("Pacing and the simulator service")
struct PacingTests {
    let start: Int64 = 1_757_169_000_000_000

    /// Drives a controller the way the run loop does, for `seconds` of simulated time.
    func ordersMade(_ mode: PacingMode, seconds: Double, jitter: Bool = false) -> Int {
        var controller = RateController(mode: mode, nowMicros: start, seed: 1)
        var random = Xoshiro256(seed: 2)
        var now = start
        var total = 0
        let end = start + Int64(seconds * 1_000_000)
        while now < end {
            total += controller.due(at: now, multiplier: 1)
            // A late wake-up (up to 3 ms) must not lose orders: credit carries them.
            now = min(
                now + controller.wait(after: now, multiplier: 1) + (jitter ? Int64(random.next(below: 3000)) : 0),
                end
            )
        }
        // The last tick may land before the end; count what is due exactly at the end.
        return total + controller.due(at: end, multiplier: 1)
    }

    @Test(arguments: [0.5, 10, 1000, 2_000_000])
    func fixedRateIsAccurate(rate: Double) {
        let made = ordersMade(.fixed(perSecond: rate), seconds: 10, jitter: true)
        #expect(abs(Double(made) - rate * 10) <= 1.5, "\(made) orders at \(rate)/s")
    }

    @Test func highRatesAreMadeInChunks() {
        var controller = RateController(mode: .fixed(perSecond: 1_000_000), nowMicros: start)
        #expect(controller.wait(after: start, multiplier: 1) == RateController.minimumTickMicros)
        #expect(controller.due(at: start + 5_000, multiplier: 1) == 5_000)
        // After a long stall, at most a second's worth is made up.
        #expect(controller.due(at: start + 60_000_000, multiplier: 1) == 1_000_000)
    }

    @Test func trickleMatchesTheOriginal() {
        // One order every 3-8 s, 5.5 s on average: about 655 in an hour.
        let made = ordersMade(.standard, seconds: 3600)
        #expect((600...710).contains(made))
    }

    func simulator(
        _ pacing: PacingMode,
        count: Int? = nil,
        sink: CollectingSink,
        runID: RunID? = nil,
        paused: Bool = false
    ) -> OrderSimulator {
        let generator = OrderGenerator.Configuration(
            seed: 1,
            runID: runID ?? RunID(startSeconds: 1_757_169_000, nonce: 0)
        )
        return OrderSimulator(
            configuration: .init(generator: generator, pacing: pacing, count: count, startPaused: paused),
            sink: sink,
            clock: ManualClock(startMicros: start, runFor: 4),
            logger: Logger(label: "test")
        )
    }

    @Test func simulatorKeepsItsRateOnAFakeClock() async throws {
        let sink = CollectingSink()
        let simulator = simulator(.fixed(perSecond: 500), sink: sink)
        try await simulator.run()
        #expect(abs(sink.records.count - 2000) <= 3)
        #expect(sink.records.allSatisfy { isValidOrder($0.value) })
        #expect(sink.records.map(\.timestampMicros) == sink.records.map(\.timestampMicros).sorted())
        #expect(sink.flushes == 1)
        let stats = simulator.stats
        #expect(stats.ordersGenerated == sink.records.count && !stats.isRunning)
        #expect(abs(stats.measuredRate - 500) < 10 && stats.targetRate == 500)
    }

    @Test func scenariosTriggeredAtRunTimeChangeTheRate() async throws {
        let sink = CollectingSink()
        let simulator = simulator(.fixed(perSecond: 100), sink: sink)
        try simulator.trigger(.trafficSpike(rateMultiplier: 3, duration: .seconds(2)))
        #expect(throws: ScenarioError.self) {
            try simulator.trigger(.viralProduct(productID: "nope", peakMultiplier: 2, duration: .seconds(1)))
        }
        try await simulator.run()
        // 2 s at 300/s, then 2 s at 100/s.
        #expect(abs(sink.records.count - 800) <= 4)
        #expect(simulator.stats.activeScenarios.isEmpty)
    }

    @Test func countStopsTheFloodExactly() async throws {
        let sink = CollectingSink()
        let simulator = simulator(.flood, count: 10_000, sink: sink)
        try simulator.trigger(.malformedBurst(count: 7))
        try await simulator.run()
        let valid = sink.records.filter { isValidOrder($0.value) }
        #expect(valid.count == 10_000 && sink.records.count == 10_007)
        #expect(simulator.stats.malformedSent == 7 && simulator.stats.targetRate == nil)
    }

    @Test func pausedMakesNothing() async throws {
        let sink = CollectingSink()
        let simulator = simulator(.fixed(perSecond: 100), sink: sink, paused: true)
        try await simulator.run()
        #expect(sink.records.isEmpty && simulator.stats.isPaused)
    }

    @Test func failingSinkIsCountedNotFatal() async throws {
        let sink = CollectingSink(failing: true)
        let simulator = simulator(.fixed(perSecond: 100), sink: sink)
        try await simulator.run()
        let stats = simulator.stats
        #expect(stats.sendErrors > 0 && stats.recordsDropped > 0 && stats.lastError != nil)
    }

    @Test func orderIDsAreUniqueAcrossRuns() async throws {
        var keys: [Set<String>] = []
        for startSeconds in [start / 1_000_000, start / 1_000_000 + 1] {
            let sink = CollectingSink()
            let simulator = simulator(
                .flood,
                count: 5000,
                sink: sink,
                runID: RunID.make(startMicros: startSeconds * 1_000_000)
            )
            try await simulator.run()
            keys.append(Set(sink.records.map(\.key)))
            #expect(keys.last!.count == 5000)
        }
        #expect(keys[0].isDisjoint(with: keys[1]))
    }
}
