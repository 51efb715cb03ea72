import Analyzer
import ApplianceKit
import ArgumentParser

/// `aseed analyze`: the streaming analyzer alone, reading the orders of any Kafka-compatible
/// cluster.
struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Compute the order analytics from a Kafka topic (the analyzer alone).",
        discussion: """
            Reads every partition of the topic, counts each order once (duplicates, late and malformed \
            records are counted apart; malformed ones are copied to orders.dlq) and checkpoints the \
            aggregates with the offsets in <data-dir>/analyzer/checkpoint.sqlite, so a restart resumes \
            exactly. Offsets are also committed to group aseed-analyzer for lag tools. Every option is \
            also an ASEED_* environment variable or a --config key. SIGTERM or SIGINT stop after a last \
            checkpoint.
            """
    )

    @Option(help: ArgumentHelp("Configuration file of 'key = value' lines. Env: ASEED_CONFIG.", valueName: "file"))
    var config: String?

    @Option(
        help: ArgumentHelp(
            "Directory for all data; the checkpoint goes to <dir>/analyzer. Env: ASEED_DATA_DIR. Default: ./data",
            valueName: "dir"
        )
    )
    var dataDir: String?

    @Option(help: ArgumentHelp("Directory for analyzer.log. Env: ASEED_LOG_DIR. Default: ./logs", valueName: "dir"))
    var logDir: String?

    @Option(
        help: ArgumentHelp(
            "Kafka brokers to bootstrap from, comma-separated. Env: ASEED_BOOTSTRAP_SERVERS. Default: localhost:9092",
            valueName: "list"
        )
    )
    var bootstrapServers: String?

    @OptionGroup(title: "Logging in to a secured cluster") var clientSecurity: ClientSecurityOptions

    @Option(help: ArgumentHelp("Topic of orders. Default: orders", valueName: "name"))
    var topic: String?

    @OptionGroup var analyzer: AnalyzerOptions

    @Flag(help: "Stop once every partition is read to its end and print the final snapshot as JSON on stdout.")
    var exitAtEnd = false

    func run() async throws {
        let settings = try Settings(configPath: config)
        let servers = settings.string("bootstrap-servers", flag: bootstrapServers, default: "localhost:9092")
        let dataDirectory = settings.string("data-dir", flag: dataDir, default: "data")
        var configuration = try analyzer.configuration(
            settings,
            bootstrapServers: servers,
            security: try clientSecurity.security(settings),
            dataDirectory: dataDirectory,
            topic: settings.string("topic", flag: topic, default: "orders")
        )
        configuration.exitAtEnd = exitAtEnd
        try createDirectories(configuration.directory, for: "data-dir")
        let logDirectory = settings.string("log-dir", flag: logDir, default: "logs")
        let runner = ServiceRunner(logDirectory: logDirectory, settings: settings)
        let logger = try runner.logger("analyzer")
        let orders = OrderAnalyzer(configuration: configuration, logger: logger)
        try await runner.run(
            [.init(service: orders, successTerminationBehavior: .gracefullyShutdownGroup)],
            logger: logger
        )
        if exitAtEnd, let snapshot = orders.snapshots.latest {
            print(snapshot.json)
        }
    }
}
