/// The `--config` file: one `key = value` per line, `#` comments, keys as the long flag names
/// (`data-dir = /var/lib/aseed`). Values may be quoted with double quotes.
public struct ConfigFile: Sendable {
    /// Values by key, as written.
    public var values: [String: String]

    /// A file with these values (none: no file given).
    public init(values: [String: String] = [:]) {
        self.values = values
    }

    /// Parses the text of a config file; `path` is only used in error messages.
    ///
    /// - Throws: `ConfigurationError` naming the file and line of a line that is not `key = value`.
    public init(parsing text: String, path: String) throws(ConfigurationError) {
        var values: [String: String] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line =
                rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map { $0.trimmingWhitespace() } ?? ""
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError("\(path):\(index + 1): expected 'key = value', got '\(line)'")
            }
            let key = line[..<equals].trimmingWhitespace()
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty else {
                throw ConfigurationError("\(path):\(index + 1): missing key before '='")
            }
            values[key] = value
        }
        self.values = values
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    public func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
