import KafkaWire

extension RequestHandler {
    /// DeleteRecords (KIP-107): moves each partition's log start offset up to the given
    /// offset (-1 = the high watermark) and answers the new start as the low watermark.
    /// Needs Delete on the topic.
    func deleteRecords(_ request: DeleteRecordsRequest, _ context: RequestContext) -> DeleteRecordsResponse {
        let results = request.topics.map { topic in
            let mayDelete = authorized(.delete, .topic, topic.name, context)
            return DeleteRecordsResponse.DeleteRecordsTopicResult(
                name: topic.name,
                partitions: topic.partitions.map { partition in
                    guard mayDelete else {
                        return DeleteRecordsResponse.DeleteRecordsPartitionResult(
                            partitionIndex: partition.partitionIndex,
                            lowWatermark: -1,
                            errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue
                        )
                    }
                    do throws(TopicRegistry.TopicError) {
                        let start = try topics.deleteRecords(
                            topic: topic.name,
                            partition: partition.partitionIndex,
                            before: partition.offset
                        )
                        return DeleteRecordsResponse.DeleteRecordsPartitionResult(
                            partitionIndex: partition.partitionIndex,
                            lowWatermark: start,
                            errorCode: KafkaErrorCode.none.rawValue
                        )
                    } catch {
                        let name = "\(topic.name)-\(partition.partitionIndex)"
                        logger.info("delete records of \(name) from \(context.clientHost) refused: \(error.message)")
                        return DeleteRecordsResponse.DeleteRecordsPartitionResult(
                            partitionIndex: partition.partitionIndex,
                            lowWatermark: -1,
                            errorCode: error.code.rawValue
                        )
                    }
                }
            )
        }
        return DeleteRecordsResponse(throttleTimeMs: 0, topics: results)
    }
}
