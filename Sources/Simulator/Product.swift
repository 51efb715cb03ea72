/// One entry of the product catalog: what an order is for.
public struct Product: Sendable, Hashable {
    /// Stable identifier, e.g. `PROD-001`. Used as the analyzer's grouping key.
    public var id: String
    /// Human-readable name shown on the dashboard.
    public var name: String
    /// Category name, e.g. `Electronics` or `Home & Garden`.
    public var category: String
    /// List price in cents, so that sums and discounts stay exact.
    public var priceCents: Int
    /// Relative popularity: a product with weight 10 is picked ten times as often as one with 1.
    public var weight: Double

    /// Creates a product. `priceCents` must be positive and `weight` non-negative.
    public init(id: String, name: String, category: String, priceCents: Int, weight: Double = 1) {
        self.id = id
        self.name = name
        self.category = category
        self.priceCents = priceCents
        self.weight = weight
    }
}
