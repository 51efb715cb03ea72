import NIOCore

/// The member assignment of the "consumer" group protocol, version 0: the partitions the
/// group leader gave a member (https://kafka.apache.org/documentation/#consumer_protocol).
///
/// Layout: version int16, topics (int32 count; per topic an int16-length name and an int32
/// array of partitions), user data (int32-length bytes, -1 = null).
public struct ConsumerProtocolAssignment: Sendable, Hashable {
    /// Assigned partitions.
    public var partitions: [KafkaTopicPartition]
    /// Assignor-specific bytes.
    public var userData: ByteBuffer?

    /// An assignment of `partitions`.
    public init(partitions: [KafkaTopicPartition], userData: ByteBuffer? = nil) {
        self.partitions = partitions
        self.userData = userData
    }

    /// The v0 encoding, partitions grouped by topic in name order.
    public func encoded() -> ByteBuffer {
        let byTopic = Dictionary(grouping: partitions, by: \.topic)
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(Int16(0))
        buffer.writeKafkaArrayCount(byTopic.count, compact: false)
        for topic in byTopic.keys.sorted() {
            buffer.writeKafkaString(topic, compact: false)
            let indexes = byTopic[topic]!.map(\.partition).sorted()
            buffer.writeKafkaArrayCount(indexes.count, compact: false)
            for index in indexes { buffer.writeKafkaInteger(index) }
        }
        buffer.writeKafkaNullableBytes(userData, compact: false)
        return buffer
    }

    /// Reads any version; an empty buffer (a member the leader gave nothing, as some
    /// coordinators send it) is an empty assignment.
    /// - Throws: `KafkaDecodingError` for truncated or negative-length fields.
    public init(decoding bytes: ByteBuffer) throws {
        var buffer = bytes
        self.partitions = []
        self.userData = nil
        guard buffer.readableBytes > 0 else { return }
        let version = try buffer.readKafkaInteger(as: Int16.self)
        guard version >= 0 else { throw KafkaDecodingError("consumer assignment version \(version)") }
        let topicCount = try buffer.readKafkaArrayCount(compact: false) ?? 0
        for _ in 0..<topicCount {
            let topic = try buffer.readKafkaString(compact: false)
            let count = try buffer.readKafkaArrayCount(compact: false) ?? 0
            for _ in 0..<count {
                partitions.append(
                    KafkaTopicPartition(topic: topic, partition: try buffer.readKafkaInteger(as: Int32.self))
                )
            }
        }
        userData = try buffer.readKafkaNullableBytes(compact: false)
    }
}
