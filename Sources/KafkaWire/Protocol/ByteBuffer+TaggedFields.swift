import NIOCore

// Tagged fields (KIP-482): every struct of a flexible version ends with an unsigned varint
// count, then per field an unsigned varint tag, an unsigned varint size and `size` bytes of
// data. Sizes let a reader skip tags it does not know, which is how fields are added without
// a new version.

extension ByteBuffer {
    /// Reads a tagged-field section, handing each field's bytes to `readField` as a separate
    /// slice. Whatever `readField` does not consume (a tag it does not know) is skipped.
    public mutating func readKafkaTaggedFields(
        _ readField: (_ tag: UInt32, _ field: inout ByteBuffer) throws -> Void
    ) throws {
        let count = try readUnsignedVarint()
        // Each field takes at least two bytes (tag and size), so a larger count is garbage.
        guard Int(count) <= readableBytes / 2 else {
            throw KafkaDecodingError("tagged field count \(count) exceeds the \(readableBytes) bytes left")
        }
        for _ in 0..<count {
            let tag = try readUnsignedVarint()
            let size = Int(try readUnsignedVarint())
            guard var field = readSlice(length: size) else {
                throw KafkaDecodingError.truncated("tagged field \(tag)", needed: size, available: readableBytes)
            }
            try readField(tag, &field)
        }
    }

    /// Writes the section of a struct that has no tagged field to send: a zero count.
    public mutating func writeEmptyKafkaTaggedFields() {
        writeUnsignedVarint(0)
    }

    /// Writes the tagged fields collected in `fields`, in the order they were appended
    /// (the generated code appends them in tag order, as the spec requires).
    public mutating func writeKafkaTaggedFields(_ fields: KafkaTaggedFieldsWriter) {
        writeUnsignedVarint(UInt32(fields.count))
        var encoded = fields.encoded
        writeBuffer(&encoded)
    }
}

/// Collects tagged fields before they are written, since the section starts with their count
/// and each field with its encoded size.
public struct KafkaTaggedFieldsWriter {
    @usableFromInline var count = 0
    @usableFromInline var encoded = ByteBuffer()

    public init() {}

    /// Adds one tagged field; `writeValue` encodes its value (always in the compact encoding).
    public mutating func append(tag: UInt32, _ writeValue: (inout ByteBuffer) -> Void) {
        var value = ByteBuffer()
        writeValue(&value)
        encoded.writeUnsignedVarint(tag)
        encoded.writeUnsignedVarint(UInt32(value.readableBytes))
        encoded.writeBuffer(&value)
        count += 1
    }
}
