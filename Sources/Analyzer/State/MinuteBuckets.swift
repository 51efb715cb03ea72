/// Per-product sums in one-minute buckets aligned to the minute, for the sliding top-N over
/// the last 5, 15 and 60 minutes ("the last K minutes" = the K buckets up to and including
/// the one holding the largest event time counted).
struct MinuteBuckets: Equatable {
    static let minuteMicros: Int64 = 60_000_000
    /// Buckets kept: the longest sliding window.
    static let span: Int64 = 60

    /// Bucket start minute (minutes since the epoch) -> sums per product slot.
    private(set) var buckets: [Int64: [OrderSums]] = [:]

    init() {}

    init(buckets: [Int64: [OrderSums]]) {
        self.buckets = buckets
    }

    static func minute(of micros: Int64) -> Int64 {
        micros >= 0 ? micros / minuteMicros : (micros - minuteMicros + 1) / minuteMicros
    }

    @inline(__always)
    mutating func add(minute: Int64, product: Int32, quantity: Int64, revenueMicros: Int128) {
        buckets[minute, default: []].add(at: Int(product), quantity: quantity, revenueMicros: revenueMicros)
    }

    /// Per-product sums over the `minutes` buckets ending with `newestMinute`.
    func sums(lastMinutes minutes: Int64, endingAt newestMinute: Int64) -> [OrderSums] {
        var result: [OrderSums] = []
        for minute in (newestMinute - minutes + 1)...newestMinute {
            guard let bucket = buckets[minute] else { continue }
            if result.count < bucket.count {
                result.append(contentsOf: repeatElement(OrderSums(), count: bucket.count - result.count))
            }
            for (slot, sums) in bucket.enumerated() { result[slot].add(sums) }
        }
        return result
    }

    /// Drops buckets no sliding window reaches any more.
    mutating func prune(newestMinute: Int64) {
        buckets = buckets.filter { $0.key > newestMinute - Self.span }
    }
}

extension Array where Element == OrderSums {
    /// Counts an order in the sums at `index`, growing the array with empty sums to reach it
    /// (slots are dense and few: products, categories).
    @inline(__always)
    mutating func add(at index: Int, quantity: Int64, revenueMicros: Int128) {
        if index >= count { append(contentsOf: repeatElement(OrderSums(), count: index + 1 - count)) }
        self[index].add(quantity: quantity, revenueMicros: revenueMicros)
    }
}
