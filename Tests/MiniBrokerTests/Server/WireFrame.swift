import KafkaWire
import NIOCore

/// Request frames as clients send them, and response frames cut out of what a connection
/// wrote, for tests that drive a connection byte for byte.
enum WireFrame {
    /// A request frame (size, header, body) as a client encodes it.
    static func request<Request: KafkaRequestMessage>(
        _ body: Request,
        version: Int16,
        correlationId: Int32
    ) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(0))
        let header = RequestHeader(
            requestApiKey: Request.apiKey.rawValue,
            requestApiVersion: version,
            correlationId: correlationId,
            clientId: "handler-test"
        )
        header.write(to: &buffer, version: Request.apiKey.requestHeaderVersion(for: version))
        body.write(to: &buffer, version: version)
        return sized(buffer)
    }

    /// A frame of a v1 request header (key, version, correlation id, client id) and `body`,
    /// whatever the API and version: for keys and versions no codec knows, and broken bodies.
    static func raw(apiKey: Int16, version: Int16, correlationId: Int32, body: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32(0))
        buffer.writeInteger(apiKey)
        buffer.writeInteger(version)
        buffer.writeInteger(correlationId)
        buffer.writeInteger(Int16(-1))  // null client id
        buffer.writeBytes(body)
        return sized(buffer)
    }

    /// A frame holding exactly `body`, however short.
    static func bare(_ body: [UInt8]) -> [UInt8] {
        withUnsafeBytes(of: Int32(body.count).bigEndian, Array.init) + body
    }

    /// The frames in `bytes` without their size fields; a partial frame at the end is left out.
    static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var buffer = ByteBuffer(bytes: bytes)
        var frames: [[UInt8]] = []
        while let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self),
            buffer.readableBytes >= 4 + Int(size)
        {
            buffer.moveReaderIndex(forwardBy: 4)
            frames.append(Array(buffer.readSlice(length: Int(size))!.readableBytesView))
        }
        return frames
    }

    /// The correlation id a response frame (without its size) opens with.
    static func correlationId(of response: [UInt8]) -> Int32? {
        ByteBuffer(bytes: response).getInteger(at: 0, as: Int32.self)
    }

    /// Decodes a response frame (without its size) of `Response` in `version`.
    static func decode<Response: KafkaResponseMessage>(
        _ response: [UInt8],
        as type: Response.Type,
        apiKey: ApiKey,
        version: Int16
    ) throws -> Response {
        var buffer = ByteBuffer(bytes: response)
        _ = try ResponseHeader(from: &buffer, version: apiKey.responseHeaderVersion(for: version))
        return try Response(from: &buffer, version: version)
    }

    private static func sized(_ buffer: ByteBuffer) -> [UInt8] {
        var buffer = buffer
        buffer.setInteger(Int32(buffer.readableBytes - 4), at: buffer.readerIndex)
        return Array(buffer.readableBytesView)
    }
}
