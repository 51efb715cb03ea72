/// All-time figures of one product.
struct ProductStats: Equatable {
    /// `product_id`.
    var id: String
    /// `product_name` of the product's latest order by event time.
    var name: String
    /// `category` of the product's latest order by event time.
    var category: String
    var sums = OrderSums()
    /// Sum of the order prices, for the mean price (the original's `avg_price`).
    var priceSumMicros: Int128 = 0
    /// Latest event time of its orders.
    var lastOrderMicros = Int64.min
}
