import Common

/// Messages as CSV (RFC 4180, a header row, CRLF line ends) for the viewer's export: partition,
/// offset, timestamp (ISO 8601 UTC), key, value and headers (a JSON object).
///
/// A cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading `'`: records are anyone's text, and an export is opened by
/// the teacher.
enum MessageCSV {
    static func text(_ messages: [ConsoleMessage]) -> String {
        var text = "partition,offset,timestamp,key,value,headers\r\n"
        for message in messages {
            var headers = JSONWriter(reservingCapacity: 64)
            headers.beginObject()
            for header in message.headers {
                headers.key(header.key)
                headers.string(header.value)
            }
            headers.endObject()
            let cells = [
                String(message.partition), String(message.offset),
                UTCTimestamp.string(epochMicros: message.timestampMillis * 1000, zone: .z),
                message.key.map(cell) ?? "", message.value.map(cell) ?? "",
                cell(String(decoding: headers.bytes, as: UTF8.self)),
            ]
            text += cells.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// One text cell, defused and quoted where needed.
    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        // By scalar: "\r\n" is one Character in Swift, so a Character test would miss a lone "\n".
        guard value.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }
}
