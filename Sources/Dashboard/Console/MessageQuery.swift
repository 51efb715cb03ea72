/// What the console's message viewer asks for: a topic (one partition or all), what a record
/// must contain, a time range, and where to read from: the newest records (newest first) or
/// forward from an offset (oldest first).
public struct MessageQuery: Sendable, Equatable {
    public var topic: String
    /// One partition; nil for all.
    public var partition: Int32?
    /// At most this many records answered.
    public var limit: Int
    /// Text the key or the value contains.
    public var text: String?
    /// Text the key contains.
    public var key: String?
    /// Text the value contains.
    public var value: String?
    /// A header the record has: `name`, or `name=text` for one whose value contains the text.
    public var header: String?
    /// Records at or after this time (ms since the epoch).
    public var fromMillis: Int64?
    /// Records at or before this time (ms since the epoch).
    public var toMillis: Int64?
    /// Read forward from this offset of each partition instead of back from the newest.
    public var fromOffset: Int64?

    /// Records looked at per partition at most, so that a search of a large topic stays a
    /// few seconds' work: the newest ones (or those after `fromOffset`) within the time range.
    public static let scanLimit: Int64 = 50_000

    /// A query from its parts; only the topic is required.
    public init(
        topic: String,
        partition: Int32? = nil,
        limit: Int = 20,
        text: String? = nil,
        key: String? = nil,
        value: String? = nil,
        header: String? = nil,
        fromMillis: Int64? = nil,
        toMillis: Int64? = nil,
        fromOffset: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.limit = limit
        self.text = text
        self.key = key
        self.value = value
        self.header = header
        self.fromMillis = fromMillis
        self.toMillis = toMillis
        self.fromOffset = fromOffset
    }

    /// Whether anything beyond the range narrows the answer: the reader then looks further back
    /// than `limit` records so that rare matches still show up.
    public var filters: Bool { text != nil || key != nil || value != nil || header != nil }

    /// Whether `message` passes every condition given.
    public func matches(_ message: ConsoleMessage) -> Bool {
        if let text, !(message.key?.contains(text) ?? false), !(message.value?.contains(text) ?? false) {
            return false
        }
        if let key, !(message.key?.contains(key) ?? false) { return false }
        if let value, !(message.value?.contains(value) ?? false) { return false }
        if let fromMillis, message.timestampMillis < fromMillis { return false }
        if let toMillis, message.timestampMillis > toMillis { return false }
        if let header {
            let (name, wanted) = Self.split(header)
            guard message.headers.contains(where: { $0.key == name && (wanted.map($0.value.contains) ?? true) })
            else { return false }
        }
        return true
    }

    /// The answer from what was read: the first `limit` by offset when reading from an offset,
    /// else the newest `limit`, newest first (by timestamp, then offset).
    public func answer(_ found: [ConsoleMessage]) -> [ConsoleMessage] {
        if fromOffset != nil {
            return Array(found.sorted { ($0.offset, $0.partition) < ($1.offset, $1.partition) }.prefix(limit))
        }
        let sorted = found.sorted { ($0.timestampMillis, $0.offset) > ($1.timestampMillis, $1.offset) }
        return Array(sorted.prefix(limit))
    }

    private static func split(_ header: String) -> (name: String, value: String?) {
        guard let equals = header.firstIndex(of: "=") else { return (header, nil) }
        return (String(header[..<equals]), String(header[header.index(after: equals)...]))
    }
}
