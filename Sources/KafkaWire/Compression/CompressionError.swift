/// A compression codec failed: the input was not valid for the codec, the output would
/// exceed the caller's limit, or the C library itself reported a failure.
///
/// Shaped as a struct with a `Code` (not an enum) so that new kinds of failure can be added
/// without breaking callers that switch over them.
public struct CompressionError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: Hashable, Sendable {
            case corruptInput, outputLimitExceeded, libraryFailure
        }
        private let kind: Kind

        /// The compressed bytes are not a valid stream for the codec (truncated, bad magic,
        /// checksum mismatch, trailing garbage...). A broker answers CORRUPT_MESSAGE.
        public static let corruptInput = Code(kind: .corruptInput)
        /// Decompressing would produce more bytes than the caller allowed: a decompression
        /// bomb, or a batch larger than the broker accepts.
        public static let outputLimitExceeded = Code(kind: .outputLimitExceeded)
        /// The C library failed for a reason unrelated to the input (out of memory...).
        public static let libraryFailure = Code(kind: .libraryFailure)

        public var description: String {
            switch kind {
            case .corruptInput: "corrupt input"
            case .outputLimitExceeded: "output limit exceeded"
            case .libraryFailure: "library failure"
            }
        }
    }

    /// The codec that failed.
    public let codec: CompressionCodec
    /// What kind of failure it was.
    public let code: Code
    /// Details, usually including the library's own error text.
    public let message: String

    public init(codec: CompressionCodec, code: Code, message: String) {
        self.codec = codec
        self.code = code
        self.message = message
    }

    public var description: String { "\(codec) \(code): \(message)" }

    static func corrupt(_ codec: CompressionCodec, _ message: String) -> CompressionError {
        CompressionError(codec: codec, code: .corruptInput, message: message)
    }

    static func limit(_ codec: CompressionCodec, _ limit: Int) -> CompressionError {
        CompressionError(
            codec: codec,
            code: .outputLimitExceeded,
            message: "decompressed data exceeds the limit of \(limit) bytes"
        )
    }

    static func library(_ codec: CompressionCodec, _ message: String) -> CompressionError {
        CompressionError(codec: codec, code: .libraryFailure, message: message)
    }
}
