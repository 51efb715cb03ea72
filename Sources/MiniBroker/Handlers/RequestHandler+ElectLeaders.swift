import KafkaWire

extension RequestHandler {
    /// ElectLeaders v0-2: a single broker already leads every partition, so every named
    /// partition of an existing topic answers ELECTION_NOT_NEEDED, as a one-broker Kafka does;
    /// a null list (all partitions) answers with no results. Needs Alter on the cluster.
    func electLeaders(_ request: ElectLeadersRequest, _ context: RequestContext) -> ElectLeadersResponse {
        guard authorizedOnCluster(.alter, context) else {
            return ElectLeadersResponse(
                throttleTimeMs: 0,
                errorCode: KafkaErrorCode.clusterAuthorizationFailed.rawValue,
                replicaElectionResults: (request.topicPartitions ?? []).map { requested in
                    ElectLeadersResponse.ReplicaElectionResult(
                        topic: requested.topic,
                        partitionResult: requested.partitions.map {
                            ElectLeadersResponse.PartitionResult(
                                partitionId: $0,
                                errorCode: KafkaErrorCode.clusterAuthorizationFailed.rawValue,
                                errorMessage: "electing leaders needs Alter on the cluster resource"
                            )
                        }
                    )
                }
            )
        }
        let results = (request.topicPartitions ?? []).map { requested in
            ElectLeadersResponse.ReplicaElectionResult(
                topic: requested.topic,
                partitionResult: requested.partitions.map { partition in
                    electionResult(topic: requested.topic, partition: partition)
                }
            )
        }
        return ElectLeadersResponse(
            throttleTimeMs: 0,
            errorCode: KafkaErrorCode.none.rawValue,
            replicaElectionResults: results
        )
    }

    private func electionResult(topic name: String, partition: Int32) -> ElectLeadersResponse.PartitionResult {
        guard let topic = topics.topic(named: name), (0..<topic.partitionCount).contains(partition) else {
            return ElectLeadersResponse.PartitionResult(
                partitionId: partition,
                errorCode: KafkaErrorCode.unknownTopicOrPartition.rawValue,
                errorMessage: "no partition \(partition) of topic '\(name)' on this broker"
            )
        }
        return ElectLeadersResponse.PartitionResult(
            partitionId: partition,
            errorCode: KafkaErrorCode.electionNotNeeded.rawValue,
            errorMessage: "this broker is the only replica and already leads the partition"
        )
    }
}
