/// Event time to published snapshot, for the orders of the last seconds: each published
/// order adds one sample, kept in a histogram with millisecond buckets below 1 s, 10 ms
/// buckets below 10 s and 100 ms buckets below 100 s (longer is one bucket), so p50 and p99
/// cost nothing per order beyond an append.
struct LatencyTracker {
    private static let bucketCount = 1000 + 900 + 900 + 1
    /// Seconds of history the percentiles cover.
    let windowSeconds: Int64

    private var total = [Int64](repeating: 0, count: bucketCount)
    private var totalCount: Int64 = 0
    /// Per publication: when, and the buckets it added.
    private var history: [(atMicros: Int64, buckets: [Int: Int64])] = []
    /// Event times of orders counted since the last publication.
    private var pending: [Int64] = []

    init(windowSeconds: Int64 = 10) {
        self.windowSeconds = windowSeconds
    }

    /// Notes an order counted now, to be measured when the next snapshot is published.
    @inline(__always)
    mutating func noteCounted(eventTimeMicros: Int64) {
        pending.append(eventTimeMicros)
    }

    /// The orders noted since the last call are in a snapshot published at `nowMicros`.
    mutating func published(atMicros nowMicros: Int64) {
        var added: [Int: Int64] = [:]
        for eventTime in pending {
            let bucket = Self.bucket(milliseconds: max(0, (nowMicros - eventTime) / 1000))
            added[bucket, default: 0] += 1
        }
        pending.removeAll(keepingCapacity: pending.capacity < 1 << 20)
        for (bucket, count) in added {
            total[bucket] += count
            totalCount += count
        }
        history.append((nowMicros, added))
        let horizon = nowMicros - windowSeconds * 1_000_000
        while let first = history.first, first.atMicros < horizon {
            for (bucket, count) in first.buckets {
                total[bucket] -= count
                totalCount -= count
            }
            history.removeFirst()
        }
    }

    /// The latency below which `fraction` of the recent orders were published, in
    /// milliseconds (the bucket's upper edge); 0 without samples.
    func percentile(_ fraction: Double) -> Double {
        guard totalCount > 0 else { return 0 }
        let rank = Int64((Double(totalCount) * fraction).rounded(.up))
        var seen: Int64 = 0
        for (bucket, count) in total.enumerated() where count > 0 {
            seen += count
            if seen >= rank { return Self.upperEdge(bucket) }
        }
        return Self.upperEdge(Self.bucketCount - 1)
    }

    private static func bucket(milliseconds: Int64) -> Int {
        switch milliseconds {
        case ..<1000: Int(milliseconds)
        case ..<10_000: 1000 + Int((milliseconds - 1000) / 10)
        case ..<100_000: 1900 + Int((milliseconds - 10_000) / 100)
        default: bucketCount - 1
        }
    }

    private static func upperEdge(_ bucket: Int) -> Double {
        switch bucket {
        case ..<1000: Double(bucket + 1)
        case ..<1900: Double(1000 + (bucket - 1000 + 1) * 10)
        case ..<2800: Double(10_000 + (bucket - 1900 + 1) * 100)
        default: 100_000
        }
    }
}
