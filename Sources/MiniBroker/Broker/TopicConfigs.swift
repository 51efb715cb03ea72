/// Topic-level configuration: Kafka's names, our defaults, and validation of what clients set.
///
/// Only settings the broker honours are accepted; anything else in CreateTopics gets
/// INVALID_CONFIG naming the key, rather than being stored and silently ignored.
struct TopicConfigs: Sendable, Equatable {
    /// Explicitly set values (DescribeConfigs reports them as DYNAMIC_TOPIC_CONFIG).
    var overrides: [String: String]

    init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// Every known key with its broker default, in the order DescribeConfigs lists them.
    static func defaults(for broker: BrokerConfiguration) -> [(name: String, value: String)] {
        [
            ("cleanup.policy", "delete"),
            ("compression.type", "lz4"),
            ("max.message.bytes", String(broker.messageMaxBytes)),
            ("message.timestamp.type", "CreateTime"),
            ("retention.bytes", String(broker.retentionBytes)),
            ("retention.ms", String(broker.retentionMilliseconds)),
            ("segment.bytes", String(broker.segmentBytes)),
            ("segment.ms", String(broker.segmentMilliseconds)),
        ]
    }

    /// Why a key or value cannot be used, or nil when it can.
    static func problem(key: String, value: String?) -> String? {
        guard let value else { return "config '\(key)' needs a value" }
        switch key {
        case "cleanup.policy":
            return value == "delete" ? nil : "cleanup.policy supports only 'delete'"
        case "compression.type":
            // lz4: uncompressed batches are stored LZ4-compressed, compressed ones as sent.
            // producer: every batch as sent. Re-encoding compressed batches is not offered.
            return ["lz4", "producer"].contains(value)
                ? nil : "compression.type supports 'lz4' (compress uncompressed batches) or 'producer' (store as sent)"
        case "message.timestamp.type":
            return value == "CreateTime" ? nil : "message.timestamp.type supports only 'CreateTime'"
        case "max.message.bytes", "segment.bytes":
            return (Int(value) ?? 0) > 0 ? nil : "\(key) must be a positive integer"
        case "retention.bytes", "retention.ms", "segment.ms":
            return (Int64(value) ?? -2) >= -1 ? nil : "\(key) must be an integer >= -1"
        default:
            return "unknown or unsupported topic config '\(key)'"
        }
    }

    /// Whether uncompressed batches of this topic are stored LZ4-compressed.
    func compressesUncompressedBatches(broker: BrokerConfiguration) -> Bool {
        (overrides["compression.type"] ?? "lz4") == "lz4"
    }

    /// `max.message.bytes` in effect for this topic.
    func maxMessageBytes(broker: BrokerConfiguration) -> Int {
        overrides["max.message.bytes"].flatMap(Int.init) ?? broker.messageMaxBytes
    }
}

extension BrokerConfiguration {
    /// One topic's storage settings: the broker's, with the topic's overrides applied
    /// (values were checked by `TopicConfigs.problem` when the topic was created).
    func applying(topicOverrides overrides: [String: String]) -> BrokerConfiguration {
        var topic = self
        if let value = overrides["retention.ms"].flatMap(Int64.init) { topic.retentionMilliseconds = value }
        if let value = overrides["retention.bytes"].flatMap(Int64.init) { topic.retentionBytes = value }
        if let value = overrides["segment.bytes"].flatMap(Int.init) { topic.segmentBytes = value }
        if let value = overrides["segment.ms"].flatMap(Int64.init) { topic.segmentMilliseconds = value }
        if let value = overrides["max.message.bytes"].flatMap(Int.init) { topic.messageMaxBytes = value }
        if let value = overrides["cleanup.policy"].flatMap(CleanupPolicy.init(kafkaValue:)) {
            topic.cleanupPolicy = value
        }
        if let value = overrides["min.cleanable.dirty.ratio"].flatMap(Double.init) {
            topic.minCleanableDirtyRatio = value
        }
        if let value = overrides["min.compaction.lag.ms"].flatMap(Int64.init) {
            topic.minCompactionLagMilliseconds = value
        }
        if let value = overrides["max.compaction.lag.ms"].flatMap(Int64.init) {
            topic.maxCompactionLagMilliseconds = value
        }
        if let value = overrides["delete.retention.ms"].flatMap(Int64.init) {
            topic.deleteRetentionMilliseconds = value
        }
        return topic
    }
}
