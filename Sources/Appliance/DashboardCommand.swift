import Analyzer
import ApplianceKit
import ArgumentParser
import Dashboard
import KafkaWire
import ServiceLifecycle

/// `aseed dashboard`: the dashboard alone against a Kafka-compatible cluster, with its own
/// analyzer over that cluster as its data source (or none: then it serves the results an
/// external analyzer POSTs and the broker console).
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve the live dashboard for a Kafka cluster (with its own analyzer unless --no-analyzer).",
        discussion: """
            The page, REST API, WebSocket, broker console and /metrics on --dashboard-listen (default \
            0.0.0.0:5005). State-changing requests need the admin token (--admin-token, or the one generated \
            into <data-dir>/dashboard/admin-token). Every option is also an ASEED_* environment variable or a \
            --config key.
            """
    )

    @Option(help: ArgumentHelp("Configuration file of 'key = value' lines. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Directory for the analyzer's checkpoint and the admin token. Env: ASEED_DATA_DIR. Default: ./data",
            valueName: "dir"
        )
    )
    var dataDir: String?

    @Option(
        help: ArgumentHelp(
            "Directory for dashboard.log and analyzer.log. Env: ASEED_LOG_DIR. Default: ./logs",
            valueName: "dir"
        )
    )
    var logDir: String?

    @Option(
        help: ArgumentHelp(
            "Kafka brokers to bootstrap from, comma-separated. Env: ASEED_BOOTSTRAP_SERVERS. Default: localhost:9092",
            valueName: "list"
        )
    )
    var bootstrapServers: String?

    @Option(help: ArgumentHelp("Topic of orders. Default: orders", valueName: "name"))
    var topic: String?

    @Flag(
        help:
            """
            Run no analyzer: serve only what an external analyzer POSTs and the broker console. Env: \
            ASEED_NO_ANALYZER=true.
            """
    )
    var noAnalyzer = false

    @OptionGroup(title: "Logging in to a secured cluster") var clientSecurity: ClientSecurityOptions

    @OptionGroup var dashboard: DashboardOptions

    @OptionGroup var analyzer: AnalyzerOptions

    func run() async throws {
        let settings = try Settings(configPath: config)
        let servers = settings.string("bootstrap-servers", flag: bootstrapServers, default: "localhost:9092")
        let security = try clientSecurity.security(settings)
        let dataDirectory = settings.string("data-dir", flag: dataDir, default: "data")
        let logDirectory = settings.string("log-dir", flag: logDir, default: "logs")
        let withAnalyzer = !(try settings.bool("no-analyzer", flag: noAnalyzer ? true : nil, default: false))
        try createDirectories(dataDirectory, for: "data-dir")
        let runner = ServiceRunner(logDirectory: logDirectory, settings: settings)
        let logger = try runner.logger("dashboard")
        let snapshots = SnapshotPublisher()
        let status = ApplianceStatus(snapshots: snapshots, dataDirectory: dataDirectory)
        var components: [SupervisedComponent] = []
        let ordersTopic = settings.string("topic", flag: topic, default: "orders")
        status.attach(ordersTopics: [ordersTopic, analyzer.deadLetterTopic(settings)], analyzerCheckpoint: nil)
        if withAnalyzer {
            components.append(
                try analyzer.component(
                    settings,
                    bootstrapServers: servers,
                    security: security,
                    dataDirectory: dataDirectory,
                    topic: ordersTopic,
                    snapshots: snapshots,
                    status: status,
                    logger: try runner.logger("analyzer")
                )
            )
        }
        components.append(
            try dashboard.component(
                settings,
                dataDirectory: dataDirectory,
                bootstrap: servers,
                security: security,
                brokerDataDirectory: nil,
                embeddedBroker: nil,
                snapshots: snapshots,
                status: status,
                logger: logger
            )
        )
        for component in components { status.register(component) }
        let services = components.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        try await runner.run(services, logger: logger, stopTimeout: ForcedExit.defaultStopTimeout) { [components] in
            components.filter { $0.status.state != .stopped }.map(\.name)
        }
    }

    static func addresses(_ servers: String) throws -> [BrokerAddress] {
        do {
            return try BrokerAddress.parseList(servers)
        } catch {
            throw ConfigurationError("bootstrap-servers: expected HOST:PORT[,HOST:PORT...], got '\(servers)'")
        }
    }
}
