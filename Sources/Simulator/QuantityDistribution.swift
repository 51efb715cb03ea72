/// How many units an order is for: uniform over a range (the original: 1...5) or weighted.
public struct QuantityDistribution: Sendable {
    private let quantities: [Int]
    private let table: AliasTable

    /// Every quantity in `range` equally likely; `range.lowerBound` must be at least 1.
    public static func uniform(_ range: ClosedRange<Int>) -> QuantityDistribution {
        precondition(range.lowerBound >= 1, "quantities start at 1")
        return QuantityDistribution(weights: range.map { ($0, 1.0) })
    }

    /// The original's distribution: 1 to 5 units, equally likely.
    public static let standard = uniform(1...5)

    /// Each quantity with its relative weight, e.g. `[(1, 60), (2, 25), (3, 10), (10, 5)]`.
    public init(weights: [(quantity: Int, weight: Double)]) {
        precondition(
            weights.allSatisfy { $0.quantity >= 1 && $0.weight >= 0 },
            "quantities must be >= 1 and weights >= 0"
        )
        quantities = weights.map(\.quantity)
        table = AliasTable(weights: weights.map(\.weight))
    }

    /// Draws one quantity.
    public func pick(using random: inout Xoshiro256) -> Int {
        quantities[table.pick(using: &random)]
    }
}
