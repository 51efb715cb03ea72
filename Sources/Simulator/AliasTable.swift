/// Weighted choice in O(1) per pick (Walker's alias method, Vose's construction): each slot
/// holds its own index with some probability and an "alias" otherwise.
///
/// Building is O(n); the generator rebuilds it only when a scenario changes the weights.
public struct AliasTable: Sendable {
    private var probability: [Double]
    private var alias: [Int]

    /// Builds a table for `weights` (non-negative, at least one positive).
    public init(weights: [Double]) {
        precondition(!weights.isEmpty, "an alias table needs at least one weight")
        let total = weights.reduce(0, +)
        precondition(total > 0, "an alias table needs a positive weight")
        let n = weights.count
        var scaled = weights.map { $0 * Double(n) / total }
        probability = Array(repeating: 1, count: n)
        alias = Array(0..<n)
        var small = scaled.indices.filter { scaled[$0] < 1 }
        var large = scaled.indices.filter { scaled[$0] >= 1 }
        while let s = small.popLast(), let l = large.popLast() {
            probability[s] = scaled[s]
            alias[s] = l
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        // Whatever is left is 1 up to rounding error: it always keeps its own index.
    }

    /// Number of outcomes.
    public var count: Int { probability.count }

    /// Picks an index with probability proportional to its weight.
    public func pick(using random: inout Xoshiro256) -> Int {
        let slot = Int(random.next(below: UInt64(count)))
        return random.nextUnit() < probability[slot] ? slot : alias[slot]
    }
}
