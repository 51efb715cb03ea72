import KafkaWire

extension RequestHandler {
    /// Metadata: this single broker leads every partition.
    ///
    /// A null topic list (v1+; an empty one in v0) asks for all topics: those the principal may
    /// describe. Unknown topics are created when auto-creation is on, the request allows it
    /// (v4+ flag) and the principal may create them.
    func metadata(_ request: MetadataRequest, _ context: RequestContext) -> MetadataResponse {
        let wantsAll = request.topics == nil || (context.apiVersion == 0 && request.topics?.isEmpty == true)
        let allowAutoCreate = context.apiVersion < 4 || request.allowAutoTopicCreation
        var results: [MetadataResponse.MetadataResponseTopic] = []
        if wantsAll {
            results = topics.allTopics().filter { permits(.describe, .topic, $0.name, context) }.map { describe($0) }
        } else {
            for requested in request.topics ?? [] {
                results.append(metadataTopic(requested, allowAutoCreate: allowAutoCreate, context))
            }
        }
        return MetadataResponse(
            throttleTimeMs: 0,
            brokers: [
                MetadataResponse.MetadataResponseBroker(
                    nodeId: configuration.nodeID,
                    host: context.advertisedHost(configuration),
                    port: context.advertisedPort(configuration),
                    rack: nil
                )
            ],
            clusterId: configuration.clusterID,
            controllerId: configuration.nodeID,
            topics: results
        )
    }

    private func metadataTopic(
        _ requested: MetadataRequest.MetadataRequestTopic,
        allowAutoCreate: Bool,
        _ context: RequestContext
    ) -> MetadataResponse.MetadataResponseTopic {
        guard let name = requested.name else {
            // v10+: look-up by topic id alone.
            if let topic = topics.topic(withID: requested.topicId) {
                guard authorized(.describe, .topic, topic.name, context) else {
                    return MetadataResponse.MetadataResponseTopic(
                        errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                        name: nil,
                        topicId: requested.topicId
                    )
                }
                return describe(topic)
            }
            return MetadataResponse.MetadataResponseTopic(
                errorCode: KafkaErrorCode.unknownTopicId.rawValue,
                name: nil,
                topicId: requested.topicId
            )
        }
        if let problem = TopicRegistry.nameProblem(name) {
            logger.info("metadata for invalid topic name: \(problem)")
            return MetadataResponse.MetadataResponseTopic(
                errorCode: KafkaErrorCode.invalidTopicException.rawValue,
                name: name
            )
        }
        // As Kafka: Describe first, so that a principal cannot probe which names exist; then
        // Create (on the cluster or the topic) when the request would create it.
        let wouldCreate = allowAutoCreate && configuration.autoCreateTopics && topics.topic(named: name) == nil
        guard authorized(.describe, .topic, name, context),
            !wouldCreate || authorizedToCreate(topic: name, context)
        else {
            return MetadataResponse.MetadataResponseTopic(
                errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                name: name
            )
        }
        if wouldCreate, let problem = topicQuotaProblem(creating: name, context) {
            logger.info("auto-creating \(name) refused: \(problem)")
            return MetadataResponse.MetadataResponseTopic(
                errorCode: KafkaErrorCode.policyViolation.rawValue,
                name: name
            )
        }
        switch topics.existingOrAutoCreated(name, allowed: allowAutoCreate) {
        case .success(let topic):
            return describe(topic)
        case .failure(let error):
            return MetadataResponse.MetadataResponseTopic(errorCode: error.code.rawValue, name: name)
        }
    }

    private func describe(_ topic: TopicRegistry.Topic) -> MetadataResponse.MetadataResponseTopic {
        let node = configuration.nodeID
        let partitions = (0..<topic.partitionCount).map { index in
            MetadataResponse.MetadataResponsePartition(
                errorCode: KafkaErrorCode.none.rawValue,
                partitionIndex: index,
                leaderId: node,
                leaderEpoch: 0,
                replicaNodes: [node],
                isrNodes: [node],
                offlineReplicas: []
            )
        }
        return MetadataResponse.MetadataResponseTopic(
            errorCode: KafkaErrorCode.none.rawValue,
            name: topic.name,
            topicId: topic.id,
            isInternal: false,
            partitions: partitions
        )
    }
}
