import Common
import NIOCore

/// One record written by hand, as an operator does from a console: not a producer's stream,
/// so no batching, idempotence or retries, and the answer says where the record landed.
extension KafkaAdmin {
    /// Where a written record landed.
    public struct WrittenRecord: Sendable, Equatable {
        public var partition: Int32
        public var offset: Int64

        /// A landing place from its parts.
        public init(partition: Int32, offset: Int64) {
            self.partition = partition
            self.offset = offset
        }
    }

    /// Writes one record with acks=all, uncompressed, to `partition`; without one, to the
    /// partition Kafka's Java producer picks for the key (murmur2), or to a random partition
    /// when there is no key either.
    ///
    /// - Throws: `.broker` with UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition,
    ///   or the broker's refusal (MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED, ...).
    public func writeRecord(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [RecordHeader] = []
    ) async throws -> WrittenRecord {
        let (metadata, errors) = try await cluster.refreshMetadata(topics: [topic])
        if let code = errors[topic] { throw KafkaClientError.broker(code, "writing a record to topic \(topic)") }
        guard let leaders = metadata.topics[topic]?.leaders, !leaders.isEmpty else {
            throw KafkaClientError.broker(.unknownTopicOrPartition, "writing a record to topic \(topic)")
        }
        let target = partition ?? Self.partition(forKey: key, partitionCount: leaders.count)
        guard let leader = leaders[target], leader >= 0 else {
            throw KafkaClientError.broker(
                leaders[target] == nil ? .unknownTopicOrPartition : .leaderNotAvailable,
                "writing a record to \(topic)-\(target): the topic has partitions 0 to \(leaders.count - 1)"
            )
        }
        let record = Record(
            offsetDelta: 0,
            key: key.map { ByteBuffer(bytes: $0) },
            value: value.map { ByteBuffer(bytes: $0) },
            headers: headers
        )
        let batch = try RecordBatch.encode(
            header: RecordBatchHeader(baseTimestamp: WallClock.nowMilliseconds()),
            records: [record],
            codec: .none
        )
        let request = ProduceRequest(
            transactionalId: nil,
            acks: -1,
            timeoutMs: 30_000,
            topicData: [.init(name: topic, partitionData: [.init(index: target, records: batch)])]
        )
        let connection = try await cluster.connection(toNode: leader)
        let response: ProduceResponse = try await connection.send(request, minimumVersion: 3, maximumVersion: 9)
        guard
            let answer = response.responses.first(where: { $0.name == topic })?.partitionResponses
                .first(where: { $0.index == target })
        else {
            throw KafkaClientError(.protocolViolation, "the Produce response has no result for \(topic)-\(target)")
        }
        try Self.check(answer.errorCode, answer.errorMessage, "writing a record to \(topic)-\(target)")
        return WrittenRecord(partition: target, offset: answer.baseOffset)
    }

    private static func partition(forKey key: [UInt8]?, partitionCount: Int) -> Int32 {
        guard let key else { return Int32.random(in: 0..<Int32(partitionCount)) }
        return KafkaPartitioner.partition(forKey: key, partitionCount: partitionCount)
    }
}
