import NIOCore

/// A Kafka request body that can be read from and written to the wire.
///
/// The generated codecs in `Generated/` conform to it; the broker dispatches on `apiKey` from
/// the request header and decodes the body with the header's API version.
public protocol KafkaRequestMessage: Sendable {
    /// The API this request belongs to.
    static var apiKey: ApiKey { get }

    /// Decodes the body as Kafka encodes it in `version`.
    ///
    /// - Throws: `KafkaDecodingError` for truncated or malformed input, or a version the codec
    ///   does not cover.
    init(from buffer: inout ByteBuffer, version: Int16) throws

    /// Encodes the body as Kafka expects it in `version`.
    func write(to buffer: inout ByteBuffer, version: Int16)
}

/// A Kafka response body that can be read from and written to the wire.
public protocol KafkaResponseMessage: Sendable {
    /// The API this response answers.
    static var apiKey: ApiKey { get }

    /// Decodes the body as Kafka encodes it in `version`.
    ///
    /// - Throws: `KafkaDecodingError` for truncated or malformed input, or a version the codec
    ///   does not cover.
    init(from buffer: inout ByteBuffer, version: Int16) throws

    /// Encodes the body as Kafka expects it in `version`.
    func write(to buffer: inout ByteBuffer, version: Int16)

    /// Calls `body` with every non-zero error code the response carries (top level, per
    /// topic, per partition, per member) and the error message beside it, if any.
    func forEachError(_ body: (_ code: Int16, _ message: String?) -> Void)
}
