/// A record batch that cannot be accepted, with the reason.
///
/// Bytes that do not even parse as records throw `KafkaDecodingError` instead, and codec
/// failures `CompressionError`. A broker answers CORRUPT_MESSAGE (2) for a `crcMismatch` or
/// `truncated` batch, UNSUPPORTED_COMPRESSION_TYPE (76) for `unsupportedCompression`, and
/// INVALID_RECORD (87) for `invalidRecords`.
public struct RecordBatchError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of problem; a struct so that kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case truncated, invalidBatchLength, unsupportedMagic, crcMismatch
            case unsupportedCompression, alreadyCompressed, invalidRecords
        }
        private let kind: Kind

        /// Fewer bytes than the header (or its `batchLength`) announces: a partial write at
        /// the tail of a segment, or a cut request.
        public static let truncated = Code(kind: .truncated)
        /// `batchLength` is smaller than the rest of the header.
        public static let invalidBatchLength = Code(kind: .invalidBatchLength)
        /// Magic is not 2 (message sets v0/v1 are not supported).
        public static let unsupportedMagic = Code(kind: .unsupportedMagic)
        /// The CRC-32C does not match the bytes.
        public static let crcMismatch = Code(kind: .crcMismatch)
        /// Attribute bits 0-2 name no known codec (5-7).
        public static let unsupportedCompression = Code(kind: .unsupportedCompression)
        /// `recompress` was given a batch that is already compressed.
        public static let alreadyCompressed = Code(kind: .alreadyCompressed)
        /// The records disagree with the header (count, offset deltas).
        public static let invalidRecords = Code(kind: .invalidRecords)

        public var description: String {
            switch kind {
            case .truncated: "truncated batch"
            case .invalidBatchLength: "invalid batch length"
            case .unsupportedMagic: "unsupported magic"
            case .crcMismatch: "CRC mismatch"
            case .unsupportedCompression: "unsupported compression"
            case .alreadyCompressed: "already compressed"
            case .invalidRecords: "invalid records"
            }
        }
    }

    public let code: Code
    /// Details for the log and the client.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "record batch \(code): \(message)" }
}
