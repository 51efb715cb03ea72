import NIOCore

// The record layout of RecordBatch v2 (https://kafka.apache.org/documentation/#record):
// length varint, attributes i8, timestampDelta varlong, offsetDelta varint, key (varint
// length, -1 = null, then bytes), value (same), header count varint, then per header a key
// (varint length + UTF-8) and a value (varint length, -1 = null, + bytes). All varints here
// are zig-zag encoded. Every length is checked against the bytes left before it is used.

extension Record {
    /// Reads one record, including its length prefix.
    static func read(from buffer: inout ByteBuffer) throws -> Record {
        var body = try readBody(from: &buffer)
        let attributes = try body.readKafkaInteger(as: Int8.self)
        let timestampDelta = try body.readVarlong()
        let offsetDelta = try body.readVarint()
        let key = try readNullableBytes(from: &body, "record key")
        let value = try readNullableBytes(from: &body, "record value")
        let headerCount = try readCount(from: &body, "record header count")
        var headers: [RecordHeader] = []
        headers.reserveCapacity(headerCount)
        for _ in 0..<headerCount {
            guard var keyBytes = try readNullableBytes(from: &body, "record header key") else {
                throw KafkaDecodingError("null record header key")
            }
            let key = keyBytes.readString(length: keyBytes.readableBytes)!
            headers.append(RecordHeader(key: key, value: try readNullableBytes(from: &body, "record header value")))
        }
        try expectFullyRead(body)
        return Record(
            attributes: attributes, timestampDelta: timestampDelta, offsetDelta: offsetDelta,
            key: key, value: value, headers: headers)
    }

    /// Appends the record with its length prefix.
    func write(to buffer: inout ByteBuffer) {
        let size = bodySize
        buffer.reserveCapacity(minimumWritableBytes: size + Self.varintSize(Int64(size)))
        buffer.writeVarint(Int32(size))
        buffer.writeInteger(attributes)
        buffer.writeVarlong(timestampDelta)
        buffer.writeVarint(offsetDelta)
        Self.writeNullableBytes(key, to: &buffer)
        Self.writeNullableBytes(value, to: &buffer)
        buffer.writeVarint(Int32(headers.count))
        for header in headers {
            buffer.writeVarint(Int32(header.key.utf8.count))
            buffer.writeString(header.key)
            Self.writeNullableBytes(header.value, to: &buffer)
        }
    }

    /// Bytes after the length prefix.
    var bodySize: Int {
        var size = 1 + Self.varintSize(timestampDelta) + Self.varintSize(Int64(offsetDelta))
        size += Self.nullableBytesSize(key) + Self.nullableBytesSize(value)
        size += Self.varintSize(Int64(headers.count))
        for header in headers {
            let keyLength = header.key.utf8.count
            size += Self.varintSize(Int64(keyLength)) + keyLength + Self.nullableBytesSize(header.value)
        }
        return size
    }

    // MARK: Helpers

    private static func readBody(from buffer: inout ByteBuffer) throws -> ByteBuffer {
        let length = Int(try buffer.readVarint())
        guard length >= 0 else { throw KafkaDecodingError("negative record length \(length)") }
        guard let body = buffer.readSlice(length: length) else {
            throw KafkaDecodingError.truncated("record", needed: length, available: buffer.readableBytes)
        }
        return body
    }

    private static func readNullableBytes(from buffer: inout ByteBuffer, _ what: String) throws -> ByteBuffer? {
        let length = Int(try buffer.readVarint())
        if length == -1 { return nil }
        guard length >= 0 else { throw KafkaDecodingError("negative \(what) length \(length)") }
        guard let bytes = buffer.readSlice(length: length) else {
            throw KafkaDecodingError.truncated(what, needed: length, available: buffer.readableBytes)
        }
        return bytes
    }

    /// A count of elements that take at least two bytes each (key length + value length).
    private static func readCount(from buffer: inout ByteBuffer, _ what: String) throws -> Int {
        let count = Int(try buffer.readVarint())
        guard count >= 0, count <= buffer.readableBytes / 2 else {
            throw KafkaDecodingError("\(what) \(count) impossible with \(buffer.readableBytes) bytes left")
        }
        return count
    }

    private static func expectFullyRead(_ body: ByteBuffer) throws {
        guard body.readableBytes == 0 else {
            throw KafkaDecodingError("record has \(body.readableBytes) bytes beyond its last header")
        }
    }

    private static func writeNullableBytes(_ bytes: ByteBuffer?, to buffer: inout ByteBuffer) {
        guard var bytes else {
            buffer.writeVarint(-1)
            return
        }
        buffer.writeVarint(Int32(bytes.readableBytes))
        buffer.writeBuffer(&bytes)
    }

    private static func nullableBytesSize(_ bytes: ByteBuffer?) -> Int {
        guard let bytes else { return 1 }
        return varintSize(Int64(bytes.readableBytes)) + bytes.readableBytes
    }

    /// Size of a zig-zag varint or varlong.
    static func varintSize(_ value: Int64) -> Int {
        var zigZag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var size = 1
        while zigZag >= 0x80 {
            zigZag >>= 7
            size += 1
        }
        return size
    }
}
