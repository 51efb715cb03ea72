import Analyzer
import ApplianceKit
import ArgumentParser
import KafkaWire
import Logging
import MiniBroker
import ServiceLifecycle
import Simulator
import Synchronization

/// `aseed run` (also plain `aseed`): the appliance's components as services in one process.
///
/// That is the broker, the order simulator producing into it, the analyzer reading from it
/// and the dashboard showing the analyzer's snapshots. Services start together (the clients wait
/// for the broker with their connection retries) and stop in reverse order on SIGTERM/SIGINT:
/// the analyzer writes a last checkpoint, the simulator delivers what it made, the listener
/// closes, the logs flush and are marked clean.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract:
            """
            Run the appliance: the Kafka broker on :9092, the order simulator, the analyzer and the dashboard on \
            :5005 (the default command).
            """,
        discussion: """
            With --bootstrap-servers the simulator and the analyzer use that Kafka-compatible cluster and \
            no broker is started here. Every option is also an ASEED_* environment variable or a --config key.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(
        help: ArgumentHelp(
            """
            Use this external Kafka cluster (comma-separated HOST:PORT) instead of the embedded broker. Env: \
            ASEED_BOOTSTRAP_SERVERS.
            """,
            valueName: "list"
        )
    )
    var bootstrapServers: String?

    @OptionGroup(title: "Logging in to a secured external cluster") var clientSecurity: ClientSecurityOptions

    @Flag(help: "Do not start the order simulator. Env: ASEED_NO_SIMULATOR=true.")
    var noSimulator = false

    @Flag(help: "Do not start the analyzer. Env: ASEED_NO_ANALYZER=true.")
    var noAnalyzer = false

    @OptionGroup var broker: BrokerOptions

    @OptionGroup var simulator: SimulatorOptions

    @OptionGroup var analyzer: AnalyzerOptions

    @Flag(help: "Do not start the dashboard. Env: ASEED_NO_DASHBOARD=true.")
    var noDashboard = false

    @OptionGroup var dashboard: DashboardOptions

    @Option(
        help: ArgumentHelp(
            """
            Longest a graceful stop may take, in ms; then the process exits with status 1, naming the components \
            still stopping. Env: ASEED_STOP_TIMEOUT_MS. Default: 20000
            """,
            valueName: "ms"
        )
    )
    var stopTimeoutMs: Int?

    func run() async throws {
        let settings = try Settings(configPath: common.config)
        let logDirectory = settings.string("log-dir", flag: common.logDir, default: "logs")
        let external = settings.optionalString("bootstrap-servers", flag: bootstrapServers)
        let withSimulator = !(try settings.bool("no-simulator", flag: noSimulator ? true : nil, default: false))
        let withAnalyzer = !(try settings.bool("no-analyzer", flag: noAnalyzer ? true : nil, default: false))
        var dataDirectory = settings.string("data-dir", flag: common.dataDir, default: "data")
        var components: [SupervisedComponent] = []
        var bootstrap = external ?? ""
        var security = try clientSecurity.security(settings)
        let runner = ServiceRunner(logDirectory: logDirectory, settings: settings, common: common)
        let logger = runner.logger
        let mainLogger = try logger("appliance")
        let withDashboard = !(try settings.bool("no-dashboard", flag: noDashboard ? true : nil, default: false))
        let snapshots = SnapshotPublisher()
        var diskSpace: DiskSpaceGuard?
        var embedded: EmbeddedBroker?
        var brokerHosts: [String] = []

        if let external {
            // The analyzer's checkpoint and the dashboard's admin token live here with any cluster.
            try createDirectories(dataDirectory, for: "data-dir")
            mainLogger.info("using the Kafka cluster at \(external); no embedded broker")
        } else {
            var brokerConfiguration = try broker.configuration(settings, common: common)
            let connection = try ComponentConnection(broker: &brokerConfiguration)
            let configuration = brokerConfiguration
            try createDirectories(configuration.dataDirectory, for: "data-dir")
            if configuration.authorizer == .none {
                ApplianceLoginFile.remove(in: configuration.dataDirectory)
            } else {
                try ApplianceLoginFile.write(
                    bootstrap: connection.bootstrap,
                    security: connection.security,
                    in: configuration.dataDirectory
                )
            }
            bootstrap = connection.bootstrap
            security = connection.security
            brokerHosts = configuration.listeners.map(\.advertisedHost)
            dataDirectory = configuration.dataDirectory
            let brokerLogger = try logger("broker")
            let running = EmbeddedBroker()
            components.append(
                SupervisedComponent(name: "broker", logger: brokerLogger) {
                    let kafka = try KafkaBroker(configuration: configuration, logger: brokerLogger)
                    running.set(kafka)
                    return [.init(service: kafka.logs), .init(service: kafka)]
                }
            )
            embedded = running
            diskSpace = DiskSpaceGuard(
                dataDirectory: configuration.dataDirectory,
                reserveBytes: configuration.diskReserveBytes,
                logger: brokerLogger
            )
        }
        let status = ApplianceStatus(
            snapshots: snapshots,
            dataDirectory: dataDirectory,
            diskSpace: diskSpace,
            embeddedBroker: embedded
        )
        let currentSimulator = CurrentSimulator()
        if withSimulator {
            let options = try simulator.options(settings, bootstrapServers: bootstrap, security: security)
            let simulatorLogger = try logger("simulator")
            let firstStart = Mutex(true)
            components.append(
                SupervisedComponent(name: "simulator", logger: simulatorLogger) {
                    let component = try SimulatorComponent(
                        configuration: options,
                        after: currentSimulator.simulator,
                        start: currentSimulator.takePlannedStart(),
                        logger: simulatorLogger
                    )
                    // Scenarios given at start run once, not again after each restart.
                    let isFirstStart = firstStart.withLock { first in
                        defer { first = false }
                        return first
                    }
                    if isFirstStart {
                        for scenario in options.scenarios { _ = try component.simulator.trigger(scenario) }
                    }
                    currentSimulator.set(component.simulator)
                    // A simulator that reached --count ends; the others keep running.
                    return [.init(service: component, successTerminationBehavior: .gracefullyShutdownGroup)]
                }
            )
            status.attach(simulator: currentSimulator, catalog: options.simulation.generator.catalog)
        }
        // A reset between classes keeps these topics (the analyzer, when it runs, says the same).
        let ordersTopic = settings.string("topic", flag: simulator.topic, default: "orders")
        status.attach(ordersTopics: [ordersTopic, analyzer.deadLetterTopic(settings)], analyzerCheckpoint: nil)
        if withAnalyzer {
            components.append(
                try analyzer.component(
                    settings,
                    bootstrapServers: bootstrap,
                    security: security,
                    dataDirectory: dataDirectory,
                    topic: ordersTopic,
                    snapshots: snapshots,
                    status: status,
                    logger: try logger("analyzer")
                )
            )
        }
        if withDashboard {
            components.append(
                try dashboard.component(
                    settings,
                    dataDirectory: dataDirectory,
                    bootstrap: bootstrap,
                    security: security,
                    brokerDataDirectory: external == nil ? dataDirectory : nil,
                    embeddedBroker: embedded,
                    snapshots: snapshots,
                    status: status,
                    tlsFlags: (common.tlsCertificate, common.tlsKey),
                    tlsHosts: brokerHosts,
                    logger: try logger("dashboard")
                )
            )
        }
        for component in components { status.register(component) }
        guard !components.isEmpty else {
            throw ConfigurationError(
                "nothing to run: --bootstrap-servers without the embedded broker, --no-simulator and --no-analyzer"
            )
        }
        let stopTimeout = try settings.integer(
            "stop-timeout-ms",
            flag: stopTimeoutMs,
            default: Int(ForcedExit.defaultStopTimeout.components.seconds) * 1000
        )
        guard stopTimeout > 0 else {
            throw ConfigurationError("stop-timeout-ms: expected a number of milliseconds above 0, got \(stopTimeout)")
        }
        // In dependency order; a component that ends by itself (the simulator after --count)
        // leaves the others running.
        let services = components.map {
            ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .ignore)
        }
        try await runner.run(services, logger: mainLogger, stopTimeout: .milliseconds(stopTimeout)) { [components] in
            components.filter { $0.status.state != .stopped }.map(\.name)
        }
    }
}
