import ApplianceKit
import ArgumentParser
import KafkaWire
import Simulator

/// `aseed simulate`: the order simulator alone, producing into any Kafka-compatible cluster.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Produce realistic orders into a Kafka topic (the order simulator alone).",
        discussion: """
            Orders are JSON in the original ASEED shape, keyed by order_id, partitioned like the \
            Java client does. Without --rate or --flood the pace is the original's: one order every \
            3 to 8 seconds. Every option is also an ASEED_* environment variable or a --config key. \
            SIGTERM or SIGINT stops after delivering what was made.
            """
    )

    @Option(help: ArgumentHelp("Configuration file of 'key = value' lines. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("Directory for simulator.log. Env: ASEED_LOG_DIR. Default: ./logs", valueName: "dir"))
    var logDir: String?

    @Option(
        help: ArgumentHelp(
            "Kafka brokers to bootstrap from, comma-separated. Env: ASEED_BOOTSTRAP_SERVERS. Default: localhost:9092",
            valueName: "list"
        )
    )
    var bootstrapServers: String?

    @OptionGroup(title: "Logging in to a secured cluster") var clientSecurity: ClientSecurityOptions

    @OptionGroup var simulator: SimulatorOptions

    func run() async throws {
        let settings = try Settings(configPath: config)
        let servers = settings.string("bootstrap-servers", flag: bootstrapServers, default: "localhost:9092")
        let options = try simulator.options(
            settings,
            bootstrapServers: servers,
            security: try clientSecurity.security(settings)
        )
        let logDirectory = settings.string("log-dir", flag: logDir, default: "logs")
        let runner = ServiceRunner(logDirectory: logDirectory, settings: settings)
        let logger = try runner.logger("simulator")
        let producer = try KafkaProducer(configuration: options.producer, logger: logger)
        let simulator = OrderSimulator(
            configuration: options.simulation,
            sink: KafkaOrderSink(producer: producer, topic: options.topic),
            logger: logger
        )
        for option in options.scenarios {
            _ = try simulator.trigger(option)
        }
        let start = ContinuousClock.now
        try await runner.run(
            [.init(service: simulator, successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger
        )
        try await producer.close()
        let seconds = (ContinuousClock.now - start).seconds
        let made = simulator.stats.ordersGenerated
        let delivered = producer.statistics.recordsDelivered
        print(
            """
            made \(made) orders, \(delivered) delivered to \(options.topic) in \(seconds.formatted(decimals: 2)) s \
            (\(Int(Double(delivered) / max(seconds, 1e-9))) orders/s)
            """
        )
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}

extension Double {
    fileprivate func formatted(decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((self * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }
}
