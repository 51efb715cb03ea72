import Logging
import Testing

@testable import Simulator

@Suite("A restarted simulator continues its run")
struct RestartTests {
    let start: Int64 = 1_757_169_000_000_000

    func simulator(_ configuration: OrderSimulator.Configuration, sink: CollectingSink) -> OrderSimulator {
        OrderSimulator(
            configuration: configuration,
            sink: sink,
            clock: ManualClock(startMicros: start, runFor: 4),
            logger: Logger(label: "test")
        )
    }

    /// The restart the appliance does: a new simulator from the old one's configuration and stats.
    @Test func orderIDsContinueAcrossARestart() async throws {
        let generator = OrderGenerator.Configuration(seed: 7, runID: RunID(startSeconds: 1_757_169_000, nonce: 3))
        let first = OrderSimulator.Configuration(generator: generator, pacing: .flood, count: 1000)
        let firstSink = CollectingSink()
        let firstRun = simulator(first, sink: firstSink)
        try firstRun.trigger(.malformedBurst(count: 5))
        try await firstRun.run()
        #expect(firstRun.stats.nextSequence == 1006)

        let second = first.continuing(after: firstRun.stats)
        let secondSink = CollectingSink()
        try await simulator(second, sink: secondSink).run()

        let before = firstSink.records.map(\.key).filter { $0.hasPrefix("ORDER-") }
        let after = secondSink.records.map(\.key)
        #expect(after.count == 1000)
        #expect(Set(before).isDisjoint(with: Set(after)))
        #expect(after.first == "ORDER-\(generator.runID.text)-001006")
        #expect(after.last == "ORDER-\(generator.runID.text)-002005")
        // Not a replay of the first run's choices either.
        let products = { (records: [CollectingSink.Sent]) in
            records.prefix(50).map {
                String(decoding: $0.value, as: UTF8.self).split(separator: "\"timestamp\"")[0].split(
                    separator: "\"product_id\""
                )[1]
            }
        }
        #expect(products(firstSink.records.filter { isValidOrder($0.value) }) != products(secondSink.records))
    }

    @Test func continuingIsReproducible() {
        let generator = OrderGenerator.Configuration(seed: 7, runID: RunID(startSeconds: 1_757_169_000, nonce: 3))
        let configuration = OrderSimulator.Configuration(generator: generator)
        var stats = SimulatorStats(pacing: .standard)
        stats.nextSequence = 42
        let one = configuration.continuing(after: stats)
        let two = configuration.continuing(after: stats)
        #expect(one.generator.seed == two.generator.seed && one.generator.seed != generator.seed)
        #expect(one.generator.firstSequence == 42 && one.generator.runID == generator.runID)
        // A simulator that made nothing (stopped at once) continues where it began.
        #expect(one.continuing(after: SimulatorStats(pacing: .standard)).generator.firstSequence == 42)
    }
}
