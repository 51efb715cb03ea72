import Hummingbird

/// A request's query string read as browsers and HTML forms write it
/// (`application/x-www-form-urlencoded`): `+` is a space, `%XX` a byte, and the bytes UTF-8.
///
/// Hummingbird's `queryParameters` decodes `%XX` only, so a search for "value 7" sent by the
/// page's `URLSearchParams` (`value+7`) would look for a plus sign.
struct FormQuery {
    private var values: [(name: String, value: String)] = []

    init(_ request: Request) {
        guard let query = request.uri.query else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            values.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    /// The first value given for `name`; nil when the query does not name it.
    func get(_ name: String) -> String? {
        values.first { $0.name == name }?.value
    }

    /// `+` as a space, `%XX` as its byte (a malformed escape stays as written), invalid UTF-8
    /// replaced.
    static func decode(_ text: Substring) -> String { decode(text, plusIsSpace: true) }

    /// A path segment as the client meant it: `%XX` escapes decoded, `+` kept (only forms make
    /// it a space). Browsers escape spaces, `<` and non-ASCII letters in a path.
    static func decodePathSegment(_ text: String) -> String { decode(text[...], plusIsSpace: false) }

    private static func decode(_ text: Substring, plusIsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if input.count >= 2, let high = hexValue(input[input.startIndex]),
                    let low = hexValue(input[input.startIndex + 1])
                {
                    bytes.append(high << 4 | low)
                    input = input.dropFirst(2)
                } else {
                    bytes.append(byte)
                }
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
