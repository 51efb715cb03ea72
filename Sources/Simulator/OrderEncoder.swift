import Common
import KafkaWire

/// Writes orders as the original's JSON,
/// `{"order_id":"ORDER-T268A007-000001","product_id":"PROD-001","product_name":"Wireless
/// Bluetooth Headphones","category":"Electronics","price":79.99,"quantity":2,
/// "customer_id":"CUST-0842","timestamp":"2025-09-06T14:30:00.123456+00:00"}`,
/// keyed by the order id.
///
/// Everything that does not change per order (the run's id prefix, each product's id, name
/// and category, already escaped) is prepared once, so encoding an order is a few copies
/// and digit writes into the batch's buffer, with no `String` in between.
public struct OrderEncoder: Sendable {
    /// The catalog whose products the orders refer to.
    public let catalog: Catalog
    /// The run id in every order id.
    public let runID: RunID
    /// Digits in customer ids: 4 (`CUST-0842`) unless the pool needs more.
    public let customerDigits: Int

    /// `{"order_id":"`
    private let objectStart: [UInt8]
    /// `ORDER-<run id>-`
    private let orderIDPrefix: [UInt8]
    /// Per product: `","product_id":"…","product_name":"…","category":"…","price":`
    private let productFragments: [[UInt8]]
    private let quantityLabel: [UInt8] = Array(#","quantity":"#.utf8)
    private let customerLabel: [UInt8] = Array(#","customer_id":"CUST-"#.utf8)
    private let timestampLabel: [UInt8] = Array(#"","timestamp":""#.utf8)
    private let objectEnd: [UInt8] = Array(#""}"#.utf8)

    /// Minimum digits of the sequence part of an order id, as in the original's `ORDER-000001`.
    public static let sequenceDigits = 6

    /// Prepares the fragments for `catalog`; `customerCount` decides the customer id width.
    public init(catalog: Catalog, runID: RunID, customerCount: Int = 1000) {
        self.catalog = catalog
        self.runID = runID
        self.customerDigits = max(4, Self.digitCount(UInt64(max(customerCount, 1))))
        objectStart = Array(#"{"order_id":""#.utf8)
        orderIDPrefix = Array("ORDER-\(runID.text)-".utf8)
        productFragments = catalog.products.map { product in
            var text = #"","product_id":"# + JSONString.quoted(product.id)
            text += #","product_name":"# + JSONString.quoted(product.name)
            text += #","category":"# + JSONString.quoted(product.category) + #","price":"#
            return Array(text.utf8)
        }
    }

    /// Appends `order` to `batch` as one record.
    public func append(_ order: Order, to batch: inout OrderBatch) {
        let start = batch.bytes.count
        let keyRange = appendJSON(order, to: &batch.bytes)
        batch.records.append(
            OrderBatch.Record(
                key: keyRange,
                value: start..<batch.bytes.count,
                timestampMicros: order.timestampMicros
            )
        )
    }

    /// Appends the order's JSON to `bytes` and returns where its order id lies.
    func appendJSON(_ order: Order, to bytes: inout [UInt8]) -> Range<Int> {
        bytes.append(contentsOf: objectStart)
        let keyStart = bytes.count
        bytes.append(contentsOf: orderIDPrefix)
        Self.appendDecimal(order.sequence, minimumDigits: Self.sequenceDigits, to: &bytes)
        let keyEnd = bytes.count
        bytes.append(contentsOf: productFragments[order.productIndex])
        Self.appendPrice(cents: order.priceCents, to: &bytes)
        bytes.append(contentsOf: quantityLabel)
        Self.appendInteger(order.quantity, to: &bytes)
        bytes.append(contentsOf: customerLabel)
        Self.appendDecimal(UInt64(order.customerNumber), minimumDigits: customerDigits, to: &bytes)
        bytes.append(contentsOf: timestampLabel)
        UTCTimestamp.append(epochMicros: order.timestampMicros, to: &bytes)
        bytes.append(contentsOf: objectEnd)
        return keyStart..<keyEnd
    }

    /// The order as a JSON string (for logs, tests and the dashboard, not the hot path).
    public func json(for order: Order) -> String {
        var bytes: [UInt8] = []
        _ = appendJSON(order, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The order id, e.g. `ORDER-T268A007-000001`.
    public func orderID(sequence: UInt64) -> String {
        var bytes = orderIDPrefix
        Self.appendDecimal(sequence, minimumDigits: Self.sequenceDigits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The customer id, e.g. `CUST-0842`.
    public func customerID(number: Int) -> String {
        var bytes = Array("CUST-".utf8)
        Self.appendDecimal(UInt64(number), minimumDigits: customerDigits, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension OrderEncoder {
    /// Writes `cents` as a decimal with exactly two fractional digits: 7999 -> `79.99`,
    /// 8000 -> `80.00`, so every reader sees the price the catalog states.
    static func appendPrice(cents: Int, to bytes: inout [UInt8]) {
        if cents < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = cents.magnitude
        appendDecimal(UInt64(magnitude / 100), minimumDigits: 1, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let fraction = magnitude % 100
        bytes.append(UInt8(truncatingIfNeeded: fraction / 10) &+ 48)
        bytes.append(UInt8(truncatingIfNeeded: fraction % 10) &+ 48)
    }

    static func appendInteger(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(UInt64(value.magnitude), minimumDigits: 1, to: &bytes)
    }

    /// Writes `value` in decimal, left-padded with zeros to `minimumDigits`.
    static func appendDecimal(_ value: UInt64, minimumDigits: Int, to bytes: inout [UInt8]) {
        let digits = max(digitCount(value), minimumDigits)
        let end = bytes.count + digits
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var rest = value
            var position = end
            while rest > 0 {
                position -= 1
                buffer[position] = UInt8(truncatingIfNeeded: rest % 10) &+ 48
                rest /= 10
            }
        }
    }

    static func digitCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }
}
