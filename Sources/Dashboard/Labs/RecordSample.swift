import Analyzer

/// What a topic's newest records hold, for goals about their contents: how many are orders
/// the analyzer accepts, how many carry a key, and which keys.
public struct RecordSample: Sendable, Equatable {
    /// The topic's record count when it was read: read again only once the topic has grown.
    public var records: Int64
    public var validOrders: Int
    public var keyed: Int
    /// The keys the records carry.
    public var keys: Set<String>

    public init(records: Int64, validOrders: Int, keyed: Int, keys: Set<String> = []) {
        self.records = records
        self.validOrders = validOrders
        self.keyed = keyed
        self.keys = keys
    }

    /// The sample of `messages`, read when the topic had `records` records.
    public init(_ messages: [ConsoleMessage], records: Int64) {
        self.init(
            records: records,
            validOrders: Self.orders(among: messages.compactMap(\.value)),
            keyed: messages.filter { !($0.key ?? "").isEmpty }.count,
            keys: Set(messages.compactMap(\.key))
        )
    }

    /// How many of `values` the analyzer accepts as orders (Sources/Analyzer/README.md).
    public static func orders(among values: [String]) -> Int {
        var decoder = OrderDecoder()
        var valid = 0
        for var value in values {
            let accepted = value.withUTF8 { bytes in
                if case .success = decoder.decode(UnsafeRawBufferPointer(bytes)) { return true }
                return false
            }
            if accepted { valid += 1 }
        }
        return valid
    }
}
