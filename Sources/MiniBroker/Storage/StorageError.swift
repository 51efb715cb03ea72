import KafkaWire

/// A failure of the partition logs, with the Kafka error code a response should carry.
///
/// A struct with a code rather than an enum, so new cases can be added without breaking
/// callers that switch over them.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is, and the Kafka error code it maps to.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        /// The error code to put in a Kafka response for this failure.
        public let kafkaErrorCode: KafkaErrorCode

        /// The offset is below the log start offset or beyond the log end offset (OFFSET_OUT_OF_RANGE).
        public static let offsetOutOfRange = Code(name: "offset out of range", kafkaErrorCode: .offsetOutOfRange)
        /// The bytes given to append are not one whole RecordBatch v2 (CORRUPT_MESSAGE).
        public static let corruptBatch = Code(name: "corrupt batch", kafkaErrorCode: .corruptMessage)
        /// An idempotent producer skipped or repeated sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER).
        public static let outOfOrderSequenceNumber = Code(
            name: "out of order sequence number",
            kafkaErrorCode: .outOfOrderSequenceNumber
        )
        /// An idempotent producer wrote with an epoch older than the one already seen (INVALID_PRODUCER_EPOCH).
        public static let invalidProducerEpoch = Code(
            name: "invalid producer epoch",
            kafkaErrorCode: .invalidProducerEpoch
        )
        /// A non-transactional batch of a producer whose transaction is open (INVALID_TXN_STATE).
        public static let invalidTxnState = Code(name: "invalid transaction state", kafkaErrorCode: .invalidTxnState)
        /// A transaction marker of a coordinator older than the one of the producer's last marker
        /// (TRANSACTION_COORDINATOR_FENCED).
        public static let transactionCoordinatorFenced = Code(
            name: "transaction coordinator fenced",
            kafkaErrorCode: .transactionCoordinatorFenced
        )
        /// A batch the log does not take from a producer, e.g. a control batch: markers are
        /// written by the broker itself (INVALID_RECORD).
        public static let invalidRecord = Code(name: "invalid record", kafkaErrorCode: .invalidRecord)
        /// The disk is too full to take the append (KAFKA_STORAGE_ERROR, which producers retry);
        /// the message says what is free and what to do.
        public static let diskFull = Code(name: "disk full", kafkaErrorCode: .kafkaStorageError)
        /// A file operation failed, or the log is closed (KAFKA_STORAGE_ERROR).
        public static let fileSystem = Code(name: "file system", kafkaErrorCode: .kafkaStorageError)

        public var description: String { name }
    }

    public let code: Code
    /// What went wrong, with the file or offset concerned.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The error code to put in a Kafka response.
    public var kafkaErrorCode: KafkaErrorCode { code.kafkaErrorCode }

    public var description: String { "\(code): \(message)" }
}
