/// Reads record fields (zig-zag varints, nullable byte strings) straight from raw bytes, so a
/// consumer can hand out each record's key and value without a buffer per field, and the
/// broker can check millions of records a second (`RecordWalker`).
struct RawRecordReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0
    /// End of the record being read; no field may cross it.
    var limit: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.limit = bytes.count
    }

    var hasMore: Bool { position < bytes.count }

    @inline(__always)
    mutating func readVarlong() throws -> Int64 {
        // Most record fields (lengths of small keys, deltas) fit one byte.
        if position < limit, bytes[position] < 0x80 {
            let raw = UInt64(bytes[position])
            position += 1
            return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }
        var raw: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < limit else { throw KafkaDecodingError("truncated varint in a record") }
            let byte = bytes[position]
            position += 1
            raw |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
            guard shift < 64 else { throw KafkaDecodingError("varint longer than 10 bytes in a record") }
        }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    @inline(__always)
    mutating func readVarint() throws -> Int {
        let value = try readVarlong()
        guard let narrow = Int32(exactly: value) else { throw KafkaDecodingError("varint \(value) exceeds 32 bits") }
        return Int(narrow)
    }

    /// A varint length then that many bytes; -1 means null.
    @inline(__always)
    mutating func readBytes() throws -> UnsafeRawBufferPointer? {
        let length = try readVarint()
        if length == -1 { return nil }
        guard length >= 0, length <= limit - position else {
            throw KafkaDecodingError("record field of \(length) bytes with \(limit - position) left")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        return slice
    }
}
