import NIOCore

/// The member metadata of the "consumer" group protocol, version 0: the topics a member
/// subscribes to (https://kafka.apache.org/documentation/#consumer_protocol).
///
/// Layout: version int16, topics (int32 count, then int16-length strings), user data
/// (int32-length bytes, -1 = null). Later versions append fields, so a reader of v0 ignores
/// what follows the user data.
public struct ConsumerProtocolSubscription: Sendable, Hashable {
    /// Subscribed topics.
    public var topics: [String]
    /// Assignor-specific bytes.
    public var userData: ByteBuffer?

    /// A subscription to `topics`.
    public init(topics: [String], userData: ByteBuffer? = nil) {
        self.topics = topics
        self.userData = userData
    }

    /// The v0 encoding.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(Int16(0))
        buffer.writeKafkaArrayCount(topics.count, compact: false)
        for topic in topics { buffer.writeKafkaString(topic, compact: false) }
        buffer.writeKafkaNullableBytes(userData, compact: false)
        return buffer
    }

    /// Reads any version: the fields of v0 lead every later version.
    /// - Throws: `KafkaDecodingError` for truncated or negative-length fields.
    public init(decoding bytes: ByteBuffer) throws {
        var buffer = bytes
        let version = try buffer.readKafkaInteger(as: Int16.self)
        guard version >= 0 else { throw KafkaDecodingError("consumer subscription version \(version)") }
        let count = try buffer.readKafkaArrayCount(compact: false) ?? 0
        var topics: [String] = []
        for _ in 0..<count { topics.append(try buffer.readKafkaString(compact: false)) }
        self.topics = topics
        self.userData = try buffer.readKafkaNullableBytes(compact: false)
    }
}
