/// An order counted late (Sources/Analyzer/README.md, Watermark and late orders): kept among the
/// newest few so a class can see which of its orders came too late for the windows.
public struct LateOrder: Sendable, Equatable {
    public var orderID: String
    /// The order's own timestamp.
    public var eventTimeMicros: Int64

    /// A late order from its parts.
    public init(orderID: String, eventTimeMicros: Int64) {
        self.orderID = orderID
        self.eventTimeMicros = eventTimeMicros
    }
}
