import NIOCore

// Kafka's primitive types (https://kafka.apache.org/protocol#protocol_types) over NIO's
// ByteBuffer. Readers throw `KafkaDecodingError` on truncated or impossible input instead of
// trapping; lengths and counts are checked against the bytes actually present before any
// allocation, so a hostile length cannot make us reserve gigabytes.

extension ByteBuffer {
    // MARK: Fixed-width integers (big endian)

    /// Reads a big-endian integer or throws if the buffer is too short.
    @inlinable
    public mutating func readKafkaInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else {
            throw KafkaDecodingError.truncated("\(T.self)", needed: MemoryLayout<T>.size, available: readableBytes)
        }
        return value
    }

    @inlinable
    public mutating func writeKafkaInteger<T: FixedWidthInteger>(_ value: T) {
        writeInteger(value, endianness: .big)
    }

    public mutating func readKafkaBool() throws -> Bool {
        try readKafkaInteger(as: UInt8.self) != 0
    }

    public mutating func writeKafkaBool(_ value: Bool) {
        writeInteger(UInt8(value ? 1 : 0))
    }

    public mutating func readKafkaFloat64() throws -> Double {
        Double(bitPattern: try readKafkaInteger(as: UInt64.self))
    }

    public mutating func writeKafkaFloat64(_ value: Double) {
        writeInteger(value.bitPattern, endianness: .big)
    }

    public mutating func readKafkaUUID() throws -> KafkaUUID {
        let high = try readKafkaInteger(as: UInt64.self)
        let low = try readKafkaInteger(as: UInt64.self)
        return KafkaUUID(high: high, low: low)
    }

    public mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.high, endianness: .big)
        writeInteger(value.low, endianness: .big)
    }

    // MARK: Variable-length integers

    /// Unsigned LEB128 varint, at most 5 bytes (Kafka's UNSIGNED_VARINT).
    @inlinable
    public mutating func readUnsignedVarint() throws -> UInt32 {
        var result: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            guard let byte = readInteger(as: UInt8.self) else {
                throw KafkaDecodingError("truncated varint")
            }
            if shift == 28 && byte > 0x0F {
                throw KafkaDecodingError("varint longer than 5 bytes")
            }
            result |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inlinable
    public mutating func writeUnsignedVarint(_ value: UInt32) {
        var v = value
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeInteger(UInt8(v))
    }

    /// Unsigned LEB128 varlong, at most 10 bytes.
    @inlinable
    public mutating func readUnsignedVarlong() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = readInteger(as: UInt8.self) else {
                throw KafkaDecodingError("truncated varlong")
            }
            if shift == 63 && byte > 0x01 {
                throw KafkaDecodingError("varlong longer than 10 bytes")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inlinable
    public mutating func writeUnsignedVarlong(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writeInteger(UInt8(v))
    }

    /// Zig-zag signed varint (Kafka's VARINT, used inside record batches).
    @inlinable
    public mutating func readVarint() throws -> Int32 {
        let raw = try readUnsignedVarint()
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inlinable
    public mutating func writeVarint(_ value: Int32) {
        writeUnsignedVarint(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    /// Zig-zag signed varlong (Kafka's VARLONG).
    @inlinable
    public mutating func readVarlong() throws -> Int64 {
        let raw = try readUnsignedVarlong()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inlinable
    public mutating func writeVarlong(_ value: Int64) {
        writeUnsignedVarlong(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    // MARK: Lengths and counts

    /// Reads an INT16 string length (-1 = null) and checks the bytes are there.
    mutating func readClassicStringLength() throws -> Int? {
        let length = Int(try readKafkaInteger(as: Int16.self))
        if length == -1 { return nil }
        guard length >= 0 else { throw KafkaDecodingError("negative string length \(length)") }
        guard length <= readableBytes else {
            throw KafkaDecodingError.truncated("string", needed: length, available: readableBytes)
        }
        return length
    }

    /// Reads a compact length (unsigned varint N+1, 0 = null) and checks the bytes are there.
    mutating func readCompactLength(_ what: String) throws -> Int? {
        let raw = try readUnsignedVarint()
        if raw == 0 { return nil }
        let length = Int(raw - 1)
        guard length <= readableBytes else {
            throw KafkaDecodingError.truncated(what, needed: length, available: readableBytes)
        }
        return length
    }

    // MARK: Strings

    /// STRING / NULLABLE_STRING (INT16 length). Pass `compact: true` for COMPACT_ variants.
    public mutating func readKafkaNullableString(compact: Bool) throws -> String? {
        let length = compact ? try readCompactLength("compact string") : try readClassicStringLength()
        guard let length else { return nil }
        return readString(length: length)!
    }

    public mutating func readKafkaString(compact: Bool) throws -> String {
        guard let value = try readKafkaNullableString(compact: compact) else {
            throw KafkaDecodingError("null where a non-nullable string was expected")
        }
        return value
    }

    public mutating func writeKafkaNullableString(_ value: String?, compact: Bool) {
        guard let value else {
            if compact { writeUnsignedVarint(0) } else { writeInteger(Int16(-1), endianness: .big) }
            return
        }
        let length = value.utf8.count
        if compact {
            writeUnsignedVarint(UInt32(length + 1))
        } else {
            writeInteger(Int16(truncatingIfNeeded: length), endianness: .big)
        }
        writeString(value)
    }

    public mutating func writeKafkaString(_ value: String, compact: Bool) {
        writeKafkaNullableString(value, compact: compact)
    }

    // MARK: Bytes

    /// BYTES / NULLABLE_BYTES / RECORDS (INT32 length), or their compact forms.
    /// The returned buffer is a slice: no copy is made.
    public mutating func readKafkaNullableBytes(compact: Bool) throws -> ByteBuffer? {
        let length: Int
        if compact {
            guard let compactLength = try readCompactLength("compact bytes") else { return nil }
            length = compactLength
        } else {
            let raw = Int(try readKafkaInteger(as: Int32.self))
            if raw == -1 { return nil }
            guard raw >= 0 else { throw KafkaDecodingError("negative bytes length \(raw)") }
            guard raw <= readableBytes else {
                throw KafkaDecodingError.truncated("bytes", needed: raw, available: readableBytes)
            }
            length = raw
        }
        return readSlice(length: length)!
    }

    public mutating func readKafkaBytes(compact: Bool) throws -> ByteBuffer {
        guard let value = try readKafkaNullableBytes(compact: compact) else {
            throw KafkaDecodingError("null where non-nullable bytes were expected")
        }
        return value
    }

    public mutating func writeKafkaNullableBytes(_ value: ByteBuffer?, compact: Bool) {
        guard var value else {
            if compact { writeUnsignedVarint(0) } else { writeInteger(Int32(-1), endianness: .big) }
            return
        }
        if compact {
            writeUnsignedVarint(UInt32(value.readableBytes + 1))
        } else {
            writeInteger(Int32(value.readableBytes), endianness: .big)
        }
        writeBuffer(&value)
    }

    public mutating func writeKafkaBytes(_ value: ByteBuffer, compact: Bool) {
        writeKafkaNullableBytes(value, compact: compact)
    }

    // MARK: Arrays

    /// Reads an array count (INT32, or compact N+1); nil for a null array.
    ///
    /// Every element takes at least one byte on the wire, so a count larger than the bytes
    /// left is rejected here, before anyone reserves capacity for it.
    public mutating func readKafkaArrayCount(compact: Bool) throws -> Int? {
        let count: Int
        if compact {
            let raw = try readUnsignedVarint()
            if raw == 0 { return nil }
            count = Int(raw - 1)
        } else {
            let raw = Int(try readKafkaInteger(as: Int32.self))
            if raw == -1 { return nil }
            guard raw >= 0 else { throw KafkaDecodingError("negative array count \(raw)") }
            count = raw
        }
        guard count <= readableBytes else {
            throw KafkaDecodingError("array count \(count) exceeds the \(readableBytes) bytes left")
        }
        return count
    }

    public mutating func writeKafkaArrayCount(_ count: Int?, compact: Bool) {
        guard let count else {
            if compact { writeUnsignedVarint(0) } else { writeInteger(Int32(-1), endianness: .big) }
            return
        }
        if compact {
            writeUnsignedVarint(UInt32(count + 1))
        } else {
            writeInteger(Int32(count), endianness: .big)
        }
    }
}
