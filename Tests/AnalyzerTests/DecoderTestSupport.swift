@testable import Analyzer

/// A decoded order with its texts copied out, so it can be compared after the value's bytes
/// and the decoder's scratch have moved on.
struct OrderValues: Equatable {
    var orderID: String
    var productID: String
    var productName: String
    var category: String
    var customerID: String
    var priceMicros: Int64
    var quantity: Int64
    var eventTimeMicros: Int64

    init(
        orderID: String,
        productID: String,
        productName: String,
        category: String,
        customerID: String,
        priceMicros: Int64,
        quantity: Int64,
        eventTimeMicros: Int64
    ) {
        self.orderID = orderID
        self.productID = productID
        self.productName = productName
        self.category = category
        self.customerID = customerID
        self.priceMicros = priceMicros
        self.quantity = quantity
        self.eventTimeMicros = eventTimeMicros
    }

    init(_ order: DecodedOrder) {
        func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
        self.init(
            orderID: text(order.orderID),
            productID: text(order.productID),
            productName: text(order.productName),
            category: text(order.category),
            customerID: text(order.customerID),
            priceMicros: order.priceMicros,
            quantity: order.quantity,
            eventTimeMicros: order.eventTimeMicros
        )
    }

    /// The fields of `sampleOrder`.
    static let sample = OrderValues(
        orderID: "ORDER-TP8XMHCU-000001",
        productID: "PROD-001",
        productName: "Wireless Bluetooth Headphones",
        category: "Electronics",
        customerID: "CUST-0842",
        priceMicros: 79_990_000,
        quantity: 2,
        eventTimeMicros: 1_757_169_000_123_456
    )
}

/// An order as the simulator writes it.
let sampleOrder =
    #"""
    {"order_id":"ORDER-TP8XMHCU-000001","product_id":"PROD-001","product_name":"Wireless Bluetooth Headphones",\#
    "category":"Electronics","price":79.99,"quantity":2,"customer_id":"CUST-0842",\#
    "timestamp":"2025-09-06T14:30:00.123456+00:00"}
    """#

/// The sample order's fields as `"key":value` texts, to rebuild it with changes.
let sampleFields: [(name: String, value: String)] = [
    ("order_id", #""ORDER-TP8XMHCU-000001""#), ("product_id", #""PROD-001""#),
    ("product_name", #""Wireless Bluetooth Headphones""#), ("category", #""Electronics""#), ("price", "79.99"),
    ("quantity", "2"), ("customer_id", #""CUST-0842""#), ("timestamp", #""2025-09-06T14:30:00.123456+00:00""#),
]

/// The sample order with some fields' values replaced (nil leaves the field out).
func sample(with changes: [String: String?]) -> String {
    let fields = sampleFields.compactMap { field -> String? in
        guard let change = changes[field.name] else { return "\"\(field.name)\":\(field.value)" }
        return change.map { "\"\(field.name)\":\($0)" }
    }
    return "{" + fields.joined(separator: ",") + "}"
}

/// Decodes bytes (nil: a record without a value) with a fresh decoder.
func decode(bytes: [UInt8]?) -> Result<OrderValues, MalformedOrder> {
    var decoder = OrderDecoder()
    return decode(bytes: bytes, with: &decoder)
}

/// Decodes bytes with `decoder`, copying the order out while its buffers are valid.
func decode(bytes: [UInt8]?, with decoder: inout OrderDecoder) -> Result<OrderValues, MalformedOrder> {
    guard let bytes else { return decoder.decode(nil).map(OrderValues.init) }
    return bytes.withUnsafeBytes { decoder.decode($0).map(OrderValues.init) }
}

/// Decodes a JSON text with a fresh decoder.
func decode(_ json: String) -> Result<OrderValues, MalformedOrder> {
    decode(bytes: Array(json.utf8))
}

/// The malformed reason of a JSON text, or nil when it is an order.
func reason(_ json: String) -> MalformedReason? {
    reason(bytes: Array(json.utf8))
}

/// The malformed reason of bytes, or nil when they are an order.
func reason(bytes: [UInt8]?) -> MalformedReason? {
    if case .failure(let malformed) = decode(bytes: bytes) { return malformed.reason }
    return nil
}

/// The order of a JSON text, or nil when it is malformed.
func order(_ json: String) -> OrderValues? {
    try? decode(json).get()
}
