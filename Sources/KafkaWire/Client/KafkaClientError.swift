/// An error of the Kafka client: what went wrong, the Kafka error code when a broker sent one,
/// and what the caller can do about it.
///
/// A struct with an open set of codes rather than an enum, so that new kinds of failure can be
/// added without breaking callers that switch over them.
public struct KafkaClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No broker could be reached (connection refused, unknown host, timeout).
        public static let brokerUnreachable = Code("brokerUnreachable")
        /// The connection closed while a request was waiting for its response.
        public static let connectionClosed = Code("connectionClosed")
        /// A request got no response within the request timeout.
        public static let requestTimedOut = Code("requestTimedOut")
        /// The broker answered with a Kafka error code (see `kafkaErrorCode`).
        public static let brokerError = Code("brokerError")
        /// The broker and this client share no version of an API the client needs.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// A response could not be decoded or did not match its request.
        public static let protocolViolation = Code("protocolViolation")
        /// Topic or partition metadata could not be obtained.
        public static let metadataUnavailable = Code("metadataUnavailable")
        /// Records were not delivered (see the message and `kafkaErrorCode`).
        public static let deliveryFailed = Code("deliveryFailed")
        /// The producer was closed before the call.
        public static let producerClosed = Code("producerClosed")
        /// A setting or argument is not valid.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The broker refused the SASL login, or the TLS handshake failed.
        public static let authenticationFailed = Code("authenticationFailed")

        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// The error code the broker sent, when the failure came from one.
    public var kafkaErrorCode: KafkaErrorCode?
    /// What happened, with context (broker address, topic, partition) and what to do.
    public var message: String

    /// Creates an error; `message` should name the context and what to do.
    public init(_ code: Code, kafkaErrorCode: KafkaErrorCode? = nil, _ message: String) {
        self.code = code
        self.kafkaErrorCode = kafkaErrorCode
        self.message = message
    }

    public var description: String {
        if let kafkaErrorCode { return "\(message) [\(kafkaErrorCode)]" }
        return message
    }

    /// Whether trying again cannot help until the settings change: a refused login, a
    /// certificate not trusted, TLS settings that cannot be used.
    public var needsOtherSettings: Bool {
        code == .authenticationFailed || code == .invalidConfiguration || kafkaErrorCode == .saslAuthenticationFailed
    }

    /// A broker's error code for `context`, with Kafka's explanation of the code when it has one.
    public static func broker(_ code: KafkaErrorCode, _ context: String) -> KafkaClientError {
        let explanation = code.defaultMessage.map { ": \($0)" } ?? ""
        return KafkaClientError(.brokerError, kafkaErrorCode: code, "\(context) failed with \(code.name)\(explanation)")
    }
}
