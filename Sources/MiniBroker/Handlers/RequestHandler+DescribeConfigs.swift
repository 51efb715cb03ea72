import KafkaWire

extension RequestHandler {
    /// Kafka's ConfigSource values (DescribeConfigs v1+).
    enum ConfigSource {
        static let dynamicTopic: Int8 = 1
        static let staticBroker: Int8 = 4
        static let defaultConfig: Int8 = 5
    }

    /// Kafka's ConfigResource types.
    enum ConfigResourceType {
        static let topic: Int8 = 2
        static let broker: Int8 = 4
    }

    /// DescribeConfigs for topics (their effective configs) and for this broker.
    func describeConfigs(_ request: DescribeConfigsRequest, _ context: RequestContext) -> DescribeConfigsResponse {
        let results = request.resources.map { resource -> DescribeConfigsResponse.DescribeConfigsResult in
            let entries: [(name: String, value: String, source: Int8)]
            switch resource.resourceType {
            case ConfigResourceType.topic:
                guard let topic = topics.topic(named: resource.resourceName) else {
                    return DescribeConfigsResponse.DescribeConfigsResult(
                        errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue,
                        errorMessage: "unknown topic '\(resource.resourceName)'",
                        resourceType: resource.resourceType,
                        resourceName: resource.resourceName
                    )
                }
                entries = describedConfigs(topic.configs)
            case ConfigResourceType.broker:
                entries = brokerConfigs()
            default:
                return DescribeConfigsResponse.DescribeConfigsResult(
                    errorCode: KafkaErrorCode.invalidRequest.rawValue,
                    errorMessage: "resource type \(resource.resourceType) is not supported (2 = topic, 4 = broker)",
                    resourceType: resource.resourceType,
                    resourceName: resource.resourceName
                )
            }
            let wanted = resource.configurationKeys.map(Set.init)
            let configs = entries.filter { wanted?.contains($0.name) ?? true }.map { entry in
                DescribeConfigsResponse.DescribeConfigsResourceResult(
                    name: entry.name,
                    value: entry.value,
                    readOnly: resource.resourceType == ConfigResourceType.broker,
                    isDefault: entry.source == ConfigSource.defaultConfig,
                    configSource: entry.source,
                    isSensitive: false,
                    synonyms: []
                )
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

    /// A topic's effective configs with where each value comes from.
    func describedConfigs(_ configs: TopicConfigs) -> [(name: String, value: String, source: Int8)] {
        TopicConfigs.defaults(for: configuration).map { name, defaultValue in
            if let override = configs.overrides[name] { return (name, override, ConfigSource.dynamicTopic) }
            return (name, defaultValue, ConfigSource.defaultConfig)
        }
    }

    private func brokerConfigs() -> [(name: String, value: String, source: Int8)] {
        let values: [(String, String)] = [
            ("auto.create.topics.enable", String(configuration.autoCreateTopics)),
            ("broker.id", String(configuration.nodeID)),
            ("group.initial.rebalance.delay.ms", String(configuration.groupInitialRebalanceDelayMs)),
            ("group.max.session.timeout.ms", String(configuration.groupMaxSessionTimeoutMs)),
            ("group.min.session.timeout.ms", String(configuration.groupMinSessionTimeoutMs)),
            ("log.dirs", configuration.dataDirectory + "/topics"),
            ("log.retention.bytes", String(configuration.retentionBytes)),
            ("log.retention.ms", String(configuration.retentionMilliseconds)),
            ("log.segment.bytes", String(configuration.segmentBytes)),
            ("message.max.bytes", String(configuration.messageMaxBytes)),
            ("num.partitions", String(configuration.defaultPartitions)),
            ("socket.request.max.bytes", String(configuration.socketRequestMaxBytes)),
        ]
        return values.map { ($0.0, $0.1, ConfigSource.staticBroker) }
    }
}
