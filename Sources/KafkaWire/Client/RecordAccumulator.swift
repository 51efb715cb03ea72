import NIOCore

/// The producer's shared state, always used under the producer's lock: per-partition queues,
/// topic metadata, the producer id and epoch, byte and record counters, and who waits for what.
///
/// `append` is the per-record path; `drain` hands ready batches to the sender; `finish` applies
/// the outcome of a batch. Nothing here blocks or does I/O.
struct RecordAccumulator: Sendable {
    let configuration: KafkaProducerConfiguration
    let allocator = ByteBufferAllocator()

    var topics: [String: ClusterMetadata.Topic] = [:]
    var queues: [KafkaTopicPartition: PartitionQueue] = [:]
    /// Partition for records without key, per topic; moves on when its batch closes.
    var stickyPartitions: [String: Int32] = [:]
    var producerID: Int64 = -1
    var producerEpoch: Int16 = -1
    var needsEpochBump = false
    var staleTopics: Set<String> = []
    var inFlightRequests: [Int32: Int] = [:]
    var statistics = ProducerStatistics(recordsSent: 0, recordsDelivered: 0, recordsFailed: 0, bufferedBytes: 0)
    /// Errors since the last `flush`, reported by it.
    var unreportedErrors: [KafkaClientError] = []
    var unreportedFailedRecords = 0
    /// Records appended before the newest `flush` call: until they complete, linger is ignored.
    var flushTarget = 0
    var closing = false
    /// Set by a close whose time ran out: batches fail at their next retry instead of waiting
    /// for their delivery timeout.
    var givingUp = false
    var fatalError: KafkaClientError?
    var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    var flushWaiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(configuration: KafkaProducerConfiguration) {
        self.configuration = configuration
    }

    var completedRecords: Int { statistics.recordsDelivered + statistics.recordsFailed }

    /// What `append` did.
    enum AppendResult {
        /// Stored; `wakeSender` when a batch was opened or closed; `overLimit` when the caller
        /// should wait for buffered bytes to drain (back-pressure).
        case appended(wakeSender: Bool, overLimit: Bool)
        /// The topic's partitions are not known yet: load metadata, then append again.
        case unknownTopic
    }

    /// Appends one record to its partition's open batch.
    mutating func append(
        topic: String,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader],
        timestamp: Int64,
        now: ContinuousClock.Instant
    ) throws -> AppendResult {
        if let fatalError { throw fatalError }
        if closing {
            throw KafkaClientError(.producerClosed, "the producer is closed; create a new one to send more records")
        }
        guard let metadata = topics[topic], metadata.partitionCount > 0 else { return .unknownTopic }
        let partition: Int32
        if let key {
            partition = KafkaPartitioner.partition(forKey: key, partitionCount: metadata.partitionCount)
        } else {
            partition = stickyPartitions[topic] ?? Int32.random(in: 0..<Int32(metadata.partitionCount))
        }
        let target = KafkaTopicPartition(topic: topic, partition: partition)
        let result = queues[target, default: PartitionQueue()].append(
            to: target,
            timestamp: timestamp,
            key: key,
            value: value,
            headers: headers,
            batchSize: configuration.batchSize,
            allocator: allocator,
            now: now
        )
        if key == nil {
            stickyPartitions[topic] = result.batchClosed ? (partition + 1) % Int32(metadata.partitionCount) : partition
        }
        statistics.recordsSent += 1
        statistics.bufferedBytes += result.bytes
        return .appended(
            wakeSender: result.batchOpened || result.batchClosed,
            overLimit: statistics.bufferedBytes >= configuration.maxInFlightBytes
        )
    }

    /// Whether a `flush` or `close` waits, so batches go out without lingering.
    var isUrgent: Bool { closing || completedRecords < flushTarget }

    /// Whether everything is sent and answered after `close`.
    var isFinished: Bool { closing && queues.values.allSatisfy(\.isEmpty) }
}
