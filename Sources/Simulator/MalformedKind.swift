/// The ways a malformed-order burst breaks records, each a case the analyzer must survive
/// (one bad message stopped the original's analysis for good).
public enum MalformedKind: String, Sendable, Hashable, CaseIterable {
    /// Not JSON at all: an order cut off in the middle.
    case invalidJSON = "invalid-json"
    /// Valid JSON without one of the required fields (`price`, `product_id`, ...).
    case missingField = "missing-field"
    /// `"quantity"` is negative.
    case negativeQuantity = "negative-quantity"
    /// `"timestamp"` is not a date (month 13, hour 25).
    case badTimestamp = "bad-timestamp"
    /// `"price"` is a string instead of a number.
    case wrongType = "wrong-type"
}
