/// All-time figures of one category.
struct CategoryStats: Equatable {
    /// `category`.
    var name: String
    var sums = OrderSums()
    var priceSumMicros: Int128 = 0
    var lastOrderMicros = Int64.min
    /// Product slots ordered in this category (`unique_products`).
    var products: Set<Int32> = []
}
