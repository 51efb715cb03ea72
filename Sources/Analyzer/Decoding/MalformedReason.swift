/// Why a record is not an order. The raw values are the reason names of the analyzer's
/// contract (Sources/Analyzer/README.md), used as metric labels, the `aseed-reason` header of
/// dead-lettered copies and JSON keys; the cases are declared in the order the contract
/// checks them, so `allCases` lists the reasons the way `pipeline.malformed` shows them; the
/// two reasons about whole batches come last.
public enum MalformedReason: String, CaseIterable, Sendable, Hashable {
    /// The value is missing, empty, not UTF-8 or not JSON.
    case invalidJSON = "invalid-json"
    /// The value is valid JSON but not an object.
    case notAnObject = "not-an-object"
    /// A required field is absent or `null` (or an id is empty).
    case missingField = "missing-field"
    /// A field has another JSON type than the contract's (a price in quotes, a fractional quantity).
    case wrongType = "wrong-type"
    /// The timestamp is not an ISO 8601 date and time, or not a real date.
    case badTimestamp = "bad-timestamp"
    /// `price` is below zero.
    case negativePrice = "negative-price"
    /// `quantity` is below zero.
    case negativeQuantity = "negative-quantity"
    /// `price` or `quantity` is 10^9 or more, where sums of them could overflow.
    case outOfRange = "out-of-range"
    /// The records of a whole batch cannot be read: it fails its CRC, names no known codec,
    /// its compressed data is corrupt, or its records do not parse. Counted once per offset
    /// the batch spans (every record in it is lost).
    case unreadableBatch = "unreadable-batch"
    /// A batch decompresses to more than the analyzer's limit (64 MiB): a decompression bomb,
    /// or a producer batch far beyond any order stream. Counted like `unreadableBatch`.
    case batchTooLarge = "batch-too-large"
}
