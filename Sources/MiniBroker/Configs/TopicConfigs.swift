/// Topic-level configuration: Kafka's names, our defaults, and validation of what clients set.
///
/// Only settings the broker honours are accepted; anything else gets INVALID_CONFIG naming
/// the key, rather than being stored and silently ignored.
struct TopicConfigs: Sendable, Equatable {
    /// Explicitly set values (DescribeConfigs reports them as DYNAMIC_TOPIC_CONFIG).
    var overrides: [String: String]

    init(overrides: [String: String] = [:]) {
        self.overrides = overrides
    }

    /// Every topic key the broker honours, in the order DescribeConfigs lists them.
    static let definitions: [ConfigDefinition] = [
        ConfigDefinition(
            name: "cleanup.policy",
            type: .list,
            brokerSynonym: "log.cleanup.policy",
            documentation: """
                What happens to old data: 'delete' removes old segments by retention.ms and \
                retention.bytes; 'compact' keeps the newest record of each key; both do both.
                """,
            value: { $0.cleanupPolicy.kafkaValue },
            check: { value in
                CleanupPolicy(kafkaValue: value) == nil
                    ? "cleanup.policy must be 'delete', 'compact' or 'compact,delete', got '\(value)'" : nil
            }
        ),
        ConfigDefinition(
            name: "compression.type",
            type: .string,
            brokerSynonym: "compression.type",
            documentation: """
                How batches are stored: 'lz4' compresses uncompressed batches with LZ4 and keeps \
                compressed ones as sent; 'producer' keeps every batch as the producer sent it.
                """,
            value: { $0.compressionType },
            // Re-encoding compressed batches into another codec is not offered.
            check: ConfigDefinition.oneOf("compression.type", ["lz4", "producer"])
        ),
        ConfigDefinition(
            name: "delete.retention.ms",
            type: .long,
            brokerSynonym: "log.cleaner.delete.retention.ms",
            documentation: """
                How long a tombstone (a record with a key and no value) stays in a compacted \
                topic once cleaned, so consumers see the deletion, in milliseconds.
                """,
            value: { String($0.deleteRetentionMilliseconds) },
            check: ConfigDefinition.integer("delete.retention.ms", atLeast: 0)
        ),
        ConfigDefinition(
            name: "max.compaction.lag.ms",
            type: .long,
            brokerSynonym: "log.cleaner.max.compaction.lag.ms",
            documentation: """
                Records not yet compacted are cleaned once they are this old, whatever the \
                dirty ratio, in milliseconds.
                """,
            value: { String($0.maxCompactionLagMilliseconds) },
            check: ConfigDefinition.integer("max.compaction.lag.ms", atLeast: 1)
        ),
        ConfigDefinition(
            name: "max.message.bytes",
            type: .int,
            brokerSynonym: "message.max.bytes",
            documentation: "The largest record batch a producer may send to this topic, in bytes.",
            value: { String($0.messageMaxBytes) },
            check: ConfigDefinition.integer("max.message.bytes", atLeast: 1, atMost: Int64(Int32.max))
        ),
        ConfigDefinition(
            name: "message.timestamp.type",
            type: .string,
            brokerSynonym: "log.message.timestamp.type",
            documentation: "Which timestamp records carry: the producer's (CreateTime).",
            value: { _ in "CreateTime" },
            check: ConfigDefinition.oneOf("message.timestamp.type", ["CreateTime"])
        ),
        ConfigDefinition(
            name: "min.cleanable.dirty.ratio",
            type: .double,
            brokerSynonym: "log.cleaner.min.cleanable.ratio",
            documentation: """
                A compacted partition is cleaned when the share of its bytes written since the \
                last cleaning exceeds this ratio.
                """,
            value: { String($0.minCleanableDirtyRatio) },
            check: { value in
                guard let ratio = Double(value), ratio >= 0, ratio <= 1 else {
                    return "min.cleanable.dirty.ratio must be a number from 0 to 1, got '\(value)'"
                }
                return nil
            }
        ),
        ConfigDefinition(
            name: "min.compaction.lag.ms",
            type: .long,
            brokerSynonym: "log.cleaner.min.compaction.lag.ms",
            documentation: "Records stay uncompacted for at least this long, in milliseconds.",
            value: { String($0.minCompactionLagMilliseconds) },
            check: ConfigDefinition.integer("min.compaction.lag.ms", atLeast: 0)
        ),
        ConfigDefinition(
            name: "min.insync.replicas",
            type: .int,
            brokerSynonym: "min.insync.replicas",
            documentation: "Replicas that must have a batch for acks=all; a single broker holds one.",
            value: { _ in "1" },
            check: ConfigDefinition.oneOf("min.insync.replicas", ["1"])
        ),
        ConfigDefinition(
            name: "retention.bytes",
            type: .long,
            brokerSynonym: "log.retention.bytes",
            documentation: """
                Largest size of a partition before its oldest closed segments are deleted, in \
                bytes; -1 for no limit.
                """,
            value: { String($0.retentionBytes) },
            check: ConfigDefinition.integer("retention.bytes", atLeast: -1)
        ),
        ConfigDefinition(
            name: "retention.ms",
            type: .long,
            brokerSynonym: "log.retention.ms",
            documentation: """
                How long a closed segment is kept after its newest record, in milliseconds; -1 \
                keeps segments for ever.
                """,
            value: { String($0.retentionMilliseconds) },
            check: ConfigDefinition.integer("retention.ms", atLeast: -1)
        ),
        ConfigDefinition(
            name: "segment.bytes",
            type: .int,
            brokerSynonym: "log.segment.bytes",
            documentation: "Size at which the active segment is closed and a new one started, in bytes.",
            value: { String($0.segmentBytes) },
            check: ConfigDefinition.integer("segment.bytes", atLeast: 1, atMost: Int64(Int32.max))
        ),
        ConfigDefinition(
            name: "segment.ms",
            type: .long,
            brokerSynonym: "log.roll.ms",
            documentation: """
                Age at which the active segment is closed and a new one started, in milliseconds \
                (measured between record timestamps).
                """,
            value: { String($0.segmentMilliseconds) },
            check: ConfigDefinition.integer("segment.ms", atLeast: 1)
        ),
    ]

    /// The definition of topic key `name`.
    static func definition(named name: String) -> ConfigDefinition? {
        definitions.first { $0.name == name }
    }

    /// The topic key that broker key `brokerKey` supplies the default of.
    static func definition(brokerSynonym brokerKey: String) -> ConfigDefinition? {
        definitions.first { $0.brokerSynonym == brokerKey }
    }

    /// The definition of topic key `name`, or INVALID_CONFIG naming the supported keys.
    static func requireDefinition(named name: String) throws(TopicRegistry.TopicError) -> ConfigDefinition {
        guard let definition = definition(named: name) else {
            throw TopicRegistry.TopicError(code: .invalidConfig, message: problem(key: name, value: nil) ?? name)
        }
        return definition
    }

    /// Why a key or value cannot be used, or nil when it can.
    static func problem(key: String, value: String?) -> String? {
        guard let definition = definition(named: key) else {
            return "unknown or unsupported topic config '\(key)'; supported: "
                + definitions.map(\.name).joined(separator: ", ")
        }
        guard let value else { return "config '\(key)' needs a value" }
        return definition.check(value)
    }

    /// The first problem among `overrides`, or nil.
    static func problem(in overrides: [String: String]) -> String? {
        overrides.sorted { $0.key < $1.key }.lazy.compactMap { problem(key: $0.key, value: $0.value) }.first
    }
}

extension BrokerConfiguration {
    /// One topic's storage settings: the broker's, with the topic's overrides applied
    /// (values were checked by `TopicConfigs.problem` before they were stored).
    func applying(topicOverrides overrides: [String: String]) -> BrokerConfiguration {
        var topic = self
        if let value = overrides["retention.ms"].flatMap(Int64.init) { topic.retentionMilliseconds = value }
        if let value = overrides["retention.bytes"].flatMap(Int64.init) { topic.retentionBytes = value }
        if let value = overrides["segment.bytes"].flatMap(Int.init) { topic.segmentBytes = value }
        if let value = overrides["segment.ms"].flatMap(Int64.init) { topic.segmentMilliseconds = value }
        if let value = overrides["max.message.bytes"].flatMap(Int.init) { topic.messageMaxBytes = value }
        if let value = overrides["compression.type"] { topic.compressionType = value }
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
