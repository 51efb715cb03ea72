/// Reads JSON straight from a record's bytes and checks it as it goes (RFC 8259: grammar,
/// string escapes, UTF-8), without allocating: strings and numbers come back as offsets into
/// the bytes, and unknown values of any type are skipped after being checked, nested ones
/// included, since a value is an order only if all of it is JSON.
///
/// It works on raw pointers rather than a buffer's subscript: the analyzer decodes millions
/// of ~200-byte records a second on one core, and every byte goes through here.
struct JSONScanner {
    /// First byte of the value; offsets are counted from here.
    let base: UnsafePointer<UInt8>
    /// One past the last byte.
    let end: UnsafePointer<UInt8>
    /// The next byte to read.
    var cursor: UnsafePointer<UInt8>

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = base + count
        self.cursor = base
    }

    /// Offset of the cursor in the value.
    var offset: Int { cursor - base }

    /// Whether every byte has been read.
    var isAtEnd: Bool { cursor == end }

    /// An error at the cursor.
    @inline(__always)
    func fail(_ problem: StaticString) -> JSONSyntaxError {
        JSONSyntaxError(problem: problem, offset: cursor - base)
    }

    /// Skips the four whitespace bytes JSON allows between tokens.
    @inline(__always)
    mutating func skipWhitespace() {
        while cursor < end {
            let byte = cursor.pointee
            // One comparison settles every byte of a token: all of them are above 0x20.
            guard byte <= 0x20, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            cursor += 1
        }
    }

    /// The byte at the cursor, which must exist.
    @inline(__always)
    func peek() throws(JSONSyntaxError) -> UInt8 {
        guard cursor < end else { throw fail("truncated value") }
        return cursor.pointee
    }

    /// Skips the byte at the cursor, which must be `byte`.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ problem: StaticString) throws(JSONSyntaxError) {
        guard cursor < end else { throw fail("truncated value") }
        guard cursor.pointee == byte else { throw fail(problem) }
        cursor += 1
    }

    // MARK: Strings

    /// Reads a string whose opening quote is at the cursor and returns the offsets of its
    /// content (between the quotes) and whether it has escapes.
    @inline(__always)
    mutating func scanString() throws(JSONSyntaxError) -> (start: Int, end: Int, escaped: Bool) {
        // A local position stays in a register; `cursor` is written back around the rare paths.
        var position = cursor + 1
        let start = position - base
        var escaped = false
        while true {
            // Eight bytes at a time up to the first one that needs a look: most strings are
            // plain ASCII, and the first flagged byte of a word is always a real one.
            while end - position >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(position).loadUnaligned(as: UInt64.self))
                let flags = Self.specialBytes(word)
                if flags != 0 {
                    position += flags.trailingZeroBitCount >> 3
                    break
                }
                position += 8
            }
            guard position < end else {
                cursor = position
                throw fail("unterminated string")
            }
            let byte = position.pointee
            if byte == UInt8(ascii: "\"") {
                cursor = position + 1
                return (start, position - base, escaped)
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                cursor = position
                try scanEscape()
                position = cursor
            } else if byte >= 0x80 {
                cursor = position
                try scanMultibyteCharacter()
                position = cursor
            } else if byte < 0x20 {
                cursor = position
                throw fail("control character in a string")
            } else {
                position += 1
            }
        }
    }

    /// The high bit of each byte of `word` that is a quote, a backslash, a control character
    /// or not ASCII, and possibly of bytes above such a one (the subtractions borrow upward),
    /// but never of a byte below the first real one, so the lowest flag is exact.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let quoteFound = (quotes &- ones) & ~quotes
        let backslashFound = (backslashes &- ones) & ~backslashes
        let controlFound = (word &- ones &* 0x20) & ~word
        return (quoteFound | backslashFound | controlFound | word) & highBits
    }

    /// Checks the escape at the cursor (a backslash) and skips it. A `\u` escape of a UTF-16
    /// high surrogate must be followed by one of a low surrogate: a lone surrogate has no
    /// UTF-8 form, so the string would not be Unicode text.
    private mutating func scanEscape() throws(JSONSyntaxError) {
        guard end - cursor >= 2 else { throw fail("truncated escape") }
        switch cursor[1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            cursor += 2
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: cursor + 2)
            if unit & 0xFC00 == 0xD800 {
                guard end - cursor >= 12, cursor[6] == UInt8(ascii: "\\"), cursor[7] == UInt8(ascii: "u") else {
                    throw fail("high surrogate escape without a low one")
                }
                guard try hexUnit(at: cursor + 8) & 0xFC00 == 0xDC00 else {
                    throw fail("high surrogate escape without a low one")
                }
                cursor += 12
            } else if unit & 0xFC00 == 0xDC00 {
                throw fail("low surrogate escape without a high one")
            } else {
                cursor += 6
            }
        default:
            throw fail("invalid escape")
        }
    }

    /// The UTF-16 code unit of the four hex digits at `digits`.
    private func hexUnit(at digits: UnsafePointer<UInt8>) throws(JSONSyntaxError) -> UInt32 {
        guard end - digits >= 4 else { throw fail("truncated \\u escape") }
        var unit: UInt32 = 0
        for index in 0..<4 {
            guard let value = JSONUnescaper.hexValue(digits[index]) else { throw fail("invalid \\u escape") }
            unit = unit << 4 | value
        }
        return unit
    }

    /// Checks the UTF-8 sequence whose lead byte (>= 0x80) is at the cursor and skips it:
    /// no stray continuation bytes, overlong forms, surrogates or code points past U+10FFFF.
    private mutating func scanMultibyteCharacter() throws(JSONSyntaxError) {
        let lead = cursor.pointee
        let available = end - cursor
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF:
            length = 2
        case 0xE0...0xEF:
            length = 3
            if lead == 0xE0 { secondLow = 0xA0 }  // overlong below U+0800
            if lead == 0xED { secondHigh = 0x9F }  // UTF-16 surrogates
        case 0xF0...0xF4:
            length = 4
            if lead == 0xF0 { secondLow = 0x90 }  // overlong below U+10000
            if lead == 0xF4 { secondHigh = 0x8F }  // past U+10FFFF
        default:
            throw fail("invalid UTF-8")
        }
        guard available >= length, cursor[1] >= secondLow, cursor[1] <= secondHigh else { throw fail("invalid UTF-8") }
        for index in 2..<length where cursor[index] & 0xC0 != 0x80 {
            throw fail("invalid UTF-8")
        }
        cursor += length
    }

    // MARK: Numbers and literals

    /// Reads a number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`) starting at the
    /// cursor. What follows it is the caller's to check, so `01` or `1x` fail there.
    @inline(__always)
    mutating func scanNumber() throws(JSONSyntaxError) -> JSONNumber {
        var number = JSONNumber()
        if cursor.pointee == UInt8(ascii: "-") {
            number.negative = true
            cursor += 1
        }
        number.integerStart = offset
        guard cursor < end else { throw fail("truncated number") }
        let first = cursor.pointee
        if first == UInt8(ascii: "0") {
            cursor += 1
        } else if Self.isDigit(first) {
            cursor += 1
            skipDigits()
        } else {
            throw fail("expected a digit")
        }
        number.integerCount = offset - number.integerStart
        if cursor < end, cursor.pointee == UInt8(ascii: ".") {
            cursor += 1
            number.fractionStart = offset
            skipDigits()
            number.fractionCount = offset - number.fractionStart
            guard number.fractionCount > 0 else { throw fail("expected a digit after the decimal point") }
        }
        if cursor < end, cursor.pointee | 0x20 == UInt8(ascii: "e") {
            number.hasExponent = true
            cursor += 1
            var negativeExponent = false
            if cursor < end, cursor.pointee == UInt8(ascii: "-") || cursor.pointee == UInt8(ascii: "+") {
                negativeExponent = cursor.pointee == UInt8(ascii: "-")
                cursor += 1
            }
            let digits = cursor
            var exponent = 0
            while cursor < end, Self.isDigit(cursor.pointee) {
                // Hundreds of exponent digits must neither overflow nor matter: clamp.
                if exponent < JSONNumber.exponentLimit { exponent = exponent * 10 + Int(cursor.pointee &- 0x30) }
                cursor += 1
            }
            guard cursor > digits else { throw fail("expected a digit in the exponent") }
            exponent = min(exponent, JSONNumber.exponentLimit)
            number.exponent = negativeExponent ? -exponent : exponent
        }
        return number
    }

    /// Checks and skips a number (see `scanNumber`).
    @inline(__always)
    mutating func skipNumber() throws(JSONSyntaxError) {
        _ = try scanNumber()  // inlined, so what is not used is not computed
    }

    @inline(__always)
    private mutating func skipDigits() {
        while cursor < end, Self.isDigit(cursor.pointee) { cursor += 1 }
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    /// Reads `true`, `false` or `null` at the cursor.
    mutating func scanLiteral() throws(JSONSyntaxError) -> JSONKind {
        switch cursor.pointee {
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .boolean
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .boolean
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        default:
            throw fail("unexpected byte")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard end - cursor >= count else { throw fail("truncated literal") }
        for index in 0..<count where cursor[index] != word.utf8Start[index] {
            throw fail("unexpected byte")
        }
        cursor += count
    }

    // MARK: Any value

    /// Checks and skips the value at the cursor, of any type, and returns its type. Nested
    /// objects and arrays are walked with an explicit stack of open brackets kept in
    /// `storage`, not by recursion, so no input can exhaust the thread's stack.
    mutating func skipValue(using storage: DecoderStorage) throws(JSONSyntaxError) -> JSONKind {
        switch try peek() {
        case UInt8(ascii: "{"):
            try skipContainer(using: storage)
            return .object
        case UInt8(ascii: "["):
            try skipContainer(using: storage)
            return .array
        default:
            return try skipScalar()
        }
    }

    /// Checks and skips a string, number or literal.
    @inline(__always)
    mutating func skipScalar() throws(JSONSyntaxError) -> JSONKind {
        let byte = try peek()
        if byte == UInt8(ascii: "\"") {
            _ = try scanString()
            return .string
        }
        if byte == UInt8(ascii: "-") || Self.isDigit(byte) {
            try skipNumber()
            return .number
        }
        return try scanLiteral()
    }

    /// Checks and skips the object or array whose opening bracket is at the cursor.
    private mutating func skipContainer(using storage: DecoderStorage) throws(JSONSyntaxError) {
        // The stack holds the opening brackets; each closing one is its opener + 2 in ASCII.
        storage.nesting[0] = cursor.pointee
        var depth = 1
        cursor += 1
        var mayClose = true  // right after an opening bracket, not after a comma
        while true {
            skipWhitespace()
            var byte = try peek()
            let opener = storage.nesting[depth - 1]
            if mayClose, byte == opener &+ 2 {
                cursor += 1
                depth -= 1
            } else {
                if opener == UInt8(ascii: "{") {
                    guard byte == UInt8(ascii: "\"") else { throw fail("expected a key") }
                    _ = try scanString()
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"), "expected ':' after a key")
                    skipWhitespace()
                    byte = try peek()
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    if depth == storage.nestingCapacity { storage.growNesting() }
                    storage.nesting[depth] = byte
                    depth += 1
                    cursor += 1
                    mayClose = true
                    continue
                }
                _ = try skipScalar()
            }
            // After a value or a closing bracket: a comma, or the end of the enclosing container.
            while depth > 0 {
                skipWhitespace()
                let next = try peek()
                if next == UInt8(ascii: ",") {
                    cursor += 1
                    break
                }
                guard next == storage.nesting[depth - 1] &+ 2 else { throw fail("expected ',' or a closing bracket") }
                cursor += 1
                depth -= 1
            }
            if depth == 0 { return }
            mayClose = false
        }
    }
}
