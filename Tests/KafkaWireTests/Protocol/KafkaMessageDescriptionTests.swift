import NIOCore
import Testing

@testable import KafkaWire

@Suite("Decoded messages for people, and the errors in responses")
struct KafkaMessageDescriptionTests {
    static let produce = ProduceRequest(
        transactionalId: nil,
        acks: -1,
        timeoutMs: 30_000,
        topicData: [
            .init(
                name: "orders",
                partitionData: [
                    .init(index: 0, records: ByteBuffer(repeating: 1, count: 300)),
                    .init(index: 2, records: nil),
                ]
            ),
            .init(name: "payments", partitionData: [.init(index: 1, records: ByteBuffer())]),
        ]
    )

    @Test func aProduceRequestIsShownFieldByFieldWithItsTopicsAndPartitions() {
        let description = KafkaMessageDescription(of: Self.produce)
        #expect(description.topicSummary == "orders[0,2] payments[1]")
        #expect(description.lines.contains("transactionalId: null"))
        #expect(description.lines.contains("acks: -1"))
        #expect(description.lines.contains("topicData[0]:"))
        #expect(description.lines.contains("  name: \"orders\""))
        #expect(description.lines.contains("    records: <300 bytes>"))
        #expect(description.lines.contains("    records: null"))
        #expect(!description.truncated)
    }

    @Test func topicsNamedWithoutPartitionsOrAsAListAreFound() {
        let metadata = MetadataRequest(
            topics: [.init(name: "orders"), .init(name: "users")],
            allowAutoTopicCreation: false
        )
        #expect(KafkaMessageDescription(of: metadata).topicSummary == "orders users")
        let delete = DeleteTopicsRequest(topicNames: ["old", "older"], timeoutMs: 1000)
        #expect(KafkaMessageDescription(of: delete).topicSummary == "old older")
        // A group protocol's name is not a topic.
        let join = JoinGroupRequest(groupId: "g", protocols: [.init(name: "range", metadata: ByteBuffer())])
        #expect(KafkaMessageDescription(of: join).topicSummary == "")
    }

    @Test func aLongMessageIsCutAtTheLineLimit() {
        let many = MetadataRequest(topics: (0..<50).map { .init(name: "t\($0)") }, allowAutoTopicCreation: false)
        let description = KafkaMessageDescription(of: many, lineLimit: 20)
        #expect(description.lines.count == 20)
        #expect(description.truncated)
    }

    @Test func errorsAreFoundWhereverTheResponseKeepsThem() {
        let produce = ProduceResponse(
            responses: [
                .init(
                    name: "orders",
                    partitionResponses: [
                        .init(index: 0, errorCode: 0),
                        .init(index: 1, errorCode: 3, errorMessage: "no partition 1"),
                        .init(index: 2, errorCode: 3),
                    ]
                )
            ]
        )
        let errors = KafkaResponseErrors(of: produce)
        #expect(errors.codes == [3])
        #expect(errors.message == "no partition 1")
        // Per-topic codes with their messages.
        let delete = DeleteTopicsResponse(
            responses: [
                .init(name: "a", errorCode: 0),
                .init(name: "b", errorCode: 3, errorMessage: nil),
                .init(name: "c", errorCode: 41, errorMessage: "not the controller"),
            ]
        )
        let walked = KafkaResponseErrors(of: delete)
        #expect(walked.codes == [3, 41])
        #expect(walked.message == "not the controller")
        #expect(KafkaResponseErrors(of: HeartbeatResponse(errorCode: 27)).codes == [27])
        // Codes under other names (PartitionErrorCode), in both layouts of one response.
        let added = AddPartitionsToTxnResponse(
            resultsByTransaction: [
                .init(
                    transactionalId: "t",
                    topicResults: [.init(name: "a", resultsByPartition: [.init(partitionErrorCode: 53)])]
                )
            ],
            resultsByTopicV3AndBelow: [.init(name: "b", resultsByPartition: [.init(partitionErrorCode: 48)])]
        )
        #expect(KafkaResponseErrors(of: added).codes == [53, 48])
        #expect(KafkaResponseErrors(of: MetadataResponse()).isEmpty)
        #expect(KafkaResponseErrors(codes: [0, 35, 35]).codes == [35])
    }

    @Test func anyRequestDecodesWithItsAPIsCodec() throws {
        var buffer = ByteBuffer()
        Self.produce.write(to: &buffer, version: 9)
        let decoded = try ApiKey.produce.decodeRequest(from: &buffer, version: 9)
        #expect(decoded as? ProduceRequest == Self.produce)
        for key in ApiKey.allCases {
            #expect(key.requestType.apiKey == key, "\(key)")
        }
    }
}
