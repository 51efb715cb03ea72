import ApplianceKit
import ArgumentParser
import MiniBroker

/// `aseed broker`: the Kafka-compatible broker alone.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run the Kafka-compatible broker alone (port 9092 by default).",
        discussion: """
            Every option can also be set as an ASEED_* environment variable (--message-max-bytes \
            -> ASEED_MESSAGE_MAX_BYTES) or as a key in the --config file (message-max-bytes = 2097152). \
            SIGTERM or SIGINT stops the broker cleanly (flushing every partition).
            """
    )

    @OptionGroup var common: CommonOptions

    @OptionGroup var broker: BrokerOptions

    func run() async throws {
        let settings = try Settings(configPath: common.config)
        let broker = try self.broker.configuration(settings, common: common)
        let logDirectory = settings.string("log-dir", flag: common.logDir, default: "logs")
        try createDirectories(broker.dataDirectory, for: "data-dir")
        let runner = ServiceRunner(logDirectory: logDirectory, settings: settings, common: common)
        let logger = try runner.logger("broker")
        let service = try KafkaBroker(configuration: broker, logger: logger)
        // Reverse-order stop: the listener stops first, then the logs flush and close cleanly.
        try await runner.run([.init(service: service.logs), .init(service: service)], logger: logger)
    }
}
