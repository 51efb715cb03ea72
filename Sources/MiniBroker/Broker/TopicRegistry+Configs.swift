extension TopicRegistry {
    /// Replaces a topic's config overrides with what `change` makes of them (AlterConfigs,
    /// IncrementalAlterConfigs), after checking every value. The new settings apply to the
    /// topic's logs at once: retention runs for the topic right away, segment settings
    /// decide the next roll.
    func alterConfigs(
        of name: String,
        validateOnly: Bool,
        _ change: ([String: String]) throws(TopicError) -> [String: String]
    ) throws(TopicError) {
        try topics.withLock { topics throws(TopicError) in
            guard var topic = topics[name] else {
                throw TopicError(code: .unknownTopicOrPartition, message: "unknown topic '\(name)'")
            }
            let overrides = try change(topic.configs.overrides)
            if let problem = TopicConfigs.problem(in: overrides) {
                throw TopicError(code: .invalidConfig, message: problem)
            }
            guard !validateOnly, overrides != topic.configs.overrides else { return }
            do {
                try store.setConfigs(overrides, of: name)
            } catch {
                throw TopicError(
                    code: .kafkaStorageError,
                    message: "could not store the configs of '\(name)': \(error)"
                )
            }
            topic.configs = TopicConfigs(overrides: overrides)
            topics[name] = topic
            logs.reconfigure(topic: name, overrides: overrides)
            logger.info("topic \(name) configs now \(Self.describe(overrides))")
        }
        if !validateOnly { applyRetention(topic: name) }
    }

    /// Replaces the dynamic broker configs of `scope` with what `change` makes of them; every
    /// topic without its own value follows at once.
    func alterBrokerConfigs(
        scope: BrokerConfigs.Scope,
        validateOnly: Bool,
        _ change: ([String: String]) throws(TopicError) -> [String: String]
    ) throws(TopicError) {
        // The topics' lock also orders broker changes against topic changes.
        try topics.withLock { _ throws(TopicError) in
            var configs = logs.brokerConfigs
            let values = try change(configs[scope])
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                if let problem = BrokerConfigs.problem(key: key, value: value) {
                    throw TopicError(code: .invalidConfig, message: problem)
                }
            }
            guard !validateOnly, values != configs[scope] else { return }
            do {
                try store.setBrokerConfigs(values, scope: scope)
            } catch {
                throw TopicError(code: .kafkaStorageError, message: "could not store the broker configs: \(error)")
            }
            configs[scope] = values
            logs.reconfigure(broker: configs)
            logger.info("dynamic broker configs (\(scope.rawValue)) now \(Self.describe(values))")
        }
        if !validateOnly { applyRetention(topic: nil) }
    }

    private func applyRetention(topic: String?) {
        do {
            try logs.applyRetention(topic: topic)
        } catch {
            logger.error("retention after a config change failed: \(error)")
        }
    }

    private static func describe(_ values: [String: String]) -> String {
        values.isEmpty
            ? "(none set)" : values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
