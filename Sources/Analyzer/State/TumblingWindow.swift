/// One tumbling window of event time, `[start, start + length)`.
///
/// While open it keeps the set of its customers; when the watermark passes its end it closes:
/// the count is frozen and the set dropped, so 24 hours of windows cost a few kilobytes each.
struct TumblingWindow: Equatable {
    /// Start of the window, microseconds since the epoch.
    var start: Int64
    var sums = OrderSums()
    /// Per category slot.
    var categories: [OrderSums] = []
    /// Orders per product slot, for the trend rules.
    var productOrders: [Int32] = []
    /// Customers of an open window (nil once closed).
    var customers: FingerprintSet<UInt64>? = FingerprintSet()
    /// Customers added since the last checkpoint (journalled, not rewritten).
    var newCustomers: [UInt64] = []
    /// Distinct customers; final once closed.
    var customerCount: Int64 = 0
    var isClosed: Bool { customers == nil }

    init(start: Int64) {
        self.start = start
    }

    /// A closed window as read back from a checkpoint.
    init(start: Int64, sums: OrderSums, categories: [OrderSums], productOrders: [Int32], customerCount: Int64) {
        self.start = start
        self.sums = sums
        self.categories = categories
        self.productOrders = productOrders
        self.customers = nil
        self.customerCount = customerCount
    }

    @inline(__always)
    mutating func add(quantity: Int64, revenueMicros: Int128, product: Int32, category: Int32, customer: UInt64) {
        sums.add(quantity: quantity, revenueMicros: revenueMicros)
        categories.add(at: Int(category), quantity: quantity, revenueMicros: revenueMicros)
        let productIndex = Int(product)
        if productIndex >= productOrders.count {
            productOrders.append(contentsOf: repeatElement(0, count: productIndex + 1 - productOrders.count))
        }
        productOrders[productIndex] &+= 1
        if customers!.insert(customer) {
            customerCount += 1
            newCustomers.append(customer)
        }
    }

    /// Orders of a product slot in this window.
    func orders(ofProduct slot: Int) -> Int64 {
        slot < productOrders.count ? Int64(productOrders[slot]) : 0
    }

    /// Freezes the window: no order enters it any more.
    mutating func close() {
        customers = nil
        newCustomers = []
    }
}
