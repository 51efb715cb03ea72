import NIOCore

// Field-level helpers the generated codecs are written in: arrays with an element closure, and
// strings, bytes and arrays whose nullability depends on the API version (a field can be
// non-nullable in old versions and nullable in new ones, e.g. Metadata's topic name from v10).

extension ByteBuffer {
    // MARK: Arrays

    /// Reads a non-nullable ARRAY / COMPACT_ARRAY, decoding each element with `readElement`.
    @inlinable
    public mutating func readKafkaArray<Element>(
        compact: Bool,
        _ readElement: (inout ByteBuffer) throws -> Element
    ) throws -> [Element] {
        guard let elements = try readKafkaNullableArray(compact: compact, readElement) else {
            throw KafkaDecodingError("null where a non-nullable array was expected")
        }
        return elements
    }

    /// Reads a nullable ARRAY / COMPACT_ARRAY; nil for a null array.
    @inlinable
    public mutating func readKafkaNullableArray<Element>(
        compact: Bool,
        _ readElement: (inout ByteBuffer) throws -> Element
    ) throws -> [Element]? {
        // readKafkaArrayCount has already checked the count against the bytes left, so
        // reserving capacity for it cannot be abused.
        guard let count = try readKafkaArrayCount(compact: compact) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try readElement(&self))
        }
        return elements
    }

    /// Reads an array that may be null only if `nullable` (the field's nullableVersions).
    @inlinable
    public mutating func readKafkaArray<Element>(
        compact: Bool,
        nullable: Bool,
        _ readElement: (inout ByteBuffer) throws -> Element
    ) throws -> [Element]? {
        nullable
            ? try readKafkaNullableArray(compact: compact, readElement)
            : try readKafkaArray(compact: compact, readElement)
    }

    /// Writes a non-nullable array, encoding each element with `writeElement`.
    @inlinable
    public mutating func writeKafkaArray<Element>(
        _ elements: [Element],
        compact: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        writeKafkaArrayCount(elements.count, compact: compact)
        for element in elements {
            writeElement(&self, element)
        }
    }

    /// Writes a nullable array (nil as a null array).
    @inlinable
    public mutating func writeKafkaNullableArray<Element>(
        _ elements: [Element]?,
        compact: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        guard let elements else {
            writeKafkaArrayCount(nil, compact: compact)
            return
        }
        writeKafkaArray(elements, compact: compact, writeElement)
    }

    /// Writes an array that may be sent as null only if `nullable`; otherwise nil goes out as an
    /// empty array, the closest value the version can carry.
    @inlinable
    public mutating func writeKafkaArray<Element>(
        _ elements: [Element]?,
        compact: Bool,
        nullable: Bool,
        _ writeElement: (inout ByteBuffer, Element) -> Void
    ) {
        if nullable {
            writeKafkaNullableArray(elements, compact: compact, writeElement)
        } else {
            writeKafkaArray(elements ?? [], compact: compact, writeElement)
        }
    }

    // MARK: Strings and bytes whose nullability depends on the version

    /// Reads a string that may be null only if `nullable`.
    public mutating func readKafkaString(compact: Bool, nullable: Bool) throws -> String? {
        nullable ? try readKafkaNullableString(compact: compact) : try readKafkaString(compact: compact)
    }

    /// Writes a string that may be sent as null only if `nullable`; otherwise nil goes out empty.
    public mutating func writeKafkaString(_ value: String?, compact: Bool, nullable: Bool) {
        writeKafkaNullableString(nullable ? value : (value ?? ""), compact: compact)
    }

    /// Reads bytes that may be null only if `nullable`.
    public mutating func readKafkaBytes(compact: Bool, nullable: Bool) throws -> ByteBuffer? {
        nullable ? try readKafkaNullableBytes(compact: compact) : try readKafkaBytes(compact: compact)
    }

    /// Writes bytes that may be sent as null only if `nullable`; otherwise nil goes out empty.
    public mutating func writeKafkaBytes(_ value: ByteBuffer?, compact: Bool, nullable: Bool) {
        writeKafkaNullableBytes(nullable ? value : (value ?? ByteBuffer()), compact: compact)
    }
}
