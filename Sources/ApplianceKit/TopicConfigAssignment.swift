/// A topic config given on the command line as `key=value` (`--topic-config`, `--set`).
public struct TopicConfigAssignment: Sendable, Equatable {
    /// The config's name, e.g. `retention.ms`.
    public var name: String
    /// Its value; may be empty, and may itself contain `=`.
    public var value: String

    /// Parses `key=value`, split at the first `=`.
    ///
    /// - Throws: `ConfigurationError` naming `option` when there is no `=` or no key.
    public init(parsing text: String, option: String) throws {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ConfigurationError("\(option): expected key=value (e.g. retention.ms=86400000), got '\(text)'")
        }
        name = String(text[..<equals])
        value = String(text[text.index(after: equals)...])
    }

    /// Each of `texts` parsed, as a dictionary by name (a repeated name keeps its last value).
    public static func dictionary(parsing texts: [String], option: String) throws -> [String: String] {
        var entries: [String: String] = [:]
        for text in texts {
            let assignment = try TopicConfigAssignment(parsing: text, option: option)
            entries[assignment.name] = assignment.value
        }
        return entries
    }
}
