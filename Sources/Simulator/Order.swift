/// One generated order, kept as numbers so that generating it allocates nothing; the
/// `OrderEncoder` turns it into the original's JSON with the catalog's texts.
public struct Order: Sendable, Hashable {
    /// Position of the order in its run, from 1; with the run id it forms the order id.
    public var sequence: UInt64
    /// Index of the product in the catalog.
    public var productIndex: Int
    /// Price charged per unit, in cents (the list price, or less during a flash sale).
    public var priceCents: Int
    /// Units ordered.
    public var quantity: Int
    /// Customer number, from 1; rendered as `CUST-0842`.
    public var customerNumber: Int
    /// Event time in microseconds since 1970-01-01T00:00:00Z.
    public var timestampMicros: Int64

    /// Creates an order from its parts.
    public init(
        sequence: UInt64,
        productIndex: Int,
        priceCents: Int,
        quantity: Int,
        customerNumber: Int,
        timestampMicros: Int64
    ) {
        self.sequence = sequence
        self.productIndex = productIndex
        self.priceCents = priceCents
        self.quantity = quantity
        self.customerNumber = customerNumber
        self.timestampMicros = timestampMicros
    }
}
