import KafkaWire

extension RequestHandler {
    /// DeleteTopics v0-4: removes the topic, its logs and its committed offsets; needs Delete
    /// on the topic.
    func deleteTopics(_ request: DeleteTopicsRequest, _ context: RequestContext) -> DeleteTopicsResponse {
        var results: [DeleteTopicsResponse.DeletableTopicResult] = []
        for name in request.topicNames {
            guard authorized(.delete, .topic, name, context) else {
                results.append(
                    DeleteTopicsResponse.DeletableTopicResult(
                        name: name,
                        errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                        errorMessage: "\(context.principal) may not delete topic '\(name)'"
                    )
                )
                continue
            }
            do {
                try topics.delete(name: name)
                try? offsets.deleteOffsets(topic: name)
                results.append(
                    DeleteTopicsResponse.DeletableTopicResult(name: name, errorCode: KafkaErrorCode.none.rawValue)
                )
            } catch {
                logger.info("delete topic \(name) refused: \(error.message)")
                results.append(
                    DeleteTopicsResponse.DeletableTopicResult(
                        name: name,
                        errorCode: error.code.rawValue,
                        errorMessage: error.message
                    )
                )
            }
        }
        return DeleteTopicsResponse(throttleTimeMs: 0, responses: results)
    }
}
