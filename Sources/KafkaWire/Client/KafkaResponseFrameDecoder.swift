import NIOCore

/// Cuts the byte stream from a broker into response frames.
///
/// Every Kafka response is an INT32 size followed by that many bytes, the first four of which
/// are the correlation id. This decoder only cuts frames; matching them to requests is done by
/// `PendingRequests`. A negative size or one above `maximumFrameSize` means the stream can no
/// longer be trusted, so the connection is closed.
struct KafkaResponseFrameDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    /// Largest response body accepted.
    let maximumFrameSize: Int

    func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard size >= 4, Int(size) <= maximumFrameSize else {
            throw KafkaClientError(.protocolViolation, "broker sent a response frame of \(size) bytes (limit \(maximumFrameSize)); closing the connection")
        }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }

    func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        try decode(buffer: &buffer)
    }
}
