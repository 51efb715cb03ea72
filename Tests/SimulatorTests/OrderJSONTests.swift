import Foundation
import KafkaWire
import Testing

@testable import Simulator

@Suite("Order JSON")
struct OrderJSONTests {
    let encoder = OrderEncoder(catalog: .standard, runID: RunID(startSeconds: 1_757_169_000, nonce: 7))

    func parse(_ bytes: ArraySlice<UInt8>) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func hasExactlyTheOriginalFieldsAndTypes() throws {
        let order = Order(
            sequence: 1,
            productIndex: 0,
            priceCents: 7999,
            quantity: 2,
            customerNumber: 842,
            timestampMicros: 1_757_169_000_123_456
        )
        var batch = OrderBatch()
        encoder.append(order, to: &batch)
        let object = try parse(batch.value(at: 0))
        #expect(
            Set(object.keys) == [
                "order_id", "product_id", "product_name", "category", "price", "quantity", "customer_id", "timestamp",
            ]
        )
        #expect(object["order_id"] as? String == "ORDER-T268A007-000001")
        #expect(String(decoding: batch.key(at: 0), as: UTF8.self) == "ORDER-T268A007-000001")
        #expect(object["product_id"] as? String == "PROD-001")
        #expect(object["product_name"] as? String == "Wireless Bluetooth Headphones")
        #expect(object["category"] as? String == "Electronics")
        #expect((object["price"] as? NSNumber)?.doubleValue == 79.99)
        #expect((object["quantity"] as? NSNumber)?.intValue == 2)
        #expect(object["customer_id"] as? String == "CUST-0842")
        #expect(object["timestamp"] as? String == "2025-09-06T14:30:00.123456+00:00")
        #expect(batch.records[0].timestampMicros == 1_757_169_000_123_456)
        #expect(
            encoder.json(for: order)
                == #"""
                {"order_id":"ORDER-T268A007-000001","product_id":"PROD-001","product_name":"Wireless Bluetooth \#
                Headphones","category":"Electronics","price":79.99,"quantity":2,"customer_id":"CUST-0842",\#
                "timestamp":"2025-09-06T14:30:00.123456+00:00"}
                """#
        )
    }

    @Test func pricesHaveTwoDigits() {
        for (cents, text) in [(8000, "80.00"), (5, "0.05"), (799, "7.99"), (10, "0.10"), (123_456_789, "1234567.89")] {
            var bytes: [UInt8] = []
            OrderEncoder.appendPrice(cents: cents, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == text)
        }
    }

    @Test func escapesCatalogTexts() throws {
        let catalog = try Catalog(products: [
            Product(id: "Q\"1", name: "Back\\slash\nline\u{1}é", category: "Tab\there", priceCents: 100)
        ])
        let encoder = OrderEncoder(catalog: catalog, runID: RunID(startSeconds: 0, nonce: 0))
        let json = encoder.json(
            for: Order(
                sequence: 1_234_567,
                productIndex: 0,
                priceCents: 100,
                quantity: 1,
                customerNumber: 1,
                timestampMicros: 0
            )
        )
        let object = try parse(ArraySlice(json.utf8))
        #expect(object["product_id"] as? String == "Q\"1")
        #expect(object["product_name"] as? String == "Back\\slash\nline\u{1}é")
        #expect(object["category"] as? String == "Tab\there")
        #expect(object["order_id"] as? String == "ORDER-00000000-1234567")
    }

    @Test func wideCustomerPoolsGetMoreDigits() {
        let wide = OrderEncoder(catalog: .standard, runID: RunID(startSeconds: 0, nonce: 0), customerCount: 250_000)
        #expect(wide.customerID(number: 42) == "CUST-000042")
        #expect(encoder.customerID(number: 1000) == "CUST-1000")
    }

    @Test func runIDsDifferByStartTimeAndNonce() {
        #expect(RunID(startSeconds: 1_757_169_000, nonce: 0).text == "T268A000")
        #expect(RunID(startSeconds: 1_757_169_001, nonce: 0) != RunID(startSeconds: 1_757_169_000, nonce: 0))
        #expect(RunID(startSeconds: 1_757_169_000, nonce: 1) != RunID(startSeconds: 1_757_169_000, nonce: 0))
        #expect(RunID(text: "lab-3") != nil && RunID(text: "bad\"id") == nil && RunID(text: "") == nil)
    }
}
