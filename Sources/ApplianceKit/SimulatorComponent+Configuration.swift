import KafkaWire
import Simulator

extension SimulatorComponent {
    /// Everything the command line, environment and config file say about the simulator,
    /// checked: what to make, where to send it and the scenarios to start with the run.
    public struct Configuration: Sendable {
        /// The topic the orders go to.
        public var topic: String
        /// Catalog, pacing, count and seed of the orders.
        public var simulation: OrderSimulator.Configuration
        /// The producer's cluster, compression and acknowledgements.
        public var producer: KafkaProducerConfiguration
        /// Scenarios started with the run (`--scenario`).
        public var scenarios: [Scenario]

        /// A configuration from its parts.
        public init(
            topic: String,
            simulation: OrderSimulator.Configuration,
            producer: KafkaProducerConfiguration,
            scenarios: [Scenario]
        ) {
            self.topic = topic
            self.simulation = simulation
            self.producer = producer
            self.scenarios = scenarios
        }
    }
}
