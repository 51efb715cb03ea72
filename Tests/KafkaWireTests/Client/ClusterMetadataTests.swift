import Testing

@testable import KafkaWire

@Suite struct ClusterMetadataTests {
    static func topic(
        _ name: String,
        partitions: Int32,
        error: KafkaErrorCode = .none
    )
        -> MetadataResponse.MetadataResponseTopic
    {
        .init(
            errorCode: error.rawValue,
            name: name,
            partitions: (0..<partitions).map { .init(partitionIndex: $0, leaderId: 1) }
        )
    }

    static func response(_ topics: [MetadataResponse.MetadataResponseTopic]) -> MetadataResponse {
        MetadataResponse(brokers: [.init(nodeId: 1, host: "localhost", port: 9092)], topics: topics)
    }

    @Test func aCompleteListingForgetsTopicsTheClusterNoLongerHas() {
        var metadata = ClusterMetadata()
        metadata.merge(Self.response([Self.topic("orders", partitions: 3), Self.topic("lab", partitions: 2)]))
        #expect(Set(metadata.topics.keys) == ["orders", "lab"])
        // Asked for one topic: the others are not in the answer but still exist.
        metadata.merge(Self.response([Self.topic("orders", partitions: 3)]))
        #expect(Set(metadata.topics.keys) == ["orders", "lab"])
        // Asked for all: `lab` was deleted.
        metadata.merge(Self.response([Self.topic("orders", partitions: 3)]), complete: true)
        #expect(Set(metadata.topics.keys) == ["orders"])
        #expect(metadata.leader(topic: "lab", partition: 0) == nil)
    }

    @Test func anUnknownTopicIsForgottenAndReported() {
        var metadata = ClusterMetadata()
        metadata.merge(Self.response([Self.topic("lab", partitions: 2)]))
        let errors = metadata.merge(Self.response([Self.topic("lab", partitions: 0, error: .unknownTopicOrPartition)]))
        #expect(errors == ["lab": .unknownTopicOrPartition])
        #expect(metadata.topics["lab"] == nil)
    }

    @Test func aTopicWithoutLeadersYetIsKeptAsItWas() {
        var metadata = ClusterMetadata()
        metadata.merge(Self.response([Self.topic("lab", partitions: 2)]))
        let errors = metadata.merge(Self.response([Self.topic("lab", partitions: 0, error: .leaderNotAvailable)]))
        #expect(errors == ["lab": .leaderNotAvailable])
        #expect(metadata.topics["lab"]?.partitionCount == 2)
    }
}
