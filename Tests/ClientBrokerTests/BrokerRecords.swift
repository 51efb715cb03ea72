import KafkaWire
import NIOCore
import Testing

/// Raw admin and fetch helpers over `BrokerConnection`, to check what a producer wrote.
enum BrokerRecords {
    /// Creates `topic` with `partitions` partitions (TOPIC_ALREADY_EXISTS is fine).
    static func createTopic(_ topic: String, partitions: Int32, on connection: BrokerConnection) async throws {
        let request = CreateTopicsRequest(
            topics: [.init(name: topic, numPartitions: partitions, replicationFactor: 1)],
            timeoutMs: 5000
        )
        let response = try await connection.send(request, maximumVersion: 7, expecting: CreateTopicsResponse.self)
        let code = KafkaErrorCode(rawValue: response.topics.first?.errorCode ?? 0)
        guard code == .none || code == .topicAlreadyExists else {
            throw KafkaClientError.broker(code, "CreateTopics \(topic)")
        }
    }

    /// Every record of a partition, fetched from offset 0 until a fetch returns nothing.
    static func fetchAll(topic: String, partition: Int32, from connection: BrokerConnection) async throws -> [Record] {
        var records: [Record] = []
        var offset: Int64 = 0
        for _ in 0..<1000 {
            let request = FetchRequest(
                maxWaitMs: 50,
                minBytes: 1,
                maxBytes: 64 << 20,
                topics: [
                    .init(
                        topic: topic,
                        partitions: [
                            .init(partition: partition, fetchOffset: offset, partitionMaxBytes: 16 << 20)
                        ]
                    )
                ]
            )
            let response = try await connection.send(
                request,
                minimumVersion: 4,
                maximumVersion: 12,
                expecting: FetchResponse.self
            )
            let data = try #require(response.responses.first?.partitions.first)
            let code = KafkaErrorCode(rawValue: data.errorCode)
            guard code == .none else { throw KafkaClientError.broker(code, "Fetch \(topic)-\(partition)") }
            var bytes = data.records ?? ByteBuffer()
            var progressed = false
            while bytes.readableBytes >= RecordBatchHeader.size, let batch = try? RecordBatch.decode(from: &bytes) {
                for record in batch.records where batch.header.baseOffset + Int64(record.offsetDelta) >= offset {
                    records.append(record)
                }
                offset = batch.header.lastOffset + 1
                progressed = true
            }
            if !progressed { break }
        }
        return records
    }
}
