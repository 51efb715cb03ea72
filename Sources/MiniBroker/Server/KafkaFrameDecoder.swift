import NIOCore

/// Cuts the byte stream of a Kafka connection into request frames.
///
/// Every Kafka request is an INT32 size followed by that many bytes. The decoder only cuts
/// frames; it knows nothing of headers or APIs. A negative size, or one above the socket
/// request limit (`socket.request.max.bytes`), is refused from the four size bytes alone,
/// before any buffer is reserved for the body, and the connection is closed: its framing
/// can no longer be trusted.
struct KafkaFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Largest frame body accepted.
    let maximumFrameSize: Int

    func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard size >= 0 else { throw FrameError.negativeSize(size) }
        guard Int(size) <= maximumFrameSize else {
            throw FrameError.tooLarge(size: Int(size), limit: maximumFrameSize)
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }

    func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }

    /// Why a connection's framing was refused.
    enum FrameError: Error, CustomStringConvertible {
        case negativeSize(Int32)
        case tooLarge(size: Int, limit: Int)

        var description: String {
            switch self {
            case .negativeSize(let size):
                return "request frame with negative size \(size)"
            case .tooLarge(let size, let limit):
                return "request frame of \(size) bytes exceeds socket.request.max.bytes (\(limit))"
            }
        }
    }
}
