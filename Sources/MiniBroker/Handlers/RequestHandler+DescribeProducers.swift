import KafkaWire

extension RequestHandler {
    /// DescribeProducers (KIP-664): the idempotent producers each partition remembers, with
    /// their epoch, last sequence and last timestamp. Without transactions no producer has an
    /// open transaction, so the coordinator epoch and transaction start offset are -1.
    func describeProducers(_ request: DescribeProducersRequest, _ context: RequestContext) -> DescribeProducersResponse
    {
        let topics = request.topics.map { topic in
            DescribeProducersResponse.TopicResponse(
                name: topic.name,
                partitions: topic.partitionIndexes.map { describeProducers(topic: topic.name, partition: $0) }
            )
        }
        return DescribeProducersResponse(throttleTimeMs: 0, topics: topics)
    }

    private func describeProducers(topic: String, partition: Int32) -> DescribeProducersResponse.PartitionResponse {
        guard let log = topics.log(topic: topic, partition: partition) else {
            return DescribeProducersResponse.PartitionResponse(
                partitionIndex: partition,
                errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue,
                errorMessage: "topic '\(topic)' has no partition \(partition)",
                activeProducers: []
            )
        }
        let producers = log.producers.sorted { $0.key < $1.key }.map { id, producer in
            DescribeProducersResponse.ProducerState(
                producerId: id,
                producerEpoch: Int32(producer.epoch),
                lastSequence: producer.recentBatches.last?.lastSequence ?? -1,
                lastTimestamp: producer.lastTimestamp,
                coordinatorEpoch: -1,
                currentTxnStartOffset: -1
            )
        }
        return DescribeProducersResponse.PartitionResponse(
            partitionIndex: partition,
            errorCode: KafkaErrorCode.none.rawValue,
            errorMessage: nil,
            activeProducers: producers
        )
    }
}
