import KafkaWire
import NIOCore
import Testing

@testable import MiniBroker

@Suite("Produce 12: what a transactional request adds to its transaction")
struct TransactionalProduceRequestTests {
    @Test func theFirstBatchAddsTheRequestsPartitionsTheProducerMayWriteAndNoOthers() throws {
        let served = try ServedBroker {
            $0.authorizer = .acls
            $0.allowEveryoneIfNoAclFound = true
        }
        defer { served.remove() }
        _ = try served.handler.topics.create(name: "orders", partitions: 2)
        _ = try served.handler.topics.create(name: "secret", partitions: 1)
        try served.handler.authorizer?.create([
            AclBinding(
                resourceType: .topic,
                resourceName: "secret",
                principal: "User:student",
                operation: .write,
                permission: .deny
            )
        ])
        var context = RequestContext(
            apiKey: .initProducerId,
            apiVersion: 5,
            correlationID: 1,
            clientID: nil,
            clientHost: "test"
        )
        context.principal = KafkaPrincipal(user: "student")
        let producer = served.handler.initProducerId(
            InitProducerIdRequest(transactionalId: "t", transactionTimeoutMs: 60_000),
            context
        )
        #expect(producer.errorCode == KafkaErrorCode.none.rawValue)

        func batch() -> ByteBuffer {
            keyedBatch(
                [KeyedRecord(key: "order", value: "1")],
                producerID: producer.producerId,
                epoch: producer.producerEpoch,
                sequence: 0,
                attributes: 0x10  // transactional
            )
        }
        context.apiKey = .produce
        context.apiVersion = 12
        let response = served.handler.produce(
            ProduceRequest(
                transactionalId: "t",
                acks: -1,
                timeoutMs: 1_000,
                topicData: [
                    .init(
                        name: "orders",
                        partitionData: [.init(index: 0, records: batch()), .init(index: 5, records: batch())]
                    ),
                    .init(name: "secret", partitionData: [.init(index: 0, records: batch())]),
                    .init(name: "orders", partitionData: [.init(index: 1, records: batch())]),
                ]
            ),
            context
        )
        let codes = response.responses.map { $0.partitionResponses.map(\.errorCode) }
        let none = KafkaErrorCode.none.rawValue
        #expect(
            codes == [
                [none, KafkaErrorCode.unknownTopicOrPartition.rawValue],
                [KafkaErrorCode.topicAuthorizationFailed.rawValue], [none],
            ]
        )
        // Neither the topic the student may not write to nor the partition that does not
        // exist: the commit writes markers to the partitions that hold the transaction's data.
        #expect(
            served.handler.transactions.metadata(of: "t")?.partitions == [
                KafkaTopicPartition(topic: "orders", partition: 0), KafkaTopicPartition(topic: "orders", partition: 1),
            ]
        )
    }
}
