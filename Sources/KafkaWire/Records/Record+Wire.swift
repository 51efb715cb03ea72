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
            attributes: attributes,
            timestampDelta: timestampDelta,
            offsetDelta: offsetDelta,
            key: key,
            value: value,
            headers: headers
        )
    }

    /// Appends the record with its length prefix.
    func write(to buffer: inout ByteBuffer) {
        Self.withOptionalBytes(key) { key in
            Self.withOptionalBytes(value) { value in
                _ = Self.write(
                    attributes: attributes,
                    timestampDelta: timestampDelta,
                    offsetDelta: offsetDelta,
                    key: key,
                    value: value,
                    headers: headers,
                    to: &buffer
                )
            }
        }
    }

    /// Bytes after the length prefix.
    var bodySize: Int {
        Self.bodySize(
            timestampDelta: timestampDelta,
            offsetDelta: offsetDelta,
            keyCount: key?.readableBytes,
            valueCount: value?.readableBytes,
            headers: headers
        )
    }

    /// Appends one record, length prefix included, from raw key and value bytes; returns the
    /// bytes written. The one record encoder: `write(to:)` and the producer's batches use it.
    static func write(
        attributes: Int8 = 0,
        timestampDelta: Int64,
        offsetDelta: Int32,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader],
        to buffer: inout ByteBuffer
    ) -> Int {
        let size = bodySize(
            timestampDelta: timestampDelta,
            offsetDelta: offsetDelta,
            keyCount: key?.count,
            valueCount: value?.count,
            headers: headers
        )
        let before = buffer.writerIndex
        buffer.reserveCapacity(minimumWritableBytes: size + varintSize(Int64(size)))
        buffer.writeVarint(Int32(size))
        buffer.writeInteger(attributes)
        buffer.writeVarlong(timestampDelta)
        buffer.writeVarint(offsetDelta)
        writeNullableBytes(key, to: &buffer)
        writeNullableBytes(value, to: &buffer)
        buffer.writeVarint(Int32(headers.count))
        for header in headers {
            buffer.writeVarint(Int32(header.key.utf8.count))
            buffer.writeString(header.key)
            withOptionalBytes(header.value) { writeNullableBytes($0, to: &buffer) }
        }
        return buffer.writerIndex - before
    }

    /// Bytes of a record body (after its length prefix) with these fields.
    static func bodySize(
        timestampDelta: Int64,
        offsetDelta: Int32,
        keyCount: Int?,
        valueCount: Int?,
        headers: [RecordHeader]
    ) -> Int {
        var size = 1 + varintSize(timestampDelta) + varintSize(Int64(offsetDelta))
        size += nullableBytesSize(keyCount) + nullableBytesSize(valueCount) + varintSize(Int64(headers.count))
        for header in headers {
            let keyLength = header.key.utf8.count
            size += varintSize(Int64(keyLength)) + keyLength + nullableBytesSize(header.value?.readableBytes)
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

    private static func writeNullableBytes(_ bytes: UnsafeRawBufferPointer?, to buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeVarint(-1)
            return
        }
        buffer.writeVarint(Int32(bytes.count))
        buffer.writeBytes(bytes)
    }

    private static func nullableBytesSize(_ count: Int?) -> Int {
        guard let count else { return 1 }
        return varintSize(Int64(count)) + count
    }

    private static func withOptionalBytes<Result>(
        _ bytes: ByteBuffer?,
        _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeReadableBytes { body($0) }
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
