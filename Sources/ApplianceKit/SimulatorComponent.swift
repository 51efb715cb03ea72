import Common
import KafkaWire
import Logging
import ServiceLifecycle
import Simulator

/// The simulator with its own producer, as one service: the producer is closed (delivering
/// what the simulator made) when the simulator ends, so a restart starts clean. The running
/// simulator is published in `current` for the operator's controls.
public final class SimulatorComponent: Service, Sendable {
    /// The simulator this component runs.
    public let simulator: OrderSimulator
    private let producer: KafkaProducer

    /// A simulator made from `configuration`; after `previous` (the one a restart replaces)
    /// it continues that run's order sequence, so no order id repeats one already sent. With
    /// `start` (a reset between classes, a snapshot's restore) it begins as that says instead,
    /// the scenarios of a fresh start triggered.
    public init(
        configuration: Configuration,
        after previous: OrderSimulator? = nil,
        start: SimulatorStart? = nil,
        logger: Logger
    ) throws {
        producer = try KafkaProducer(configuration: configuration.producer, logger: logger)
        var simulation = configuration.simulation
        if let start {
            simulation = simulation.starting(start, nowMicros: WallClock.nowMicros)
        } else if let previous {
            simulation = previous.configuration.continuing(after: previous.stats)
        }
        let sink = KafkaOrderSink(producer: producer, topic: configuration.topic)
        simulator = OrderSimulator(configuration: simulation, sink: sink, logger: logger)
        if case .fresh(_, let scenarios) = start {
            for scenario in scenarios { _ = try simulator.trigger(scenario) }
        }
    }

    /// How long the producer's close waits for deliveries.
    static let closeLimit: Duration = .seconds(5)

    /// Runs the simulator until it ends, then delivers what it made (for at most `closeLimit`).
    public func run() async throws {
        do {
            try await simulator.run()
        } catch {
            try? await producer.close(within: Self.closeLimit)
            throw error
        }
        try await producer.close(within: Self.closeLimit)
    }
}
