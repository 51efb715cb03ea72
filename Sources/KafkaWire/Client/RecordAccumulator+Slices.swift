extension RecordAccumulator {
    /// Appends all `records` of one topic, their keys and values ranges of `raw`: the bulk
    /// path of `KafkaProducer.send(topic:bytes:records:)`.
    ///
    /// Records are grouped by partition first, so each partition's queue is looked up once
    /// per call instead of once per record; order within a partition is kept, which is all
    /// Kafka promises. Keyless records all go to the topic's sticky partition. Nothing is
    /// appended when the topic is unknown.
    mutating func append(
        topic: String,
        records: [KafkaProducer.Slice],
        from raw: UnsafeRawBufferPointer,
        now: ContinuousClock.Instant
    ) throws -> AppendResult {
        if let fatalError { throw fatalError }
        if closing {
            throw KafkaClientError(.producerClosed, "the producer is closed; create a new one to send more records")
        }
        guard let metadata = topics[topic], metadata.partitionCount > 0 else { return .unknownTopic }
        let sticky = Int(stickyPartitions[topic] ?? Int32.random(in: 0..<Int32(metadata.partitionCount)))
        var byPartition = [[Int]](repeating: [], count: metadata.partitionCount)
        for (index, record) in records.enumerated() {
            guard let key = record.key else {
                byPartition[sticky].append(index)
                continue
            }
            let partition = KafkaPartitioner.partition(
                forKey: UnsafeRawBufferPointer(rebasing: raw[key]),
                partitionCount: metadata.partitionCount
            )
            byPartition[Int(partition)].append(index)
        }
        var wakeSender = false
        var bytes = 0
        let batchSize = configuration.batchSize
        let allocator = self.allocator
        for (partition, indices) in byPartition.enumerated() where !indices.isEmpty {
            let target = KafkaTopicPartition(topic: topic, partition: Int32(partition))
            withQueue(target) { queue in
                for index in indices {
                    let record = records[index]
                    let result = queue.append(
                        to: target,
                        timestamp: record.timestamp,
                        key: record.key.map { UnsafeRawBufferPointer(rebasing: raw[$0]) },
                        value: UnsafeRawBufferPointer(rebasing: raw[record.value]),
                        headers: [],
                        batchSize: batchSize,
                        allocator: allocator,
                        now: now
                    )
                    bytes += result.bytes
                    wakeSender = wakeSender || result.batchOpened || result.batchClosed
                }
            }
        }
        statistics.recordsSent += records.count
        statistics.bufferedBytes += bytes
        return .appended(wakeSender: wakeSender, overLimit: statistics.bufferedBytes >= configuration.maxInFlightBytes)
    }

    /// Runs `body` on the queue of `target` (created when missing) with one look-up.
    private mutating func withQueue(_ target: KafkaTopicPartition, _ body: (inout PartitionQueue) -> Void) {
        body(&queues[target, default: PartitionQueue()])
    }
}
