/// Walks the records of an uncompressed records section over raw bytes, checking each
/// record's structure (lengths, varints, header count) without creating a buffer per field.
///
/// The broker validates every record of every produced batch; with small records (a 215-byte
/// order) that is millions of records per gigabyte, so this path avoids the reference
/// counting and bounds bookkeeping of `ByteBuffer` slices and reads the bytes directly.
struct RecordWalker {
    /// The fields of one record the broker looks at; `key` points into the walked bytes.
    struct Fields {
        var offsetDelta: Int32
        var key: UnsafeRawBufferPointer?
        var hasValue: Bool
    }

    private var reader: RawRecordReader

    init(_ bytes: UnsafeRawBufferPointer) {
        reader = RawRecordReader(bytes)
    }

    /// Whether bytes remain after the last record read.
    var hasMore: Bool { reader.hasMore }

    /// Checks the next record and returns its offset delta.
    mutating func nextRecord() throws -> Int32 {
        try nextFields().offsetDelta
    }

    /// Checks the next record and returns its offset delta, key and whether its value is set.
    mutating func nextFields() throws -> Fields {
        reader.limit = reader.bytes.count
        let length = try reader.readVarint()
        guard length >= 0, length <= reader.bytes.count - reader.position else {
            throw KafkaDecodingError("record length \(length) with \(reader.bytes.count - reader.position) bytes left")
        }
        reader.limit = reader.position + length
        guard reader.position < reader.limit else { throw KafkaDecodingError("empty record") }
        reader.position += 1  // attributes
        _ = try reader.readVarlong()  // timestamp delta
        let offsetDelta = try reader.readVarint()
        let key = try reader.readBytes()
        let value = try reader.readBytes()
        let headerCount = try reader.readVarint()
        guard headerCount >= 0, headerCount <= (reader.limit - reader.position) / 2 else {
            throw KafkaDecodingError(
                "record header count \(headerCount) impossible with \(reader.limit - reader.position) bytes left"
            )
        }
        for _ in 0..<headerCount {
            guard try reader.readBytes() != nil else { throw KafkaDecodingError("null record header key") }
            _ = try reader.readBytes()  // header value
        }
        guard reader.position == reader.limit else {
            throw KafkaDecodingError("record has \(reader.limit - reader.position) bytes beyond its last header")
        }
        return Fields(offsetDelta: Int32(offsetDelta), key: key, hasValue: value != nil)
    }
}
