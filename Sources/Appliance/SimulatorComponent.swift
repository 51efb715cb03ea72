import KafkaWire
import Logging
import ServiceLifecycle
import Simulator
import Synchronization

/// The simulator with its own producer, as one service: the producer is closed (delivering
/// what the simulator made) when the simulator ends, so a restart starts clean. The running
/// simulator is published in `current` for the operator's controls.
final class SimulatorComponent: Service, Sendable {
    let simulator: OrderSimulator
    private let producer: KafkaProducer

    /// A simulator made from `options`; after `previous` (the one a restart replaces) it
    /// continues that run's order sequence, so no order id repeats one already sent.
    init(options: SimulatorOptions.Options, after previous: OrderSimulator? = nil, logger: Logger) throws {
        producer = try KafkaProducer(configuration: options.producer, logger: logger)
        var configuration = options.simulation
        if let previous {
            configuration = previous.configuration.continuing(after: previous.stats)
        }
        simulator = OrderSimulator(
            configuration: configuration, sink: KafkaOrderSink(producer: producer, topic: options.topic), logger: logger)
    }

    func run() async throws {
        do {
            try await simulator.run()
        } catch {
            try? await producer.close()
            throw error
        }
        try await producer.close()
    }
}

/// The simulator currently running in the appliance, if any (it is rebuilt on restarts).
final class CurrentSimulator: Sendable {
    private let value = Mutex<OrderSimulator?>(nil)

    var simulator: OrderSimulator? { value.withLock { $0 } }

    func set(_ simulator: OrderSimulator?) {
        value.withLock { $0 = simulator }
    }
}
