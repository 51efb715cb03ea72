import KafkaWire

extension RequestHandler {
    /// OffsetDelete (KIP-496): removes a group's committed offsets of some partitions, except
    /// those of topics its members subscribe to (GROUP_SUBSCRIBED_TO_TOPIC). A group known
    /// only by offsets committed before a restart is Empty; one with none is not found.
    /// Needs Delete on the group and Read on each topic.
    func offsetDelete(_ request: OffsetDeleteRequest, _ context: RequestContext) async -> OffsetDeleteResponse {
        func refused(_ code: KafkaErrorCode) -> OffsetDeleteResponse {
            logger.info("offset delete for group \(request.groupId) from \(context.clientHost) refused: \(code)")
            return OffsetDeleteResponse(errorCode: code.rawValue, throttleTimeMs: 0, topics: [])
        }
        guard authorized(.delete, .group, request.groupId, context) else { return refused(.groupAuthorizationFailed) }
        let subscribed: Set<String>
        switch await groups.offsetDeletionVerdict(groupID: request.groupId) {
        case .unknownGroup:
            guard hasCommittedOffsets(request.groupId) else { return refused(.groupIdNotFound) }
            subscribed = []
        case .nonEmpty:
            return refused(.nonEmptyGroup)
        case .allowed(let topics):
            subscribed = topics
        }
        var deletable: [KafkaTopicPartition] = []
        let results = request.topics.map { topic in
            let code: KafkaErrorCode =
                if !authorized(.read, .topic, topic.name, context) {
                    .topicAuthorizationFailed
                } else if subscribed.contains(topic.name) {
                    .groupSubscribedToTopic
                } else if self.topics.topic(named: topic.name) == nil {
                    .unknownTopicOrPartition
                } else {
                    .none
                }
            if code == .none {
                deletable += topic.partitions.map {
                    KafkaTopicPartition(topic: topic.name, partition: $0.partitionIndex)
                }
            }
            return OffsetDeleteResponse.OffsetDeleteResponseTopic(
                name: topic.name,
                partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: code.rawValue) }
            )
        }
        do {
            try offsets.deleteOffsets(group: request.groupId, partitions: deletable)
        } catch {
            logger.error("deleting offsets of group \(request.groupId) failed: \(error)")
            return refused(.kafkaStorageError)
        }
        if !deletable.isEmpty {
            logger.info(
                "\(context.clientHost) deleted the offsets of \(deletable.count) partitions of group \(request.groupId)"
            )
        }
        return OffsetDeleteResponse(errorCode: KafkaErrorCode.none.rawValue, throttleTimeMs: 0, topics: results)
    }
}
