import NIOCore

/// Cuts the byte stream of a Kafka connection into frames, in either direction.
///
/// Every Kafka request and response is an INT32 size followed by that many bytes. The decoder
/// only cuts frames; it knows nothing of headers or APIs (the broker's request handler and the
/// client's pending-request table read those). A negative size, or one above
/// `maximumFrameSize` (the broker's `socket.request.max.bytes`, the client's response limit),
/// is refused from the four size bytes alone, before any buffer is reserved for the body, and
/// the connection is closed: its framing can no longer be trusted.
public struct KafkaFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// Largest frame body accepted.
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int) {
        self.maximumFrameSize = maximumFrameSize
    }

    public func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let size = try frameSize(in: buffer), buffer.readableBytes >= 4 + size else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: size)
    }

    /// The body size announced by the frame starting at `buffer`'s reader index, checked
    /// against the limits; nil until its four size bytes are there. Readers that assemble
    /// frames themselves (the broker's, which reserves memory before reading a body) use it.
    public func frameSize(in buffer: ByteBuffer) throws -> Int? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard size >= 0 else { throw FrameError.negativeSize(size) }
        guard Int(size) <= maximumFrameSize else {
            throw FrameError.tooLarge(size: Int(size), limit: maximumFrameSize)
        }
        return Int(size)
    }

    public func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }

    /// Why a connection's framing was refused.
    public enum FrameError: Error, CustomStringConvertible {
        case negativeSize(Int32)
        case tooLarge(size: Int, limit: Int)

        public var description: String {
            switch self {
            case .negativeSize(let size):
                return "frame with negative size \(size)"
            case .tooLarge(let size, let limit):
                return "frame of \(size) bytes exceeds the limit of \(limit) bytes"
            }
        }
    }
}
