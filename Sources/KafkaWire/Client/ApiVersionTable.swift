/// The API versions a connection uses: for each API, the highest version both this client's
/// codecs and the broker support (Kafka's negotiation rule, KIP-35).
public struct ApiVersionTable: Sendable, Hashable {
    private var ranges: [Int16: ClosedRange<Int16>]

    /// Intersects the broker's advertised ranges with the codec ranges of `ApiKey`.
    public init(brokerRanges: [(apiKey: Int16, min: Int16, max: Int16)]) {
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        for entry in brokerRanges {
            guard let api = ApiKey(rawValue: entry.apiKey), entry.min <= entry.max else { continue }
            let ours = api.codecVersions
            let low = max(ours.lowerBound, entry.min)
            let high = min(ours.upperBound, entry.max)
            if low <= high { ranges[entry.apiKey] = low...high }
        }
        self.ranges = ranges
    }

    /// The versions of `api` both sides support, or nil if there are none.
    public func range(for api: ApiKey) -> ClosedRange<Int16>? {
        ranges[api.rawValue]
    }

    /// The highest version of `api` both sides support, at most `cap`; nil when none is in
    /// `minimum...cap`.
    public func version(for api: ApiKey, minimum: Int16 = 0, cap: Int16 = .max) -> Int16? {
        guard let range = ranges[api.rawValue] else { return nil }
        let chosen = min(range.upperBound, cap)
        guard chosen >= max(minimum, range.lowerBound) else { return nil }
        return chosen
    }
}
