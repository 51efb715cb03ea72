import KafkaWire

extension RequestHandler {
    /// CreatePartitions: raises topics' partition counts (never lowers them); `validateOnly`
    /// checks without adding. Consumer groups rebalance when their members' next metadata
    /// refresh shows the new partitions, as with Kafka. Needs Alter on the topic.
    func createPartitions(_ request: CreatePartitionsRequest, _ context: RequestContext) -> CreatePartitionsResponse {
        let results = request.topics.map { topic in
            guard authorized(.alter, .topic, topic.name, context) else {
                return CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name: topic.name,
                    errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                    errorMessage: "\(context.principal) may not alter topic '\(topic.name)'"
                )
            }
            do throws(TopicRegistry.TopicError) {
                try topics.addPartitions(
                    to: topic.name,
                    count: topic.count,
                    assignments: topic.assignments?.map(\.brokerIds),
                    validateOnly: request.validateOnly
                )
                return CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name: topic.name,
                    errorCode: KafkaErrorCode.none.rawValue,
                    errorMessage: nil
                )
            } catch {
                logger.info("create partitions of \(topic.name) from \(context.clientHost) refused: \(error.message)")
                return CreatePartitionsResponse.CreatePartitionsTopicResult(
                    name: topic.name,
                    errorCode: error.code.rawValue,
                    errorMessage: error.message
                )
            }
        }
        return CreatePartitionsResponse(throttleTimeMs: 0, results: results)
    }
}
