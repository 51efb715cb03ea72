/// The broker settings changed at run time (Kafka's dynamic broker configs), by broker key.
///
/// Only the keys that supply topic defaults (`log.retention.ms`, `log.segment.bytes`, ...)
/// can change: a topic without its own value follows them at once. A value set for the whole
/// cluster (resource name "") yields to one set for this broker (its node id), as in Kafka.
public struct BrokerConfigs: Sendable, Equatable {
    /// Where a dynamic value was set.
    public enum Scope: String, Sendable, CaseIterable {
        /// `kafka-configs --entity-type brokers --entity-default`: resource name "".
        case clusterDefault = "cluster-default"
        /// `kafka-configs --entity-type brokers --entity-name <id>`.
        case broker = "broker"
    }

    public private(set) var values: [Scope: [String: String]]

    public init(values: [Scope: [String: String]] = [:]) {
        self.values = values
    }

    /// The values set in `scope`, by broker key.
    public subscript(scope: Scope) -> [String: String] {
        get { values[scope] ?? [:] }
        set { values[scope] = newValue.isEmpty ? nil : newValue }
    }

    /// The dynamic values as topic keys (`retention.ms` for `log.retention.ms`): what every
    /// topic inherits unless it sets its own.
    var topicDefaults: [String: String] {
        var defaults: [String: String] = [:]
        for scope in [Scope.clusterDefault, .broker] {
            for (key, value) in self[scope] {
                if let definition = TopicConfigs.definition(brokerSynonym: key) { defaults[definition.name] = value }
            }
        }
        return defaults
    }

    /// The definition of the topic key broker key `brokerKey` supplies, or INVALID_CONFIG
    /// saying why it cannot change at run time.
    static func requireDefinition(brokerKey: String) throws(TopicRegistry.TopicError) -> ConfigDefinition {
        guard let definition = TopicConfigs.definition(brokerSynonym: brokerKey) else {
            throw TopicRegistry.TopicError(
                code: .invalidConfig,
                message: problem(key: brokerKey, value: nil) ?? brokerKey
            )
        }
        return definition
    }

    /// Why broker key `key` cannot be set to `value` at run time, or nil when it can.
    static func problem(key: String, value: String?) -> String? {
        guard let definition = TopicConfigs.definition(brokerSynonym: key) else {
            if BrokerConfigs.staticKeys.contains(key) {
                return "broker config '\(key)' cannot change while the broker runs; set it with aseed's options"
            }
            return "unknown broker config '\(key)'; dynamic ones: "
                + TopicConfigs.definitions.compactMap(\.brokerSynonym).joined(separator: ", ")
        }
        guard let value else { return "config '\(key)' needs a value" }
        return definition.check(value).map { "\(key): \($0)" }
    }

    /// Broker keys DescribeConfigs shows that only start options set.
    static let staticKeys: Set<String> = Set(staticEntries(BrokerConfiguration()).map(\.name))

    /// The read-only broker settings, from the start options, in DescribeConfigs order.
    static func staticEntries(_ configuration: BrokerConfiguration) -> [(name: String, value: String)] {
        [
            ("auto.create.topics.enable", String(configuration.autoCreateTopics)),
            ("broker.id", String(configuration.nodeID)),
            ("group.initial.rebalance.delay.ms", String(configuration.groupInitialRebalanceDelayMs)),
            ("group.max.session.timeout.ms", String(configuration.groupMaxSessionTimeoutMs)),
            ("group.min.session.timeout.ms", String(configuration.groupMinSessionTimeoutMs)),
            // Tools such as kafka-ui decide from it which admin APIs to use.
            ("inter.broker.protocol.version", "3.9-IV0"),
            ("log.dirs", configuration.dataDirectory + "/topics"),
            ("node.id", String(configuration.nodeID)),
            ("num.partitions", String(configuration.defaultPartitions)),
            ("socket.request.max.bytes", String(configuration.socketRequestMaxBytes)),
        ]
    }
}

extension BrokerConfiguration {
    /// The settings of one topic's logs: the start options, then the dynamic broker values,
    /// then the topic's own.
    func effective(broker: BrokerConfigs, topicOverrides: [String: String]) -> BrokerConfiguration {
        applying(topicOverrides: broker.topicDefaults.merging(topicOverrides) { $1 })
    }
}
