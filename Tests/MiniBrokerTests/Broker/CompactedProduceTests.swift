import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Produce to a compacted topic")
struct CompactedProduceTests {
    private func produce(
        _ served: ServedBroker,
        _ batch: ByteBuffer,
        version: Int16 = 9
    )
        -> ProduceResponse.PartitionProduceResponse?
    {
        let request = ProduceRequest(
            acks: -1,
            timeoutMs: 1_000,
            topicData: [.init(name: "table", partitionData: [.init(index: 0, records: batch)])]
        )
        let context = RequestContext(
            apiKey: .produce,
            apiVersion: version,
            correlationID: 1,
            clientID: nil,
            clientHost: "test"
        )
        return served.handler.produce(request, context).responses.first?.partitionResponses.first
    }

    @Test func refusesRecordsWithoutAKeyNamingEach() throws {
        // The broker's default policy is compact here, so every topic is compacted.
        let served = try ServedBroker { $0.cleanupPolicy = .compact }
        defer { served.remove() }
        _ = try served.handler.topics.create(name: "table", partitions: 1)
        let keyless = keyedBatch(
            [KeyedRecord(key: "a", value: "1"), KeyedRecord(key: nil, value: "2"), KeyedRecord(key: nil, value: "3")],
            codec: .lz4
        )
        let refused = try #require(produce(served, keyless))
        #expect(refused.errorCode == KafkaErrorCode.invalidRecord.rawValue)
        #expect(refused.recordErrors.map(\.batchIndex) == [1, 2])
        #expect(refused.errorMessage?.contains("needs a key on every record") == true)
        #expect(served.logs.log(topic: "table", partition: 0)?.logEndOffset == 0)

        let keyed = keyedBatch([KeyedRecord(key: "a", value: "1"), KeyedRecord(key: "b", value: nil)])
        #expect(try #require(produce(served, keyed)).errorCode == 0)
        #expect(served.logs.log(topic: "table", partition: 0)?.logEndOffset == 2)
    }

    @Test func acceptsRecordsWithoutAKeyOnADeleteTopic() throws {
        let served = try ServedBroker()
        defer { served.remove() }
        _ = try served.handler.topics.create(name: "table", partitions: 1)
        let keyless = keyedBatch([KeyedRecord(key: nil, value: "1")])
        #expect(try #require(produce(served, keyless)).errorCode == 0)
    }
}
