import Common
import KafkaWire

extension OrderEncoder {
    /// Appends a deliberately broken record for `order` to `batch`, keyed by its order id.
    /// `variant` picks which field a `.missingField` record lacks, so a burst covers them all.
    public func appendMalformed(
        _ order: Order,
        kind: MalformedKind,
        variant: Int,
        to batch: inout OrderBatch
    ) {
        let keyStart = batch.bytes.count
        batch.bytes.append(contentsOf: orderID(sequence: order.sequence).utf8)
        let valueStart = batch.bytes.count
        batch.bytes.append(contentsOf: malformedJSON(order, kind: kind, variant: variant).utf8)
        batch.records.append(
            OrderBatch.Record(
                key: keyStart..<valueStart,
                value: valueStart..<batch.bytes.count,
                timestampMicros: order.timestampMicros
            )
        )
    }

    /// The fields a `.missingField` record may lack, in the order a burst leaves them out.
    public static let omittableFields = [
        "price", "product_id", "quantity", "timestamp", "customer_id",
        "order_id", "category", "product_name",
    ]

    /// The text of a broken record (rare, so plain string building is fine here).
    public func malformedJSON(_ order: Order, kind: MalformedKind, variant: Int) -> String {
        var fields = jsonFields(order)
        switch kind {
        case .invalidJSON:
            let whole = Array(object(fields).utf8)
            return String(decoding: whole.prefix(whole.count / 2), as: UTF8.self)
        case .missingField:
            let omitted = Self.omittableFields[variant % Self.omittableFields.count]
            fields.removeAll { $0.name == omitted }
        case .negativeQuantity:
            replace("quantity", with: "-\(max(order.quantity, 1))", in: &fields)
        case .badTimestamp:
            let bad = ["2025-13-45T25:61:00.000000+00:00", "yesterday", "", "1757169000"]
            replace("timestamp", with: JSONString.quoted(bad[variant % bad.count]), in: &fields)
        case .wrongType:
            let price = fields.first { $0.name == "price" }!.value
            replace("price", with: JSONString.quoted(price), in: &fields)
        }
        return object(fields)
    }

    private func jsonFields(_ order: Order) -> [(name: String, value: String)] {
        let product = catalog.products[order.productIndex]
        var price: [UInt8] = []
        Self.appendPrice(cents: order.priceCents, to: &price)
        return [
            ("order_id", JSONString.quoted(orderID(sequence: order.sequence))),
            ("product_id", JSONString.quoted(product.id)),
            ("product_name", JSONString.quoted(product.name)),
            ("category", JSONString.quoted(product.category)),
            ("price", String(decoding: price, as: UTF8.self)),
            ("quantity", String(order.quantity)),
            ("customer_id", JSONString.quoted(customerID(number: order.customerNumber))),
            ("timestamp", JSONString.quoted(UTCTimestamp.string(epochMicros: order.timestampMicros))),
        ]
    }

    private func replace(
        _ name: String,
        with value: String,
        in fields: inout [(name: String, value: String)]
    ) {
        if let index = fields.firstIndex(where: { $0.name == name }) { fields[index].value = value }
    }

    private func object(_ fields: [(name: String, value: String)]) -> String {
        "{" + fields.map { "\"\($0.name)\":\($0.value)" }.joined(separator: ",") + "}"
    }
}
