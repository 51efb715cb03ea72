import KafkaWire

extension RequestHandler {
    /// Kafka's ConfigSource values (DescribeConfigs v1+).
    enum ConfigSource {
        static let dynamicTopic: Int8 = 1
        static let dynamicBroker: Int8 = 2
        static let dynamicDefaultBroker: Int8 = 3
        static let staticBroker: Int8 = 4
        static let defaultConfig: Int8 = 5
    }

    /// Kafka's ConfigResource types.
    enum ConfigResourceType {
        static let topic: Int8 = 2
        static let broker: Int8 = 4
    }

    /// What a config request names: a topic, or this broker's dynamic configs in a scope.
    enum ConfigResource {
        case topic(String)
        case broker(BrokerConfigs.Scope)
    }

    /// A value as one level of the configuration has it (DescribeConfigs' synonyms).
    struct ConfigValue {
        var name: String
        var value: String
        var source: Int8
    }

    /// One described config: the value in force, and the values of every level that has one
    /// (Kafka's synonyms, the one in force first).
    struct DescribedConfig {
        var definition: ConfigDefinition?
        var inForce: ConfigValue
        var synonyms: [ConfigValue]
        var readOnly: Bool

        init(definition: ConfigDefinition?, name: String? = nil, synonyms: [ConfigValue], readOnly: Bool) {
            self.definition = definition
            // A topic's value carries the topic key even when a broker level supplies it.
            self.inForce = ConfigValue(
                name: name ?? synonyms[0].name,
                value: synonyms[0].value,
                source: synonyms[0].source
            )
            self.synonyms = synonyms
            self.readOnly = readOnly
        }
    }

    /// DescribeConfigs for topics (their effective configs) and for this broker. Needs
    /// DescribeConfigs on the topic or the cluster.
    func describeConfigs(_ request: DescribeConfigsRequest, _ context: RequestContext) -> DescribeConfigsResponse {
        let results = request.resources.map { resource -> DescribeConfigsResponse.DescribeConfigsResult in
            let described: [DescribedConfig]
            do throws(TopicRegistry.TopicError) {
                try requireConfigAuthorization(
                    .describeConfigs,
                    type: resource.resourceType,
                    name: resource.resourceName,
                    context
                )
                described = try describedConfigs(
                    try configResource(type: resource.resourceType, name: resource.resourceName)
                )
            } catch {
                return DescribeConfigsResponse.DescribeConfigsResult(
                    errorCode: error.code.rawValue,
                    errorMessage: error.message,
                    resourceType: resource.resourceType,
                    resourceName: resource.resourceName
                )
            }
            let wanted = resource.configurationKeys.map(Set.init)
            let configs = described.filter { wanted?.contains($0.inForce.name) ?? true }.map {
                entry(for: $0, request)
            }
            return DescribeConfigsResponse.DescribeConfigsResult(
                errorCode: KafkaErrorCode.none.rawValue,
                errorMessage: nil,
                resourceType: resource.resourceType,
                resourceName: resource.resourceName,
                configs: configs
            )
        }
        return DescribeConfigsResponse(throttleTimeMs: 0, results: results)
    }

    private func entry(
        for config: DescribedConfig,
        _ request: DescribeConfigsRequest
    ) -> DescribeConfigsResponse.DescribeConfigsResourceResult {
        let inForce = config.inForce
        return DescribeConfigsResponse.DescribeConfigsResourceResult(
            name: inForce.name,
            value: inForce.value,
            readOnly: config.readOnly,
            isDefault: inForce.source == ConfigSource.defaultConfig,
            configSource: inForce.source,
            isSensitive: false,
            synonyms: request.includeSynonyms
                ? config.synonyms.map { .init(name: $0.name, value: $0.value, source: $0.source) } : [],
            configType: config.definition?.type.rawValue ?? ConfigDefinition.ValueType.string.rawValue,
            documentation: request.includeDocumentation ? config.definition?.documentation : nil
        )
    }

    /// The resource a config request names.
    func configResource(type: Int8, name: String) throws(TopicRegistry.TopicError) -> ConfigResource {
        switch type {
        case ConfigResourceType.topic:
            return .topic(name)
        case ConfigResourceType.broker where name.isEmpty:
            return .broker(.clusterDefault)
        case ConfigResourceType.broker where name == String(configuration.nodeID):
            return .broker(.broker)
        case ConfigResourceType.broker:
            throw TopicRegistry.TopicError(
                code: .invalidRequest,
                message: "broker '\(name)' is not in this cluster; its one broker has id \(configuration.nodeID)"
            )
        default:
            throw TopicRegistry.TopicError(
                code: .invalidRequest,
                message: "config resource type \(type) is not supported (2 = topic, 4 = broker)"
            )
        }
    }

    /// How a config request's resource is named in log lines.
    static func describe(type: Int8, name: String) -> String {
        switch type {
        case ConfigResourceType.topic: "topic '\(name)'"
        case ConfigResourceType.broker: name.isEmpty ? "the cluster's broker defaults" : "broker \(name)"
        default: "resource \(type) '\(name)'"
        }
    }

    private func describedConfigs(_ resource: ConfigResource) throws(TopicRegistry.TopicError) -> [DescribedConfig] {
        switch resource {
        case .topic(let name):
            guard let topic = topics.topic(named: name) else {
                throw TopicRegistry.TopicError(code: .unknownTopicOrPartition, message: "unknown topic '\(name)'")
            }
            return describedConfigs(topic.configs)
        case .broker(.broker):
            let fixed = BrokerConfigs.staticEntries(configuration).map { name, value in
                DescribedConfig(definition: nil, synonyms: [source(of: name, value)], readOnly: true)
            }
            let dynamic = TopicConfigs.definitions.map { definition in
                DescribedConfig(definition: definition, synonyms: brokerValues(of: definition), readOnly: false)
            }
            return (fixed + dynamic).sorted { $0.inForce.name < $1.inForce.name }
        case .broker(.clusterDefault):
            let set = topics.brokerConfigs[.clusterDefault]
            return TopicConfigs.definitions.compactMap { definition in
                guard let key = definition.brokerSynonym, let value = set[key] else { return nil }
                let values = [ConfigValue(name: key, value: value, source: ConfigSource.dynamicDefaultBroker)]
                return DescribedConfig(definition: definition, synonyms: values, readOnly: false)
            }
        }
    }

    /// A topic's configs with where each value comes from, and what it overrides.
    func describedConfigs(_ configs: TopicConfigs) -> [DescribedConfig] {
        TopicConfigs.definitions.map { definition in
            var values = brokerValues(of: definition)
            if let override = configs.overrides[definition.name] {
                let topicValue = ConfigValue(name: definition.name, value: override, source: ConfigSource.dynamicTopic)
                values.insert(topicValue, at: 0)
            }
            return DescribedConfig(definition: definition, name: definition.name, synonyms: values, readOnly: false)
        }
    }

    /// The broker-level values of a topic key's broker synonym, by precedence: this broker's
    /// dynamic value, the cluster's dynamic default, the start options, the built-in default.
    private func brokerValues(of definition: ConfigDefinition) -> [ConfigValue] {
        let key = definition.brokerSynonym ?? definition.name
        let dynamic = topics.brokerConfigs
        var values: [ConfigValue] = []
        if let value = dynamic[.broker][key] {
            values.append(ConfigValue(name: key, value: value, source: ConfigSource.dynamicBroker))
        }
        if let value = dynamic[.clusterDefault][key] {
            values.append(ConfigValue(name: key, value: value, source: ConfigSource.dynamicDefaultBroker))
        }
        let builtIn = definition.value(BrokerConfiguration())
        values.append(source(of: key, definition.value(configuration), builtIn: builtIn))
        if values.last?.source == ConfigSource.staticBroker {
            values.append(ConfigValue(name: key, value: builtIn, source: ConfigSource.defaultConfig))
        }
        return values
    }

    /// A start-option value: static when it differs from the built-in default.
    private func source(of name: String, _ value: String, builtIn: String? = nil) -> ConfigValue {
        let builtIn = builtIn ?? BrokerConfigs.staticEntries(BrokerConfiguration()).first { $0.name == name }?.value
        return ConfigValue(
            name: name,
            value: value,
            source: value == builtIn ? ConfigSource.defaultConfig : ConfigSource.staticBroker
        )
    }

    /// Throws TOPIC_AUTHORIZATION_FAILED or CLUSTER_AUTHORIZATION_FAILED when the principal may
    /// not do `operation` (DescribeConfigs, AlterConfigs) on the config resource: a topic, or
    /// the cluster for the broker's configs. Other resource types are left to the handler.
    func requireConfigAuthorization(
        _ operation: AclOperation,
        type: Int8,
        name: String,
        _ context: RequestContext
    ) throws(TopicRegistry.TopicError) {
        switch type {
        case ConfigResourceType.topic:
            guard authorized(operation, .topic, name, context) else {
                throw TopicRegistry.TopicError(
                    code: .topicAuthorizationFailed,
                    message: "\(context.principal) may not \(operation.name) on topic '\(name)'"
                )
            }
        case ConfigResourceType.broker:
            guard authorizedOnCluster(operation, context) else {
                throw TopicRegistry.TopicError(
                    code: .clusterAuthorizationFailed,
                    message: "\(context.principal) may not \(operation.name) on the cluster"
                )
            }
        default:
            break
        }
    }
}
