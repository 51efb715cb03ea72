import KafkaWire

/// What one AlterConfigs or IncrementalAlterConfigs resource asks for, applied to the values
/// set so far (topic overrides or dynamic broker values).
struct ConfigAlteration: Sendable {
    /// IncrementalAlterConfigs' operations (KIP-339).
    enum Operation: Int8, Sendable {
        case set = 0
        /// Back to the inherited value.
        case delete = 1
        /// Adds items to a list value.
        case append = 2
        /// Removes items from a list value.
        case subtract = 3
    }

    /// One requested change.
    struct Change: Sendable {
        var name: String
        var operation: Operation
        var value: String?
    }

    var changes: [Change]

    /// IncrementalAlterConfigs: each change applied to what is set.
    init(incremental configs: [IncrementalAlterConfigsRequest.AlterableConfig]) throws(TopicRegistry.TopicError) {
        changes = []
        for config in configs {
            guard let operation = Operation(rawValue: config.configOperation) else {
                throw TopicRegistry.TopicError(
                    code: .invalidRequest,
                    message: "config operation \(config.configOperation) of '\(config.name)' is not one of 0-3"
                )
            }
            changes.append(Change(name: config.name, operation: operation, value: config.value))
        }
    }

    /// Legacy AlterConfigs: the given values replace everything that was set.
    init(replacingWith configs: [AlterConfigsRequest.AlterableConfig]) {
        changes = configs.map { Change(name: $0.name, operation: .set, value: $0.value) }
    }

    /// The values after the changes. `replacing` starts from nothing (legacy AlterConfigs).
    /// - Parameters:
    ///   - definition: the definition of a key; throws INVALID_CONFIG for one that cannot be set.
    ///   - inherited: the value a key has when it is not set (APPEND and SUBTRACT start there).
    func applied(
        to current: [String: String],
        replacing: Bool = false,
        definition: (String) throws(TopicRegistry.TopicError) -> ConfigDefinition,
        inherited: (ConfigDefinition) -> String
    ) throws(TopicRegistry.TopicError) -> [String: String] {
        var values = replacing ? [:] : current
        var seen: Set<String> = []
        for change in changes {
            guard seen.insert(change.name).inserted else {
                throw TopicRegistry.TopicError(
                    code: .invalidRequest,
                    message: "config '\(change.name)' appears more than once"
                )
            }
            let known = try definition(change.name)
            switch change.operation {
            case .set:
                values[change.name] = change.value
            case .delete:
                values[change.name] = nil
            case .append, .subtract:
                guard known.type == .list else {
                    throw TopicRegistry.TopicError(
                        code: .invalidConfig,
                        message: "\(change.operation) applies to list configs only; '\(change.name)' is not a list"
                    )
                }
                let base = ConfigDefinition.items(of: values[change.name] ?? inherited(known))
                let items = ConfigDefinition.items(of: change.value ?? "")
                let result =
                    change.operation == .append
                    ? base + items.filter { !base.contains($0) } : base.filter { !items.contains($0) }
                values[change.name] = result.joined(separator: ",")
            }
        }
        return values
    }
}
