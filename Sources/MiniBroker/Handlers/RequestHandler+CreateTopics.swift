import KafkaWire

extension RequestHandler {
    /// CreateTopics: one partition replica each (this is a single broker), configs validated
    /// against what the broker honours, `validateOnly` (v1+) checks without creating. Needs
    /// Create on the cluster or on the topic.
    func createTopics(_ request: CreateTopicsRequest, _ context: RequestContext) -> CreateTopicsResponse {
        let results = request.topics.map { creatable in
            guard authorizedToCreate(topic: creatable.name, context) else {
                return CreateTopicsResponse.CreatableTopicResult(
                    name: creatable.name,
                    errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                    errorMessage: "\(context.principal) may not create topic '\(creatable.name)'"
                )
            }
            if let problem = topicQuotaProblem(creating: creatable.name, context) {
                return CreateTopicsResponse.CreatableTopicResult(
                    name: creatable.name,
                    errorCode: KafkaErrorCode.policyViolation.rawValue,
                    errorMessage: problem
                )
            }
            return createTopic(creatable, validateOnly: request.validateOnly)
        }
        return CreateTopicsResponse(throttleTimeMs: 0, topics: results)
    }

    private func createTopic(
        _ creatable: CreateTopicsRequest.CreatableTopic,
        validateOnly: Bool
    ) -> CreateTopicsResponse.CreatableTopicResult {
        func failure(_ code: KafkaErrorCode, _ message: String) -> CreateTopicsResponse.CreatableTopicResult {
            logger.info("create topic \(creatable.name) refused: \(message)")
            return CreateTopicsResponse.CreatableTopicResult(
                name: creatable.name,
                errorCode: code.rawValue,
                errorMessage: message
            )
        }
        guard creatable.replicationFactor == -1 || creatable.replicationFactor == 1 else {
            return failure(
                .invalidReplicationFactor,
                "replication factor \(creatable.replicationFactor) exceeds the 1 available broker"
            )
        }
        guard creatable.assignments.isEmpty else {
            return failure(.invalidRequest, "manual replica assignments are not supported; give a partition count")
        }
        let partitions = creatable.numPartitions == -1 ? configuration.defaultPartitions : creatable.numPartitions
        var configs: [String: String] = [:]
        for config in creatable.configs {
            configs[config.name] = config.value
            if config.value == nil { return failure(.invalidConfig, "config '\(config.name)' needs a value") }
        }
        do {
            let topic = try topics.create(
                name: creatable.name,
                partitions: partitions,
                configs: configs,
                validateOnly: validateOnly
            )
            return CreateTopicsResponse.CreatableTopicResult(
                name: topic.name,
                topicId: topic.id,
                errorCode: KafkaErrorCode.none.rawValue,
                errorMessage: nil,
                numPartitions: topic.partitionCount,
                replicationFactor: 1,
                configs: describedConfigs(topic.configs).map {
                    CreateTopicsResponse.CreatableTopicConfigs(
                        name: $0.inForce.name,
                        value: $0.inForce.value,
                        readOnly: false,
                        configSource: $0.inForce.source,
                        isSensitive: false
                    )
                }
            )
        } catch {
            return failure(error.code, error.message)
        }
    }
}
