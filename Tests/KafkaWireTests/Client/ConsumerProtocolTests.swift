import KafkaWire
import NIOCore
import Testing

@Suite("Consumer group protocol and assignors")
struct ConsumerProtocolTests {
    @Test("subscription and assignment v0 round-trip")
    func roundTrip() throws {
        let subscription = ConsumerProtocolSubscription(topics: ["orders", "trades"])
        #expect(try ConsumerProtocolSubscription(decoding: subscription.encoded()) == subscription)
        let partitions = [
            KafkaTopicPartition(topic: "a", partition: 0), KafkaTopicPartition(topic: "a", partition: 2),
            KafkaTopicPartition(topic: "b", partition: 1),
        ]
        let assignment = ConsumerProtocolAssignment(partitions: partitions)
        #expect(try ConsumerProtocolAssignment(decoding: assignment.encoded()).partitions == partitions)
        #expect(try ConsumerProtocolAssignment(decoding: ByteBuffer()).partitions.isEmpty)
    }

    @Test("subscription v0 bytes as Kafka lays them out")
    func subscriptionBytes() {
        let bytes = Array(ConsumerProtocolSubscription(topics: ["ab"]).encoded().readableBytesView)
        #expect(bytes == [0, 0, 0, 0, 0, 1, 0, 2, 0x61, 0x62, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test("range gives consecutive partitions per topic, extras to the first members")
    func range() {
        let plan = ConsumerPartitionAssignor.range.assign(
            subscriptions: ["m1": ["t"], "m2": ["t"]],
            partitionCounts: ["t": 5]
        )
        #expect(plan["m1"]!.map(\.partition) == [0, 1, 2])
        #expect(plan["m2"]!.map(\.partition) == [3, 4])
    }

    @Test("round-robin deals partitions over topics, skipping members not subscribed")
    func roundRobin() {
        let plan = ConsumerPartitionAssignor.roundRobin.assign(
            subscriptions: ["m1": ["a", "b"], "m2": ["a"]],
            partitionCounts: ["a": 3, "b": 2]
        )
        #expect(
            plan["m1"]! == [
                KafkaTopicPartition(topic: "a", partition: 0), KafkaTopicPartition(topic: "a", partition: 2),
                KafkaTopicPartition(topic: "b", partition: 0), KafkaTopicPartition(topic: "b", partition: 1),
            ]
        )
        #expect(plan["m2"]! == [KafkaTopicPartition(topic: "a", partition: 1)])
        let lonely = ConsumerPartitionAssignor.roundRobin.assign(subscriptions: ["m1": ["x"]], partitionCounts: [:])
        #expect(lonely["m1"]!.isEmpty)
    }
}
