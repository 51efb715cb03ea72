/// A request or response that does not follow the Kafka encoding.
///
/// Decoders throw it instead of trapping, so a broker can answer the client with an
/// error and keep the connection's other requests (and other connections) alive.
public struct KafkaDecodingError: Error, CustomStringConvertible, Sendable {
    /// What was wrong, in words a client author can act on.
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "malformed Kafka data: \(message)" }

    @usableFromInline
    static func truncated(_ what: String, needed: Int, available: Int) -> KafkaDecodingError {
        KafkaDecodingError("truncated \(what): needs \(needed) bytes, \(available) left")
    }
}
