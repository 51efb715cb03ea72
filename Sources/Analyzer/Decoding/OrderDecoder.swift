/// Decodes order records (one JSON object per record value) into `DecodedOrder`s, or says
/// why a record is malformed, following the analyzer's contract (Sources/Analyzer/README.md).
///
/// It reads the value's bytes directly and allocates nothing for a valid order: texts point
/// into the value (or into the decoder's scratch bytes when they have escapes), numbers are
/// converted exactly from their digits. One decoder serves one consumer loop; it is not for
/// sharing between threads, and a copy gets its own scratch bytes on its next `decode`.
public struct OrderDecoder {
    private var storage = DecoderStorage()

    /// A decoder; its scratch storage grows to the largest record with escapes it meets.
    public init() {}

    /// Decodes one record's value; a missing (nil) value is `invalid-json`.
    ///
    /// The texts of a decoded order are valid while `value`'s bytes are and until the next
    /// call. A malformed record gets the first reason of the contract's order that applies:
    /// the whole value is checked to be JSON first, then to be an object, then its fields'
    /// presence, types, timestamp, signs and ranges.
    public mutating func decode(_ value: UnsafeRawBufferPointer?) -> Result<DecodedOrder, MalformedOrder> {
        guard let value else {
            return .failure(MalformedOrder(reason: .invalidJSON, detail: "the record has no value"))
        }
        guard let start = value.baseAddress, value.count > 0 else {
            return .failure(MalformedOrder(reason: .invalidJSON, detail: "the value is empty"))
        }
        if !isKnownUniquelyReferenced(&storage) { storage = DecoderStorage() }
        let storage = self.storage
        storage.reset()
        let base = start.assumingMemoryBound(to: UInt8.self)
        do throws(JSONSyntaxError) {
            if let kind = try Self.scan(base, count: value.count, into: storage) {
                return .failure(
                    MalformedOrder(reason: .notAnObject, detail: "the value is \(kind.described), not an object")
                )
            }
        } catch {
            return .failure(MalformedOrder(reason: .invalidJSON, detail: error.detail))
        }
        return Self.check(base, count: value.count, storage: storage)
    }

    /// Checks that the whole value is JSON and records the order fields of its top-level
    /// object in `storage`'s slots. Returns nil for an object, or the type of another value.
    private static func scan(
        _ base: UnsafePointer<UInt8>,
        count: Int,
        into storage: DecoderStorage
    ) throws(JSONSyntaxError) -> JSONKind? {
        var scanner = JSONScanner(base: base, count: count)
        scanner.skipWhitespace()
        guard try scanner.peek() == UInt8(ascii: "{") else {
            let kind = try scanner.skipValue(using: storage)
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw scanner.fail("bytes after the value") }
            return kind
        }
        scanner.cursor += 1
        scanner.skipWhitespace()
        if try scanner.peek() == UInt8(ascii: "}") {
            scanner.cursor += 1
        } else {
            while true {
                guard try scanner.peek() == UInt8(ascii: "\"") else { throw scanner.fail("expected a key") }
                let key = try scanner.scanString()
                let field =
                    key.escaped
                    ? fieldNamed(
                        escapedKey: UnsafeRawBufferPointer(start: base + key.start, count: key.end - key.start),
                        recordSize: count,
                        storage: storage
                    )
                    : OrderField.named(base + key.start, count: key.end - key.start)
                scanner.skipWhitespace()
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after a key")
                scanner.skipWhitespace()
                if let field {
                    try scanFieldValue(&scanner, into: storage.slots + field.rawValue, storage: storage)
                } else {
                    _ = try scanner.skipValue(using: storage)
                }
                scanner.skipWhitespace()
                let next = try scanner.peek()
                if next == UInt8(ascii: ",") {
                    scanner.cursor += 1
                    scanner.skipWhitespace()
                } else if next == UInt8(ascii: "}") {
                    scanner.cursor += 1
                    break
                } else {
                    throw scanner.fail("expected ',' or '}'")
                }
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.fail("bytes after the object") }
        return nil
    }

    /// The field a key with escapes names (`"pr\u0069ce"` is `price`), matched on its
    /// unescaped bytes, which are given back to the scratch at once.
    private static func fieldNamed(
        escapedKey: UnsafeRawBufferPointer,
        recordSize: Int,
        storage: DecoderStorage
    ) -> OrderField? {
        let key = storage.unescape(escapedKey, recordSize: recordSize)
        defer { storage.release(key) }
        guard let start = key.baseAddress else { return nil }
        return OrderField.named(start, count: key.count)
    }

    /// Reads the value of an order field into its slot: where a string or number is, or just
    /// the type of anything else (checked and skipped), for the checks after the scan.
    @inline(__always)
    private static func scanFieldValue(
        _ scanner: inout JSONScanner,
        into slot: UnsafeMutablePointer<FieldSlot>,
        storage: DecoderStorage
    ) throws(JSONSyntaxError) {
        let byte = try scanner.peek()
        if byte == UInt8(ascii: "\"") {
            let string = try scanner.scanString()
            slot.pointee = FieldSlot(kind: .string, escaped: string.escaped, start: string.start, end: string.end)
        } else if byte == UInt8(ascii: "-") || JSONScanner.isDigit(byte) {
            let start = scanner.offset
            try scanner.skipNumber()
            slot.pointee = FieldSlot(kind: .number, escaped: false, start: start, end: scanner.offset)
        } else {
            slot.pointee = FieldSlot(kind: try scanner.skipValue(using: storage), escaped: false, start: 0, end: 0)
        }
    }
}
