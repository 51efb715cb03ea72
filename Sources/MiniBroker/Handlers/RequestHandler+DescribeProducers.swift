import KafkaWire

extension RequestHandler {
    /// DescribeProducers (KIP-664): the producers each partition remembers, with their epoch,
    /// last sequence and last timestamp, the coordinator epoch of their last marker and the
    /// first offset of their open transaction (-1 when none): what `kafka-transactions
    /// find-hanging` and `abort` need. Needs Read on the topic.
    func describeProducers(_ request: DescribeProducersRequest, _ context: RequestContext) -> DescribeProducersResponse
    {
        let topics = request.topics.map { topic in
            DescribeProducersResponse.TopicResponse(
                name: topic.name,
                partitions: authorized(.read, .topic, topic.name, context)
                    ? topic.partitionIndexes.map { describeProducers(topic: topic.name, partition: $0) }
                    : topic.partitionIndexes.map {
                        DescribeProducersResponse.PartitionResponse(
                            partitionIndex: $0,
                            errorCode: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                            errorMessage: "\(context.principal) may not read topic '\(topic.name)'",
                            activeProducers: []
                        )
                    }
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
        let open = log.openTransactions
        let producers = log.producers.sorted { $0.key < $1.key }.map { id, producer in
            DescribeProducersResponse.ProducerState(
                producerId: id,
                producerEpoch: Int32(producer.epoch),
                lastSequence: producer.recentBatches.last?.lastSequence ?? -1,
                lastTimestamp: producer.lastTimestamp,
                coordinatorEpoch: producer.coordinatorEpoch,
                currentTxnStartOffset: open[id] ?? -1
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
