/// Splits CSV text (RFC 4180: quoted fields, `""` inside quotes, LF or CRLF line ends) into
/// records, remembering the line each record starts on for error messages.
struct CSVReader {
    /// One record: its 1-based starting line and its fields.
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// A quoted field that runs to the end of the input, opened on `line`.
    struct UnterminatedQuote: Error {
        var line: Int
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    init(_ bytes: [UInt8]) {
        // A UTF-8 byte-order mark is what spreadsheet programs put first; it is not data.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            self.bytes = Array(bytes.dropFirst(3))
        } else {
            self.bytes = bytes
        }
    }

    /// The next record that is not blank and not a `#` comment, or nil at the end.
    mutating func next() throws(UnterminatedQuote) -> Record? {
        while position < bytes.count {
            let start = line
            if bytes[position] == UInt8(ascii: "#") {
                skipLine()
                continue
            }
            let fields = try readRecord()
            if fields.count == 1, fields[0].allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            return Record(line: start, fields: fields)
        }
        return nil
    }

    private mutating func skipLine() {
        while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        position += 1
        line += 1
    }

    private mutating func readRecord() throws(UnterminatedQuote) -> [String] {
        var fields: [String] = []
        var field: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                try readQuoted(into: &field)
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case UInt8(ascii: "\n"):
                line += 1
                fields.append(String(decoding: Self.droppingCR(field), as: UTF8.self))
                return fields
            default:
                field.append(byte)
            }
        }
        fields.append(String(decoding: Self.droppingCR(field), as: UTF8.self))
        return fields
    }

    private mutating func readQuoted(into field: inout [UInt8]) throws(UnterminatedQuote) {
        let opened = line
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: "\"") {
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return }
                position += 1
            } else if byte == UInt8(ascii: "\n") {
                line += 1
            }
            field.append(byte)
        }
        throw UnterminatedQuote(line: opened)
    }

    private static func droppingCR(_ field: [UInt8]) -> ArraySlice<UInt8> {
        field.last == UInt8(ascii: "\r") ? field.dropLast() : field[...]
    }
}
