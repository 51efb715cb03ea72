import Simulator
import Testing

@testable import ApplianceKit

@Suite("Simulator starts: a new class's run, and a snapshot's run going on")
struct SimulatorStartTests {
    static func configuration(seed: UInt64) -> OrderSimulator.Configuration {
        OrderSimulator.Configuration(
            generator: .init(catalog: .standard, seed: seed, runID: RunID(text: "RUNA")!),
            pacing: .fixed(perSecond: 10)
        )
    }

    static func orders(_ configuration: OrderSimulator.Configuration, count: Int) -> [Order] {
        var generator = OrderGenerator(configuration: configuration.generator)
        return (0..<count).map { generator.nextOrder(at: Int64($0)) }
    }

    @Test func aFreshStartWithTheSameSeedMakesTheSameOrdersUnderANewRunID() {
        let first = Self.configuration(seed: 1).continuing(from: 500).starting(
            .fresh(seed: 11, scenarios: []),
            nowMicros: 0
        )
        let second = Self.configuration(seed: 2).starting(.fresh(seed: 11, scenarios: []), nowMicros: 1_000_000_000)
        #expect(first.generator.firstSequence == 1)
        #expect(first.generator.runID != second.generator.runID)
        let (a, b) = (Self.orders(first, count: 50), Self.orders(second, count: 50))
        #expect(a.map(\.productIndex) == b.map(\.productIndex))
        #expect(a.map(\.quantity) == b.map(\.quantity))
        #expect(a.map(\.customerNumber) == b.map(\.customerNumber))
        #expect(a.map(\.sequence) == Array(1...50))
    }

    @Test func aResumedRunMakesWhatARestartAtThatPointWould() {
        let running = Self.configuration(seed: 9)
        let position = SimulatorPosition(seed: 9, runID: "RUNA", firstSequence: 1, nextSequence: 321)
        let restarted = running.continuing(from: 321)
        let resumed = Self.configuration(seed: 77).starting(.resume(position), nowMicros: 0)
        #expect(resumed.generator.runID.text == "RUNA")
        #expect(resumed.generator.seed == restarted.generator.seed)
        #expect(resumed.generator.firstSequence == 321)
        #expect(Self.orders(resumed, count: 20) == Self.orders(restarted, count: 20))
    }
}
