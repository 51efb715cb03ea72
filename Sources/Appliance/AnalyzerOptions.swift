import Analyzer
import ApplianceKit
import ArgumentParser
import KafkaWire

/// The analyzer's options, shared by `aseed analyze` and `aseed run`.
struct AnalyzerOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Where to start in a partition without checkpoint: earliest (count everything on the topic) or latest. \
            Default: earliest
            """,
            valueName: "earliest|latest"
        )
    )
    var start: String?

    @Option(help: ArgumentHelp("Milliseconds between triggers (checkpoint + snapshot). Default: 1000", valueName: "ms"))
    var triggerMs: Int?

    @Option(
        help: ArgumentHelp(
            "How far the watermark trails the newest event time; older orders are late. Default: 30",
            valueName: "seconds"
        )
    )
    var watermarkDelaySeconds: Int?

    @Option(help: ArgumentHelp("Length of the tumbling windows. Default: 60", valueName: "seconds"))
    var windowSeconds: Int?

    @Option(help: ArgumentHelp("How long windows are kept behind the watermark. Default: 24", valueName: "hours"))
    var windowRetentionHours: Int?

    @Option(
        help: ArgumentHelp(
            "Event time after which an order id may be forgotten by the duplicate check. Default: 600",
            valueName: "seconds"
        )
    )
    var dedupHorizonSeconds: Int?

    @Option(help: ArgumentHelp("Rows in each top-products ranking. Default: 10", valueName: "n"))
    var topN: Int?

    @Option(help: ArgumentHelp("Newest orders kept for the recent-orders table. Default: 50", valueName: "n"))
    var recentOrders: Int?

    @Option(help: ArgumentHelp("Topic receiving copies of malformed records. Default: orders.dlq", valueName: "name"))
    var dlqTopic: String?

    /// The analyzer's configuration from flags, environment and config file.
    func configuration(
        _ settings: Settings,
        bootstrapServers servers: String,
        security: KafkaClientSecurity = .plaintext,
        dataDirectory: String,
        topic: String
    ) throws -> AnalyzerConfiguration {
        let addresses: [BrokerAddress]
        do {
            addresses = try BrokerAddress.parseList(servers)
        } catch {
            throw ConfigurationError("bootstrap-servers: expected HOST:PORT[,HOST:PORT...], got '\(servers)'")
        }
        var configuration = AnalyzerConfiguration(bootstrapServers: addresses, directory: dataDirectory + "/analyzer")
        configuration.topic = topic
        configuration.security = security
        let startName = settings.string("start", flag: start, default: "earliest")
        guard let position = AnalyzerConfiguration.StartPosition(rawValue: startName) else {
            throw ConfigurationError("start: expected earliest or latest, got '\(startName)'")
        }
        configuration.start = position
        configuration.triggerInterval = .milliseconds(try positive("trigger-ms", triggerMs, default: 1000, settings))
        configuration.watermarkDelayMicros =
            Int64(try nonNegative("watermark-delay-seconds", watermarkDelaySeconds, default: 30, settings)) * 1_000_000
        configuration.windowMicros =
            Int64(try positive("window-seconds", windowSeconds, default: 60, settings)) * 1_000_000
        configuration.windowRetentionMicros =
            Int64(try positive("window-retention-hours", windowRetentionHours, default: 24, settings)) * 3_600_000_000
        configuration.dedupHorizonMicros =
            Int64(try positive("dedup-horizon-seconds", dedupHorizonSeconds, default: 600, settings)) * 1_000_000
        configuration.topN = try positive("top-n", topN, default: 10, settings)
        configuration.recentOrders = try nonNegative("recent-orders", recentOrders, default: 50, settings)
        configuration.deadLetterTopic = deadLetterTopic(settings)
        return configuration
    }

    /// The topic receiving copies of malformed records.
    func deadLetterTopic(_ settings: Settings) -> String {
        settings.string("dlq-topic", flag: dlqTopic, default: "orders.dlq")
    }

    private func positive(_ key: String, _ flag: Int?, default value: Int, _ settings: Settings) throws -> Int {
        let number = try settings.integer(key, flag: flag, default: value)
        guard number > 0 else { throw ConfigurationError("\(key): expected a number above 0, got \(number)") }
        return number
    }

    private func nonNegative(_ key: String, _ flag: Int?, default value: Int, _ settings: Settings) throws -> Int {
        let number = try settings.integer(key, flag: flag, default: value)
        guard number >= 0 else { throw ConfigurationError("\(key): expected 0 or more, got \(number)") }
        return number
    }
}
