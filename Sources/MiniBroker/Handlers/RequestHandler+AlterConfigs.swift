import KafkaWire

extension RequestHandler {
    /// IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's configs or the
    /// dynamic broker configs; each resource succeeds or fails whole. Needs AlterConfigs on the
    /// topic or the cluster.
    func incrementalAlterConfigs(
        _ request: IncrementalAlterConfigsRequest,
        _ context: RequestContext
    ) -> IncrementalAlterConfigsResponse {
        let responses = request.resources.map { resource in
            let error = alterConfigs(
                type: resource.resourceType,
                name: resource.resourceName,
                validateOnly: request.validateOnly,
                replacing: false,
                context: context
            ) { () throws(TopicRegistry.TopicError) in try ConfigAlteration(incremental: resource.configs) }
            return IncrementalAlterConfigsResponse.AlterConfigsResourceResponse(
                errorCode: error?.code.rawValue ?? 0,
                errorMessage: error?.message,
                resourceType: resource.resourceType,
                resourceName: resource.resourceName
            )
        }
        return IncrementalAlterConfigsResponse(throttleTimeMs: 0, responses: responses)
    }

    /// Legacy AlterConfigs: the given values replace everything set on the resource.
    func alterConfigs(_ request: AlterConfigsRequest, _ context: RequestContext) -> AlterConfigsResponse {
        let responses = request.resources.map { resource in
            let error = alterConfigs(
                type: resource.resourceType,
                name: resource.resourceName,
                validateOnly: request.validateOnly,
                replacing: true,
                context: context
            ) { ConfigAlteration(replacingWith: resource.configs) }
            return AlterConfigsResponse.AlterConfigsResourceResponse(
                errorCode: error?.code.rawValue ?? 0,
                errorMessage: error?.message,
                resourceType: resource.resourceType,
                resourceName: resource.resourceName
            )
        }
        return AlterConfigsResponse(throttleTimeMs: 0, responses: responses)
    }

    /// Applies one resource's changes; the error to answer with, nil on success.
    private func alterConfigs(
        type: Int8,
        name: String,
        validateOnly: Bool,
        replacing: Bool,
        context: RequestContext,
        _ alteration: () throws(TopicRegistry.TopicError) -> ConfigAlteration
    ) -> TopicRegistry.TopicError? {
        do throws(TopicRegistry.TopicError) {
            try requireConfigAuthorization(.alterConfigs, type: type, name: name, context)
            let alteration = try alteration()
            switch try configResource(type: type, name: name) {
            case .topic(let topic):
                let inherited = topics.topicDefaults
                try topics.alterConfigs(of: topic, validateOnly: validateOnly) {
                    current throws(TopicRegistry.TopicError) in
                    try alteration.applied(
                        to: current,
                        replacing: replacing,
                        definition: TopicConfigs.requireDefinition(named:),
                        inherited: { $0.value(inherited) }
                    )
                }
            case .broker(let scope):
                try topics.alterBrokerConfigs(scope: scope, validateOnly: validateOnly) {
                    current throws(TopicRegistry.TopicError) in
                    try alteration.applied(
                        to: current,
                        replacing: replacing,
                        definition: BrokerConfigs.requireDefinition(brokerKey:),
                        inherited: { $0.value(self.configuration) }
                    )
                }
            }
            let resource = Self.describe(type: type, name: name)
            logger.info("\(context.clientHost) \(validateOnly ? "validated" : "applied") config changes to \(resource)")
            return nil
        } catch {
            logger.notice("config change to \(Self.describe(type: type, name: name)) refused: \(error.message)")
            return error
        }
    }
}
