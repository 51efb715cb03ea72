import NIOCore

/// The compression codecs of Kafka record batches, as numbered in attribute bits 0-2 of a
/// RecordBatch v2 header (https://kafka.apache.org/documentation/#recordbatch).
///
/// Each codec writes what the Java client writes, so that every Kafka client can read our
/// batches, and reads what any client writes (see the per-codec files for the quirks).
public enum CompressionCodec: Int8, CaseIterable, Sendable, CustomStringConvertible {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4

    /// Mask of the codec bits in a batch's attributes.
    public static let attributeMask: Int16 = 0x07

    /// The codec named by attribute bits 0-2, or nil for the unassigned values 5-7.
    public init?(attributes: Int16) {
        self.init(rawValue: Int8(attributes & Self.attributeMask))
    }

    /// The codec Kafka calls `name` in `compression.type` (`none`, `gzip`, `snappy`, `lz4`,
    /// `zstd`); nil for other names.
    public init?(name: String) {
        guard let codec = Self.allCases.first(where: { $0.description == name }) else { return nil }
        self = codec
    }

    /// The name Kafka uses in `compression.type`.
    public var description: String {
        switch self {
        case .none: "none"
        case .gzip: "gzip"
        case .snappy: "snappy"
        case .lz4: "lz4"
        case .zstd: "zstd"
        }
    }

    /// Compresses the readable bytes of `input` into a new buffer. `.none` returns `input`.
    public func compress(_ input: ByteBuffer) throws -> ByteBuffer {
        if self == .none { return input }
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try compress(input, appendingTo: &output)
        return output
    }

    /// Compresses the readable bytes of `input` and appends the result to `output`, so a
    /// caller can compress straight behind a header it already wrote.
    public func compress(_ input: ByteBuffer, appendingTo output: inout ByteBuffer) throws {
        try input.withUnsafeReadableBytes { source in
            switch self {
            case .none: output.writeBytes(source)
            case .gzip: try GzipCompression.compress(source, appendingTo: &output)
            case .snappy: try SnappyCompression.compress(source, appendingTo: &output)
            case .lz4: try LZ4FrameCompression.compress(source, appendingTo: &output)
            case .zstd: try ZstdCompression.compress(source, appendingTo: &output)
            }
        }
    }

    /// The most bytes `compress` can produce for `size` input bytes, so a caller can size
    /// its output buffer once.
    public func compressedSizeBound(_ size: Int) -> Int {
        switch self {
        case .none: size
        case .gzip: GzipCompression.compressedSizeBound(size)
        case .snappy: SnappyCompression.compressedSizeBound(size)
        case .lz4: LZ4FrameCompression.compressedSizeBound(size)
        case .zstd: ZstdCompression.compressedSizeBound(size)
        }
    }

    /// Decompresses the readable bytes of `input`.
    ///
    /// - Parameter limit: the most bytes the output may hold; a stream that would produce
    ///   more throws `CompressionError` with code `.outputLimitExceeded` as soon as it passes
    ///   the limit, having allocated at most about `limit` bytes of output.
    /// - Throws: `CompressionError`. `.none` only checks the limit and returns `input`.
    public func decompress(_ input: ByteBuffer, limit: Int) throws -> ByteBuffer {
        if self == .none {
            guard input.readableBytes <= limit else { throw CompressionError.limit(self, limit) }
            return input
        }
        var output = ByteBufferAllocator().buffer(capacity: 0)
        try decompress(input, limit: limit, into: &output)
        return output
    }

    /// Decompresses the readable bytes of `input` and appends them to `output`, whose
    /// readable bytes count toward `limit`. On error `output` holds what was decompressed so
    /// far, which shows how much memory the attempt took.
    public func decompress(_ input: ByteBuffer, limit: Int, into output: inout ByteBuffer) throws {
        let limit = max(0, limit)
        try input.withUnsafeReadableBytes { source in
            switch self {
            case .none:
                guard output.readableBytes + source.count <= limit else { throw CompressionError.limit(self, limit) }
                output.writeBytes(source)
            case .gzip: try GzipCompression.decompress(source, limit: limit, into: &output)
            case .snappy: try SnappyCompression.decompress(source, limit: limit, into: &output)
            case .lz4: try LZ4FrameCompression.decompress(source, limit: limit, into: &output)
            case .zstd: try ZstdCompression.decompress(source, limit: limit, into: &output)
            }
        }
    }
}
