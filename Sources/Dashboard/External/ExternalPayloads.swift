import Analyzer
import Common

/// A body an external analyzer POSTs: checked, then kept and pushed in its written form.
protocol ExternalResultPayload: Decodable, Sendable {
    /// Refuses what decoding lets through but the figures forbid.
    func validate() throws(APIError)
    /// The kept and pushed form: the fields as received plus `source` and `received_at`.
    func write(to writer: inout JSONWriter, receivedAtMicros: Int64)
    /// How many rows it carries, for the answer and the log.
    var rowCount: Int { get }
}

/// The bodies an external analyzer (a Spark job, the original's analyzer) POSTs, in the
/// original's field names.
enum ExternalPayload {
    /// `batch_id` as the original sent it: Spark's batch number, or any string.
    enum BatchID: Decodable, Sendable {
        case number(Int64)
        case text(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Int64.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }

        func write(to writer: inout JSONWriter) {
            switch self {
            case .number(let number): writer.integer(number)
            case .text(let text): writer.string(text)
            }
        }
    }

    /// `POST /api/top_products`.
    struct TopProducts: Decodable, Sendable {
        struct Product: Decodable, Sendable {
            var product_id: String
            var product_name: String
            var category: String
            var order_count: Int64
            var total_quantity: Int64
            var total_revenue: Double
            var avg_price: Double
        }

        var batch_id: BatchID
        var timestamp: String
        var products: [Product]
    }

    /// `POST /api/categories`.
    struct Categories: Decodable, Sendable {
        struct Category: Decodable, Sendable {
            var category: String
            var order_count: Int64
            var total_quantity: Int64
            var total_revenue: Double
            var unique_products: Int64
        }

        var batch_id: BatchID
        var timestamp: String
        var categories: [Category]
    }

    /// `POST /api/raw_orders`.
    struct RawOrders: Decodable, Sendable {
        struct Order: Decodable, Sendable {
            var order_id: String
            var product_id: String
            var product_name: String
            var category: String
            var price: Double
            var quantity: Int64
            var customer_id: String
            var timestamp: String
            var total_value: Double
        }

        var batch_id: BatchID
        var timestamp: String
        var orders: [Order]
    }
}

extension ExternalPayload.TopProducts: ExternalResultPayload {
    var rowCount: Int { products.count }

    /// Refuses what decoding lets through but the figures forbid.
    func validate() throws(APIError) {
        for (index, product) in products.enumerated() {
            let at = "products[\(index)]"
            try ExternalPayload.require(!product.product_id.isEmpty, "\(at).product_id is empty")
            try ExternalPayload.requireNonNegative(product.order_count, "\(at).order_count")
            try ExternalPayload.requireNonNegative(product.total_quantity, "\(at).total_quantity")
            try ExternalPayload.requireMoney(product.total_revenue, "\(at).total_revenue")
            try ExternalPayload.requireMoney(product.avg_price, "\(at).avg_price")
        }
    }

    /// The kept and pushed form: the fields as received plus `source`.
    func write(to writer: inout JSONWriter, receivedAtMicros: Int64) {
        writer.beginObject()
        ExternalPayload.writeHeader(batch_id, timestamp, receivedAtMicros, to: &writer)
        writer.key("products")
        writer.beginArray()
        for product in products {
            writer.beginObject()
            writer.key("product_id")
            writer.string(product.product_id)
            writer.key("product_name")
            writer.string(product.product_name)
            writer.key("category")
            writer.string(product.category)
            writer.key("order_count")
            writer.integer(product.order_count)
            writer.key("total_quantity")
            writer.integer(product.total_quantity)
            writer.key("total_revenue")
            writer.double(product.total_revenue, decimals: 2)
            writer.key("avg_price")
            writer.double(product.avg_price, decimals: 2)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension ExternalPayload.Categories: ExternalResultPayload {
    var rowCount: Int { categories.count }

    /// Refuses what decoding lets through but the figures forbid.
    func validate() throws(APIError) {
        for (index, category) in categories.enumerated() {
            let at = "categories[\(index)]"
            try ExternalPayload.require(!category.category.isEmpty, "\(at).category is empty")
            try ExternalPayload.requireNonNegative(category.order_count, "\(at).order_count")
            try ExternalPayload.requireNonNegative(category.total_quantity, "\(at).total_quantity")
            try ExternalPayload.requireMoney(category.total_revenue, "\(at).total_revenue")
            try ExternalPayload.requireNonNegative(category.unique_products, "\(at).unique_products")
        }
    }

    /// The kept and pushed form.
    func write(to writer: inout JSONWriter, receivedAtMicros: Int64) {
        writer.beginObject()
        ExternalPayload.writeHeader(batch_id, timestamp, receivedAtMicros, to: &writer)
        writer.key("categories")
        writer.beginArray()
        for category in categories {
            writer.beginObject()
            writer.key("category")
            writer.string(category.category)
            writer.key("order_count")
            writer.integer(category.order_count)
            writer.key("total_quantity")
            writer.integer(category.total_quantity)
            writer.key("total_revenue")
            writer.double(category.total_revenue, decimals: 2)
            writer.key("unique_products")
            writer.integer(category.unique_products)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension ExternalPayload.RawOrders: ExternalResultPayload {
    var rowCount: Int { orders.count }

    /// Refuses what decoding lets through but the figures forbid.
    func validate() throws(APIError) {
        for (index, order) in orders.enumerated() {
            let at = "orders[\(index)]"
            try ExternalPayload.require(!order.order_id.isEmpty, "\(at).order_id is empty")
            try ExternalPayload.require(!order.product_id.isEmpty, "\(at).product_id is empty")
            try ExternalPayload.requireMoney(order.price, "\(at).price")
            try ExternalPayload.requireNonNegative(order.quantity, "\(at).quantity")
            try ExternalPayload.requireMoney(order.total_value, "\(at).total_value")
        }
    }

    /// The kept and pushed form.
    func write(to writer: inout JSONWriter, receivedAtMicros: Int64) {
        writer.beginObject()
        ExternalPayload.writeHeader(batch_id, timestamp, receivedAtMicros, to: &writer)
        writer.key("orders")
        writer.beginArray()
        for order in orders {
            writer.beginObject()
            writer.key("order_id")
            writer.string(order.order_id)
            writer.key("product_id")
            writer.string(order.product_id)
            writer.key("product_name")
            writer.string(order.product_name)
            writer.key("category")
            writer.string(order.category)
            writer.key("price")
            writer.double(order.price, decimals: 2)
            writer.key("quantity")
            writer.integer(order.quantity)
            writer.key("customer_id")
            writer.string(order.customer_id)
            writer.key("timestamp")
            writer.string(order.timestamp)
            writer.key("total_value")
            writer.double(order.total_value, decimals: 2)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }
}

extension ExternalPayload {
    static func writeHeader(
        _ batchID: BatchID,
        _ timestamp: String,
        _ receivedAtMicros: Int64,
        to writer: inout JSONWriter
    ) {
        writer.key("source")
        writer.string("external")
        writer.key("batch_id")
        batchID.write(to: &writer)
        writer.key("timestamp")
        writer.string(timestamp)
        writer.key("received_at")
        writer.timestamp(micros: receivedAtMicros)
    }

    static func require(_ condition: Bool, _ problem: String) throws(APIError) {
        guard condition else { throw APIError.badRequest("invalid-field", problem) }
    }

    static func requireNonNegative(_ value: Int64, _ field: String) throws(APIError) {
        try require(value >= 0, "\(field) is \(value): expected 0 or more")
    }

    /// Money must be a finite amount of 0 or more below 10^12 (sums of it stay exact in a Double).
    static func requireMoney(_ value: Double, _ field: String) throws(APIError) {
        try require(
            value.isFinite && value >= 0 && value < 1e12,
            "\(field) is \(value): expected an amount from 0 to 10^12"
        )
    }
}
