import KafkaWire
import NIOCore

/// Builds the bytes of a response: INT32 size, response header, body.
enum ResponseFrame {
    /// Encodes `response` for the request described by `context`, header version included.
    static func encode<Response: KafkaResponseMessage>(
        _ response: Response,
        for context: RequestContext,
        allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 256)
        writeHeader(for: context, to: &buffer)
        response.write(to: &buffer, version: context.apiVersion)
        setSize(of: &buffer)
        return buffer
    }

    /// The frame of `response` with the error codes it carries.
    static func bytes<Response: KafkaResponseMessage>(
        of response: Response,
        for context: RequestContext,
        allocator: ByteBufferAllocator
    ) -> ResponseBytes {
        ResponseBytes(encode(response, for: context, allocator: allocator), errors: KafkaResponseErrors(of: response))
    }

    /// A response whose body is only an INT16 error code: what we can say about a request
    /// whose API key or version we do not know (so no body layout can be trusted). Clients
    /// match it by correlation id and read the error from the first body bytes.
    static func bareError(_ code: KafkaErrorCode, correlationID: Int32, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 10)
        buffer.writeInteger(Int32(6))
        buffer.writeInteger(correlationID)
        buffer.writeInteger(code.rawValue)
        return buffer
    }

    /// Writes the size field and response header that open every frame; returns where the
    /// size goes, for responses assembled in parts (Fetch).
    static func writeHeader(for context: RequestContext, to buffer: inout ByteBuffer) {
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(context.correlationID)
        if context.apiKey.responseHeaderVersion(for: context.apiVersion) >= 1 {
            buffer.writeUnsignedVarint(0)  // no tagged fields in the header
        }
    }

    private static func setSize(of buffer: inout ByteBuffer) {
        buffer.setInteger(Int32(buffer.writerIndex - buffer.readerIndex - 4), at: buffer.readerIndex)
    }
}
