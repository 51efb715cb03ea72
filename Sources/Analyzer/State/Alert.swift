/// A trend or anomaly found when a window closed.
public struct Alert: Sendable, Equatable {
    /// What was found.
    public enum Kind: String, Sendable {
        /// A product's orders rose sharply against its recent baseline (a flash sale).
        case rising
        /// A busy product's orders fell sharply.
        case falling
        /// The window's order count is far outside the recent ones.
        case ordersAnomaly = "orders-anomaly"
    }

    public var kind: Kind
    /// The product id, or "orders" for an anomaly of the order count.
    public var subject: String
    /// Start of the window the alert is about.
    public var windowStartMicros: Int64
    /// The window's count.
    public var value: Int64
    /// The mean it was judged against, in ten-thousandths (4 decimals, exact in JSON).
    public var baselineTenThousandths: Int64
    /// One sentence for people.
    public var message: String
}
