import KafkaWire

/// Why a transactional batch was refused before it reached the log.
struct TransactionalProduceError: Error, Sendable {
    var code: KafkaErrorCode
    /// What the producer did, following "producer N of 'id' ...".
    var reason: String

    init(_ code: KafkaErrorCode, _ reason: String) {
        self.code = code
        self.reason = reason
    }
}
