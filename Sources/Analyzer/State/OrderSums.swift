/// Orders, units and revenue summed over some set of orders: the figures every aggregate
/// (product, category, window, minute bucket) has in common.
///
/// Revenue is in micro-units of the currency and 128 bits wide, so no realistic stream
/// overflows it (one order is below 10^24 micro-units by the decoder's range rules).
public struct OrderSums: Sendable, Equatable {
    /// Number of orders.
    public var orders: Int64 = 0
    /// Sum of quantities.
    public var units: Int64 = 0
    /// Sum of price x quantity, in micro-units.
    public var revenueMicros: Int128 = 0

    /// Empty sums.
    public init() {}

    /// Sums with the given values.
    public init(orders: Int64, units: Int64, revenueMicros: Int128) {
        self.orders = orders
        self.units = units
        self.revenueMicros = revenueMicros
    }

    /// Counts one order.
    @inline(__always)
    mutating func add(quantity: Int64, revenueMicros revenue: Int128) {
        orders &+= 1
        units &+= quantity
        revenueMicros &+= revenue
    }

    /// Adds other sums (sliding windows add up minute buckets).
    mutating func add(_ other: OrderSums) {
        orders &+= other.orders
        units &+= other.units
        revenueMicros &+= other.revenueMicros
    }

    /// Revenue in cents, rounded half away from zero.
    public var revenueCents: Int64 { Money.cents(revenueMicros) }

    /// Revenue per order in cents, rounded half away from zero from the exact quotient;
    /// 0 without orders.
    public var averageOrderValueCents: Int64 { Money.cents(revenueMicros, per: orders) }
}
