/// Walks the records of an uncompressed records section over raw bytes, checking each
/// record's structure (lengths, varints, header count) without creating a buffer per field.
///
/// The broker validates every record of every produced batch; with small records (a 215-byte
/// order) that is millions of records per gigabyte, so this path avoids the reference
/// counting and bounds bookkeeping of `ByteBuffer` slices and reads the bytes directly.
struct RecordWalker {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// End of the record being read; no field may cross it.
    private var limit: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.limit = bytes.count
    }

    /// Whether bytes remain after the last record read.
    var hasMore: Bool { position < bytes.count }

    /// Checks the next record and returns its offset delta.
    mutating func nextRecord() throws -> Int32 {
        limit = bytes.count
        let length = try readVarint()
        guard length >= 0, Int(length) <= bytes.count - position else {
            throw KafkaDecodingError("record length \(length) with \(bytes.count - position) bytes left")
        }
        limit = position + Int(length)
        guard position < limit else { throw KafkaDecodingError("empty record") }
        position += 1  // attributes
        _ = try readVarlong()  // timestamp delta
        let offsetDelta = try readVarint()
        try skipBytes(nullable: true, "record key")
        try skipBytes(nullable: true, "record value")
        let headerCount = try readVarint()
        guard headerCount >= 0, Int(headerCount) <= (limit - position) / 2 else {
            throw KafkaDecodingError("record header count \(headerCount) impossible with \(limit - position) bytes left")
        }
        for _ in 0..<headerCount {
            try skipBytes(nullable: false, "record header key")
            try skipBytes(nullable: true, "record header value")
        }
        guard position == limit else {
            throw KafkaDecodingError("record has \(limit - position) bytes beyond its last header")
        }
        return offsetDelta
    }

    @inline(__always)
    private mutating func skipBytes(nullable: Bool, _ what: @autoclosure () -> String) throws {
        let length = try readVarint()
        if length == -1 && nullable { return }
        guard length >= 0 else { throw KafkaDecodingError("\(what()) length \(length)") }
        guard Int(length) <= limit - position else {
            throw KafkaDecodingError.truncated(what(), needed: Int(length), available: limit - position)
        }
        position += Int(length)
    }

    @inline(__always)
    private mutating func readVarint() throws -> Int32 {
        let value = try readVarlong()
        guard let narrow = Int32(exactly: value) else { throw KafkaDecodingError("varint \(value) exceeds 32 bits") }
        return narrow
    }

    /// Zig-zag varlong, at most 10 bytes, never past `limit`.
    @inline(__always)
    private mutating func readVarlong() throws -> Int64 {
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
            if byte & 0x80 == 0 { break }
            shift += 7
            guard shift < 64 else { throw KafkaDecodingError("varint longer than 10 bytes in a record") }
        }
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}
