import KafkaWire

extension TopicRegistry {
    /// Raises a topic's partition count to `count` (CreatePartitions). Kafka only ever adds
    /// partitions: a count at or below the current one is refused. `assignments`, when given,
    /// must place every new partition on this broker alone. `validateOnly` checks without
    /// adding. Producers and consumers see the new partitions at their next metadata refresh.
    @discardableResult
    func addPartitions(
        to name: String,
        count: Int32,
        assignments: [[Int32]]? = nil,
        validateOnly: Bool = false
    ) throws(TopicError) -> Topic {
        try topics.withLock { topics throws(TopicError) -> Topic in
            guard var topic = topics[name] else {
                throw TopicError(code: .unknownTopicOrPartition, message: "unknown topic '\(name)'")
            }
            let added = count - topic.partitionCount
            guard added > 0 else {
                throw TopicError(
                    code: .invalidPartitions,
                    message: """
                        topic '\(name)' has \(topic.partitionCount) partitions; the new count must be higher \
                        (partitions can be added, never removed), got \(count)
                        """
                )
            }
            try checkPartitionLimit(adding: added, to: name, in: topics)
            try checkAssignments(assignments, added: added, topic: name)
            topic.partitionCount = count
            if validateOnly { return topic }
            do {
                try logs.createPartitions(topic: name, count: count, configs: topic.configs.overrides)
                try store.setPartitionCount(count, of: name)
            } catch {
                try? logs.removePartitions(topic: name, from: count - added)
                logger.error("adding partitions to \(name) failed, none added: \(error)")
                throw TopicError(code: .kafkaStorageError, message: "could not add partitions to '\(name)': \(error)")
            }
            topics[name] = topic
            logger.info("topic \(name) now has \(count) partitions (\(added) added)")
            return topic
        }
    }

    /// A single broker holds every replica: an assignment may only name this broker, once per
    /// new partition.
    private func checkAssignments(_ assignments: [[Int32]]?, added: Int32, topic: String) throws(TopicError) {
        guard let assignments else { return }
        guard assignments.count == Int(added) else {
            throw TopicError(
                code: .invalidReplicaAssignment,
                message: "\(assignments.count) assignments given for \(added) new partitions of '\(topic)'"
            )
        }
        for replicas in assignments where replicas != [broker.nodeID] {
            throw TopicError(
                code: .invalidReplicaAssignment,
                message: """
                    replicas \(replicas) cannot be assigned: this cluster has one broker (id \(broker.nodeID)), \
                    which holds every partition
                    """
            )
        }
    }

    /// Moves a partition's log start offset up to `offset` (DeleteRecords; -1 = the log end)
    /// and returns the new one (Kafka's low watermark). The new start is stored before any
    /// record goes, so it survives restarts.
    func deleteRecords(topic name: String, partition: Int32, before offset: Int64) throws(TopicError) -> Int64 {
        guard let topic = topic(named: name), let log = log(topic: name, partition: partition) else {
            throw TopicError(code: .unknownTopicOrPartition, message: "unknown partition \(name)-\(partition)")
        }
        let policy = configuration(of: topic).cleanupPolicy
        guard policy.deletes else {
            throw TopicError(
                code: .policyViolation,
                message: "topic '\(name)' has cleanup.policy=\(policy); records can be deleted only under 'delete'"
            )
        }
        let partitionKey = KafkaTopicPartition(topic: name, partition: partition)
        do {
            return try log.deleteRecords(before: offset) { start in
                try store.saveLogStartOffset(start, for: partitionKey)
            }
        } catch let error as StorageError where error.code == .offsetOutOfRange {
            throw TopicError(code: .offsetOutOfRange, message: error.message)
        } catch {
            logger.error("deleting records of \(partitionKey) failed: \(error)")
            throw TopicError(code: .kafkaStorageError, message: "could not delete records of \(partitionKey): \(error)")
        }
    }
}
