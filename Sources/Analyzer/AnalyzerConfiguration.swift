import KafkaWire

/// Everything the analyzer's behaviour depends on. The defaults are the README's.
public struct AnalyzerConfiguration: Sendable {
    /// Where the analyzer starts in a partition it has no checkpoint for.
    public enum StartPosition: String, Sendable, CaseIterable {
        /// From the first record still on the broker.
        case earliest
        /// From the next record produced.
        case latest
    }

    /// Brokers to bootstrap from.
    public var bootstrapServers: [BrokerAddress]
    /// TLS and the SASL login of the analyzer's connections; default PLAINTEXT.
    public var security: KafkaClientSecurity = .plaintext
    /// The topic of orders.
    public var topic = "orders"
    /// Topic that receives copies of malformed records.
    public var deadLetterTopic = "orders.dlq"
    /// Consumer group the offsets are also committed under, for lag tools.
    public var groupID = "aseed-analyzer"
    /// Start position without a checkpoint.
    public var start = StartPosition.earliest
    /// Time between triggers: checkpoint and snapshot.
    public var triggerInterval: Duration = .seconds(1)
    /// Event time the watermark trails the largest event time by.
    public var watermarkDelayMicros: Int64 = 30_000_000
    /// Length of the tumbling windows.
    public var windowMicros: Int64 = 60_000_000
    /// How long windows are kept behind the watermark.
    public var windowRetentionMicros: Int64 = 24 * 3_600_000_000
    /// How far the watermark moves before an order id may be forgotten.
    public var dedupHorizonMicros: Int64 = 600_000_000
    /// Order ids per dedup generation (two generations are kept).
    public var dedupGenerationCapacity = 750_000
    /// Rows in each top-products ranking.
    public var topN = 10
    /// Newest orders kept for the recent-orders table.
    public var recentOrders = 50
    /// Alerts kept, newest first.
    public var alertsKept = 50
    /// A partition caught up with nothing new for this long stops holding the watermark back.
    public var idleTimeout: Duration = .seconds(60)
    /// Directory of the checkpoint database (`checkpoint.sqlite`).
    public var directory: String
    /// The checkpoint database.
    public var checkpointPath: String { directory + "/checkpoint.sqlite" }
    /// Stop once every partition is read to its end (batch runs and tests).
    public var exitAtEnd = false

    /// A configuration with the defaults.
    public init(bootstrapServers: [BrokerAddress], directory: String) {
        self.bootstrapServers = bootstrapServers
        self.directory = directory
    }

    /// The parameters of the aggregates, the part of the configuration a checkpoint depends on.
    var rules: AggregationRules {
        AggregationRules(
            watermarkDelayMicros: watermarkDelayMicros,
            windowMicros: windowMicros,
            windowRetentionMicros: windowRetentionMicros,
            dedupHorizonMicros: dedupHorizonMicros,
            dedupGenerationCapacity: dedupGenerationCapacity,
            topN: topN,
            recentOrders: recentOrders,
            alertsKept: alertsKept
        )
    }
}

/// The parameters the aggregates are computed with.
struct AggregationRules: Sendable, Equatable {
    var watermarkDelayMicros: Int64 = 30_000_000
    var windowMicros: Int64 = 60_000_000
    var windowRetentionMicros: Int64 = 24 * 3_600_000_000
    var dedupHorizonMicros: Int64 = 600_000_000
    var dedupGenerationCapacity = 750_000
    var topN = 10
    var recentOrders = 50
    var alertsKept = 50
}
