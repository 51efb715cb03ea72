/// Reads the subset of TOML 1.0 that classroom lab files use, following the specification for
/// each construct it accepts:
///
/// - comments (`#` to the end of the line), blank lines, LF and CRLF line ends;
/// - `key = value` pairs with bare keys (`A-Za-z0-9_-`) or quoted keys (`"a.b"`, `'a.b'`);
/// - basic strings with the TOML escapes, literal strings, multi-line basic strings (`"""`),
///   decimal integers (`+`/`-`, `_` between digits), `true` and `false`, arrays (across lines,
///   with comments and a trailing comma) and inline tables (`{ key = value, ... }`);
/// - `[name]` table headers and `[[name]]` array-of-tables headers with one bare or quoted name.
///
/// Everything else TOML has (dotted keys and names, floats, dates and times, hexadecimal, octal
/// and binary integers, multi-line literal strings) is an error naming what is not supported,
/// so a lab file never means something other than what its author thinks.
public enum TOMLDocument {
    /// The top-level table of `text`. `[name]` headers become `.table` values under `name` and
    /// `[[name]]` headers an `.array` of `.table`s under `name`, one per header, in order.
    /// Throws the first problem found, with its line.
    public static func parse(_ text: String) throws(TOMLError) -> [String: TOMLValue] {
        var parser = Parser(text)
        return try parser.document()
    }
}

extension TOMLDocument {
    /// Walks the document's UTF-8 bytes once, keeping the line number for errors. Every
    /// delimiter TOML has is ASCII, so the bytes between two delimiters are whole characters.
    fileprivate struct Parser {
        /// The bytes the document is made of.
        let bytes: [UInt8]
        /// The next byte to read.
        var position = 0
        /// The 1-based line of `position`.
        var line = 1
        /// The section that `key = value` lines go into now.
        var section = Section.root
        /// The keys of `section` read so far, and the line of each, to report repeats.
        var keys: [String: TOMLValue] = [:]
        var keyLines: [String: Int] = [:]
        /// The finished sections: keys before the first header, `[name]` tables, `[[name]]` arrays.
        var rootKeys: [String: TOMLValue] = [:]
        var tables: [String: [String: TOMLValue]] = [:]
        var tableArrays: [String: [[String: TOMLValue]]] = [:]
        /// What made each top-level name, so a later header that clashes can say with what.
        var origins: [String: Origin] = [:]

        init(_ text: String) {
            bytes = Array(text.utf8)
            // Editors on Windows may start a file with a byte order mark; it is not content.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        }

        /// Where `key = value` lines go: before any header, or after a `[name]` or `[[name]]`.
        enum Section {
            case root
            case table(String)
            case arrayOfTables(String)
        }

        /// The line and kind of definition that first used a top-level name.
        struct Origin {
            enum Kind {
                case key
                case table
                case arrayOfTables
            }

            var kind: Kind
            var line: Int
        }

        /// The ASCII bytes that TOML's syntax is made of.
        enum ASCII {
            static let tab = UInt8(ascii: "\t")
            static let lineFeed = UInt8(ascii: "\n")
            static let carriageReturn = UInt8(ascii: "\r")
            static let space = UInt8(ascii: " ")
            static let quote = UInt8(ascii: "\"")
            static let hash = UInt8(ascii: "#")
            static let apostrophe = UInt8(ascii: "'")
            static let comma = UInt8(ascii: ",")
            static let dot = UInt8(ascii: ".")
            static let equals = UInt8(ascii: "=")
            static let openBracket = UInt8(ascii: "[")
            static let backslash = UInt8(ascii: "\\")
            static let closeBracket = UInt8(ascii: "]")
            static let openBrace = UInt8(ascii: "{")
            static let closeBrace = UInt8(ascii: "}")
        }
    }
}

// MARK: - Document structure

extension TOMLDocument.Parser {
    /// Reads every line, then puts the sections together.
    mutating func document() throws(TOMLError) -> [String: TOMLValue] {
        while let byte = peek {
            switch byte {
            case ASCII.space, ASCII.tab: position += 1
            case ASCII.lineFeed, ASCII.carriageReturn: try consumeNewline()
            case ASCII.hash: try skipComment()
            case ASCII.openBracket: try header()
            default: try keyValueLine()
            }
        }
        closeSection()
        var result = rootKeys
        for (name, table) in tables { result[name] = .table(table) }
        for (name, array) in tableArrays { result[name] = .array(array.map { .table($0) }) }
        return result
    }

    /// A `key = value` line of the current section.
    mutating func keyValueLine() throws(TOMLError) {
        let keyLine = line
        let (key, value) = try keyValuePair()
        guard keys[key] == nil else {
            throw TOMLError(line: keyLine, message: "key \(quoted(key)) is set twice\(sectionSuffix)")
        }
        keys[key] = value
        keyLines[key] = keyLine
        try expectLineEnd(after: "the value of \(quoted(key))")
    }

    /// ` in [name]` or ` in [[name]]` for messages about keys, empty at the top level.
    var sectionSuffix: String {
        switch section {
        case .root: ""
        case .table(let name): " in [\(headerName(name))]"
        case .arrayOfTables(let name): " in [[\(headerName(name))]]"
        }
    }

    /// A `[name]` or `[[name]]` line: closes the section before it and opens a new one.
    mutating func header() throws(TOMLError) {
        let headerLine = line
        let isArray = next(is: ASCII.openBracket)
        position += isArray ? 2 : 1
        skipWhitespace()
        if peek == ASCII.closeBracket {
            throw TOMLError(line: line, message: "a table header needs a name between the brackets")
        }
        let name = try key(noun: "table name")
        let closing: [UInt8] = isArray ? [ASCII.closeBracket, ASCII.closeBracket] : [ASCII.closeBracket]
        guard bytes[position...].starts(with: closing) else {
            let expected = isArray ? "]]" : "]"
            throw TOMLError(
                line: line,
                message: "the table header for \(quoted(name)) is not closed; it needs \(expected), found \(found())"
            )
        }
        position += closing.count
        closeSection()
        if isArray {
            try openArrayOfTables(name, line: headerLine)
        } else {
            try openTable(name, line: headerLine)
        }
        try expectLineEnd(after: isArray ? "[[\(headerName(name))]]" : "[\(headerName(name))]")
    }

    /// Starts `[name]`, which TOML lets a document define only once.
    mutating func openTable(_ name: String, line headerLine: Int) throws(TOMLError) {
        if let origin = origins[name] {
            let header = "[\(headerName(name))]"
            let message =
                switch origin.kind {
                case .table: "table \(header) is defined twice (first on line \(origin.line))"
                case .key: "table \(header) clashes with the key \(quoted(name)) set on line \(origin.line)"
                case .arrayOfTables:
                    "table \(header) clashes with the array of tables [[\(headerName(name))]] on line \(origin.line)"
                }
            throw TOMLError(line: headerLine, message: message)
        }
        origins[name] = Origin(kind: .table, line: headerLine)
        section = .table(name)
    }

    /// Starts one more table of `[[name]]`. TOML forbids adding to an array set by `name = [...]`
    /// as much as to any other value, since that array was complete where it was written.
    mutating func openArrayOfTables(_ name: String, line headerLine: Int) throws(TOMLError) {
        if let origin = origins[name], origin.kind != .arrayOfTables {
            let header = "[[\(headerName(name))]]"
            let message =
                switch origin.kind {
                case .key: "array of tables \(header) clashes with the key \(quoted(name)) set on line \(origin.line)"
                default: "array of tables \(header) clashes with the table [\(headerName(name))] on line \(origin.line)"
                }
            throw TOMLError(line: headerLine, message: message)
        }
        if origins[name] == nil { origins[name] = Origin(kind: .arrayOfTables, line: headerLine) }
        section = .arrayOfTables(name)
    }

    /// Files the keys read since the last header where they belong.
    mutating func closeSection() {
        switch section {
        case .root:
            rootKeys = keys
            for (key, keyLine) in keyLines { origins[key] = Origin(kind: .key, line: keyLine) }
        case .table(let name):
            tables[name] = keys
        case .arrayOfTables(let name):
            tableArrays[name, default: []].append(keys)
        }
        keys = [:]
        keyLines = [:]
    }

    /// After a value or a header only blanks and a comment may follow on the line.
    mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipWhitespace()
        if peek == ASCII.hash { try skipComment() }
        guard let byte = peek else { return }
        if byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
            try consumeNewline()
            return
        }
        throw TOMLError(
            line: line,
            message: "unexpected \(found()) after \(what); write one key = value or header per line"
        )
    }
}

// MARK: - Keys

extension TOMLDocument.Parser {
    /// `key = value`, with the blanks around `=`; the value may run over several lines.
    mutating func keyValuePair() throws(TOMLError) -> (String, TOMLValue) {
        let name = try key(noun: "key")
        guard peek == ASCII.equals else {
            let what = atLineEnd || peek == nil || peek == ASCII.hash ? "= and a value" : "=, found \(found())"
            throw TOMLError(line: line, message: "expected \(what) after the key \(quoted(name))")
        }
        position += 1
        skipWhitespace()
        return (name, try value())
    }

    /// A bare or quoted key (or table name, as `noun` says), and the blanks after it.
    mutating func key(noun: String) throws(TOMLError) -> String {
        let start = position
        let name: String
        switch peek {
        case ASCII.quote?, ASCII.apostrophe?:
            if next(is: peek ?? 0, count: 3) {
                throw TOMLError(line: line, message: "a \(noun) cannot be a multi-line string")
            }
            name = try peek == ASCII.quote ? basicString() : literalString()
        case let byte? where isBareKeyByte(byte):
            while let byte = peek, isBareKeyByte(byte) { position += 1 }
            name = String(decoding: bytes[start..<position], as: UTF8.self)
        default:
            let hint = "letters, digits, _ and - need no quotes, anything else goes in quotes"
            throw TOMLError(line: line, message: "expected a \(noun) but found \(found()); \(hint)")
        }
        skipWhitespace()
        if peek == ASCII.dot {
            let dotted = textUntilLineEnd(from: start, stoppingAt: [ASCII.equals, ASCII.closeBracket])
            throw TOMLError(
                line: line,
                message: "dotted \(noun)s like \(dotted) are not supported; "
                    + "put the whole \(noun) in quotes if the dot is part of it"
            )
        }
        return name
    }

    func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}

// MARK: - Values

extension TOMLDocument.Parser {
    /// The value at `position`, which is past any blanks.
    mutating func value() throws(TOMLError) -> TOMLValue {
        switch peek {
        case ASCII.quote?:
            return .string(try next(is: ASCII.quote, count: 3) ? multilineBasicString() : basicString())
        case ASCII.apostrophe?:
            if next(is: ASCII.apostrophe, count: 3) {
                throw TOMLError(
                    line: line,
                    message: "multi-line literal strings (''') are not supported; use \"\"\" instead"
                )
            }
            return .string(try literalString())
        case ASCII.openBracket?:
            return try array()
        case ASCII.openBrace?:
            return try inlineTable()
        case nil, ASCII.lineFeed?, ASCII.carriageReturn?, ASCII.hash?:
            throw TOMLError(line: line, message: "a value is missing after =")
        default:
            return try bareValue()
        }
    }

    /// `[ value, ... ]`: blank lines, comments and a comma after the last item are allowed.
    mutating func array() throws(TOMLError) -> TOMLValue {
        let startLine = line
        let unclosed = TOMLError(line: startLine, message: "an array is not closed; it needs a ]")
        position += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlanksAndNewlines(comments: true)
            guard let byte = peek else { throw unclosed }
            if byte == ASCII.closeBracket {
                position += 1
                return .array(items)
            }
            if byte == ASCII.comma {
                throw TOMLError(line: line, message: "expected a value in the array but found \",\"")
            }
            items.append(try value())
            try skipBlanksAndNewlines(comments: true)
            guard let after = peek else { throw unclosed }
            switch after {
            case ASCII.comma: position += 1
            case ASCII.closeBracket: break
            default:
                throw TOMLError(
                    line: line,
                    message: "expected , or ] after an item of the array that starts on line \(startLine), "
                        + "found \(found())"
                )
            }
        }
    }

    /// `{ key = value, ... }`. TOML keeps the braces on one line (a value inside may still span
    /// lines) and allows no comma after the last pair.
    mutating func inlineTable() throws(TOMLError) -> TOMLValue {
        position += 1
        var table: [String: TOMLValue] = [:]
        skipWhitespace()
        if peek == ASCII.closeBrace {
            position += 1
            return .table(table)
        }
        while true {
            try checkInlineTableOpen()
            let keyLine = line
            let (key, value) = try keyValuePair()
            guard table[key] == nil else {
                throw TOMLError(line: keyLine, message: "key \(quoted(key)) is set twice in an inline table")
            }
            table[key] = value
            skipWhitespace()
            try checkInlineTableOpen()
            if peek == ASCII.closeBrace {
                position += 1
                return .table(table)
            }
            guard peek == ASCII.comma else {
                throw TOMLError(line: line, message: "expected , or } in the inline table, found \(found())")
            }
            position += 1
            skipWhitespace()
            if peek == ASCII.closeBrace {
                throw TOMLError(line: line, message: "an inline table cannot end with a comma before }")
            }
        }
    }

    /// Throws when the line ends inside an inline table, which TOML does not allow.
    func checkInlineTableOpen() throws(TOMLError) {
        if peek == nil || atLineEnd || peek == ASCII.hash {
            throw TOMLError(line: line, message: "an inline table is not closed; it needs a } on the same line")
        }
    }

    /// An unquoted value: a boolean, an integer, or something this reader explains it does not
    /// take. The whole word up to the next delimiter is read so the message can show it.
    mutating func bareValue() throws(TOMLError) -> TOMLValue {
        let start = position
        while let byte = peek, !isValueDelimiter(byte) { position += 1 }
        guard position > start else {
            throw TOMLError(line: line, message: "expected a value but found \(found())")
        }
        let word = String(decoding: bytes[start..<position], as: UTF8.self)
        switch word {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: return .integer(try integer(word))
        }
    }

    /// Ends an unquoted value. Control characters end it too, so a message shows them escaped.
    func isValueDelimiter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<0x20, 0x7F:
            true
        case ASCII.space, ASCII.comma, ASCII.closeBracket, ASCII.closeBrace, ASCII.hash:
            true
        default: false
        }
    }
}

// MARK: - Integers

extension TOMLDocument.Parser {
    /// A decimal integer: an optional sign, then digits with single underscores between them
    /// and no leading zero. Words shaped like TOML's other numbers get their own message.
    func integer(_ word: String) throws(TOMLError) -> Int {
        let signed = word.first == "+" || word.first == "-"
        let digits = Array(word.utf8.dropFirst(signed ? 1 : 0))
        if let unsupported = unsupportedNumberKind(digits) {
            throw TOMLError(line: line, message: "\(unsupported) are not supported (\(word))")
        }
        guard signed || digits.first.map(isDigit) == true else {
            throw TOMLError(
                line: line,
                message: "\(quoted(word)) is not a value; put text in quotes, and write booleans as true or false"
            )
        }
        if let problem = integerProblem(digits) {
            throw TOMLError(line: line, message: "\(word) is not a valid integer\(problem)")
        }
        guard let value = accumulate(digits, negative: word.first == "-") else {
            throw TOMLError(
                line: line,
                message: "the integer \(word) is out of range; integers go from \(Int.min) to \(Int.max)"
            )
        }
        return value
    }

    /// Why `digits` (after any sign) is no decimal integer, as text to append to the message
    /// (empty when nothing more specific than "not valid" fits), or nil when it is one.
    func integerProblem(_ digits: [UInt8]) -> String? {
        let underscore = UInt8(ascii: "_")
        guard !digits.isEmpty, digits.allSatisfy({ isDigit($0) || $0 == underscore }) else { return "" }
        guard isDigit(digits[0]), isDigit(digits[digits.count - 1]),
            !zip(digits, digits.dropFirst()).contains(where: { $0 == underscore && $1 == underscore })
        else { return ": put each _ between two digits" }
        if digits[0] == UInt8(ascii: "0") && digits.count > 1 { return ": leading zeros are not allowed" }
        return nil
    }

    /// What kind of TOML number `digits` (after any sign) is when it is not a decimal integer,
    /// going by its shape, or nil.
    func unsupportedNumberKind(_ digits: [UInt8]) -> String? {
        let text = String(decoding: digits, as: UTF8.self)
        if text == "inf" || text == "nan" { return "floats" }
        guard let first = digits.first, isDigit(first) else { return nil }
        if ["0x", "0o", "0b"].contains(where: text.hasPrefix) { return "hexadecimal, octal and binary integers" }
        // 1979-05-27 and 07:32:00 begin like integers; the separator after the first digits tells.
        let leadingDigits = digits.prefix(while: isDigit).count
        if leadingDigits < digits.count {
            let separator = digits[leadingDigits]
            if (leadingDigits == 4 && separator == UInt8(ascii: "-")) || separator == UInt8(ascii: ":") {
                return "dates and times"
            }
        }
        let floatBytes = Set("0123456789_+-.eE".utf8)
        if digits.contains(where: { [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0) }),
            digits.allSatisfy(floatBytes.contains)
        {
            return "floats"
        }
        return nil
    }

    /// The value of validated `digits` (underscores skipped), or nil when it overflows `Int`.
    /// Negative numbers are built downwards so `Int.min` fits.
    func accumulate(_ digits: [UInt8], negative: Bool) -> Int? {
        var value = 0
        for byte in digits where byte != UInt8(ascii: "_") {
            let digit = Int(byte - UInt8(ascii: "0"))
            let (shifted, shiftOverflow) = value.multipliedReportingOverflow(by: 10)
            let (next, addOverflow) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if shiftOverflow || addOverflow { return nil }
            value = next
        }
        return value
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

// MARK: - Strings

extension TOMLDocument.Parser {
    /// `"..."` on one line, with escapes.
    mutating func basicString() throws(TOMLError) -> String {
        let unclosed = TOMLError(line: line, message: "a string is not closed")
        position += 1
        var content: [UInt8] = []
        while true {
            guard let byte = peek, !atLineEnd else { throw unclosed }
            switch byte {
            case ASCII.quote:
                position += 1
                return String(decoding: content, as: UTF8.self)
            case ASCII.backslash:
                try escape(into: &content, unclosed: unclosed)
            default:
                try checkAllowed(byte, in: "a string")
                content.append(byte)
                position += 1
            }
        }
    }

    /// `'...'` on one line, taken as written.
    mutating func literalString() throws(TOMLError) -> String {
        let unclosed = TOMLError(line: line, message: "a string is not closed")
        position += 1
        let start = position
        while true {
            guard let byte = peek, !atLineEnd else { throw unclosed }
            if byte == ASCII.apostrophe { break }
            try checkAllowed(byte, in: "a string")
            position += 1
        }
        position += 1
        return String(decoding: bytes[start..<position - 1], as: UTF8.self)
    }

    /// `"""..."""`, which may span lines. A newline right after the opening quotes is dropped,
    /// a backslash ending a line joins it to the next text, and CRLF inside becomes LF.
    mutating func multilineBasicString() throws(TOMLError) -> String {
        let unclosed = TOMLError(line: line, message: "a multi-line string is not closed; it needs \"\"\"")
        position += 3
        if atLineEnd { try consumeNewline() }
        var content: [UInt8] = []
        while true {
            guard let byte = peek else { throw unclosed }
            switch byte {
            case ASCII.quote:
                // Up to two quotes may sit just inside the closing three: """a""""" is a"".
                let run = bytes[position...].prefix(while: { $0 == ASCII.quote }).count
                guard run <= 5 else {
                    throw TOMLError(line: line, message: "too many quotes in a row in a multi-line string; escape them")
                }
                content.append(contentsOf: repeatElement(ASCII.quote, count: run < 3 ? run : run - 3))
                position += run
                if run >= 3 { return String(decoding: content, as: UTF8.self) }
            case ASCII.backslash where isLineEndingBackslash():
                position += 1
                try skipBlanksAndNewlines(comments: false)
            case ASCII.backslash:
                try escape(into: &content, unclosed: unclosed)
            case ASCII.lineFeed, ASCII.carriageReturn:
                try consumeNewline()
                content.append(ASCII.lineFeed)
            default:
                try checkAllowed(byte, in: "a string")
                content.append(byte)
                position += 1
            }
        }
    }

    /// Whether the backslash at `position` has only blanks after it on its line.
    func isLineEndingBackslash() -> Bool {
        var index = position + 1
        while index < bytes.count, bytes[index] == ASCII.space || bytes[index] == ASCII.tab { index += 1 }
        return index < bytes.count && (bytes[index] == ASCII.lineFeed || bytes[index] == ASCII.carriageReturn)
    }

    /// The escape at `position` (a backslash), appended to `content` as UTF-8.
    mutating func escape(into content: inout [UInt8], unclosed: TOMLError) throws(TOMLError) {
        position += 1
        guard let code = peek, !atLineEnd else { throw unclosed }
        position += 1
        switch code {
        case UInt8(ascii: "b"): content.append(0x08)
        case UInt8(ascii: "t"): content.append(ASCII.tab)
        case UInt8(ascii: "n"): content.append(ASCII.lineFeed)
        case UInt8(ascii: "f"): content.append(0x0C)
        case UInt8(ascii: "r"): content.append(ASCII.carriageReturn)
        case ASCII.quote, ASCII.backslash: content.append(code)
        case UInt8(ascii: "u"): try unicodeEscape(digits: 4, into: &content)
        case UInt8(ascii: "U"): try unicodeEscape(digits: 8, into: &content)
        default:
            position -= 1
            let shown =
                switch code {
                case ASCII.space: "a backslash followed by a space"
                case ASCII.tab: "a backslash followed by a tab"
                default: "\\" + character(at: position)
                }
            throw TOMLError(
                line: line,
                message: "\(shown) is not a valid escape in a string; write \\\\ for a backslash"
            )
        }
    }

    /// The hex digits of a `\u` or `\U` escape, which must name a Unicode scalar value.
    mutating func unicodeEscape(digits count: Int, into content: inout [UInt8]) throws(TOMLError) {
        let letter = count == 4 ? "u" : "U"
        let end = position + count
        let hex = end <= bytes.count ? String(decoding: bytes[position..<end], as: UTF8.self) : ""
        guard hex.allSatisfy(\.isHexDigit), let code = UInt32(hex, radix: 16) else {
            throw TOMLError(line: line, message: "\\\(letter) must be followed by \(count) hexadecimal digits")
        }
        guard let scalar = Unicode.Scalar(code) else {
            throw TOMLError(line: line, message: "\\\(letter)\(hex) is not a Unicode character")
        }
        UTF8.encode(scalar) { content.append($0) }
        position = end
    }

    /// Control characters other than tab must be escaped in strings and cannot be in comments.
    func checkAllowed(_ byte: UInt8, in place: String) throws(TOMLError) {
        guard (byte < 0x20 && byte != ASCII.tab) || byte == 0x7F else { return }
        throw TOMLError(line: line, message: "the control character U+\(hex4(UInt32(byte))) is not allowed in \(place)")
    }
}

// MARK: - Blanks, comments and line ends

extension TOMLDocument.Parser {
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Whether `count` copies of `byte` start `offset` bytes after `position`.
    func next(is byte: UInt8, count: Int = 2, after offset: Int = 0) -> Bool {
        let start = position + offset
        return start + count <= bytes.count && bytes[start..<start + count].allSatisfy { $0 == byte }
    }

    /// Whether a line end (LF or CRLF) starts at `position`.
    var atLineEnd: Bool {
        peek == ASCII.lineFeed || (peek == ASCII.carriageReturn && next(is: ASCII.lineFeed, count: 1, after: 1))
    }

    mutating func skipWhitespace() {
        while peek == ASCII.space || peek == ASCII.tab { position += 1 }
    }

    /// Blanks and line ends, and comments too when `comments` is set: what arrays allow between
    /// items, or what a backslash ending a line in a multi-line string removes.
    mutating func skipBlanksAndNewlines(comments: Bool) throws(TOMLError) {
        while let byte = peek {
            switch byte {
            case ASCII.space, ASCII.tab: position += 1
            case ASCII.lineFeed, ASCII.carriageReturn: try consumeNewline()
            case ASCII.hash where comments: try skipComment()
            default: return
            }
        }
    }

    /// `#` to the end of the line, which stays unread.
    mutating func skipComment() throws(TOMLError) {
        position += 1
        while let byte = peek, !atLineEnd {
            try checkAllowed(byte, in: "a comment")
            position += 1
        }
    }

    /// An LF or CRLF at `position`; a carriage return alone is no line end in TOML.
    mutating func consumeNewline() throws(TOMLError) {
        guard atLineEnd else {
            throw TOMLError(
                line: line,
                message: "a carriage return must be followed by a line feed; save the file with LF or CRLF line ends"
            )
        }
        position += peek == ASCII.carriageReturn ? 2 : 1
        line += 1
    }
}

// MARK: - Message text

extension TOMLDocument.Parser {
    /// The text at `position` for an error message, quoted and cut short, or where the line or
    /// the file ends.
    func found() -> String {
        if peek == nil { return "the end of the file" }
        if atLineEnd { return "the end of the line" }
        let text = textUntilLineEnd(from: position, stoppingAt: [])
        return text.count > 20 ? quoted(text.prefix(20) + "...") : quoted(text)
    }

    /// The source from `start` to the end of its line or the first of `stops`, without the blanks
    /// at either end.
    func textUntilLineEnd(from start: Int, stoppingAt stops: Set<UInt8>) -> String {
        var end = start
        while end < bytes.count, bytes[end] != ASCII.lineFeed, bytes[end] != ASCII.carriageReturn,
            !stops.contains(bytes[end])
        {
            end += 1
        }
        var first = start
        while first < end, bytes[first] == ASCII.space || bytes[first] == ASCII.tab { first += 1 }
        while end > first, bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab { end -= 1 }
        return String(decoding: bytes[first..<end], as: UTF8.self)
    }

    /// The character that starts at byte `index`, for messages.
    func character(at index: Int) -> String {
        let text = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self)
        return text.unicodeScalars.first.map { String($0) } ?? ""
    }

    /// `text` in double quotes, with the escapes a basic string would need.
    func quoted<S: StringProtocol>(_ text: S) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += "\\u" + hex4(scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// `code` as four uppercase hexadecimal digits, as in `U+000D` or `\u000D`.
    func hex4(_ code: UInt32) -> String {
        let digits = String(code, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A table name as it would be written in a header: bare when it can be, quoted otherwise.
    func headerName(_ name: String) -> String {
        !name.isEmpty && name.utf8.allSatisfy(isBareKeyByte) ? name : quoted(name)
    }
}
