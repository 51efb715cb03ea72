import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Dashboard

@Suite("State-changing routes: the admin token, bodies, limits")
struct ExternalAndControlTests {
    static let topProducts = """
        {"batch_id": 7, "timestamp": "2025-09-06T14:30:00", "products": [{"product_id": "PROD-001",
         "product_name": "Wireless <b>Headphones</b>", "category": "Electronics", "order_count": 3,
         "total_quantity": 5, "total_revenue": 399.95, "avg_price": 79.99}]}
        """

    @Test func withoutTheTokenEveryPostIs401() async throws {
        try await TestDashboard().test { client in
            for path in [
                "/api/top_products", "/api/categories", "/api/raw_orders", "/api/external/summary",
                "/api/control/simulator",
                "/api/control/components/simulator/restart",
            ] {
                let missing = try await client.execute(uri: path, method: .post, body: jsonBody(Self.topProducts))
                #expect(missing.status == .unauthorized, "\(path)")
                #expect(try missing.json["error"] as? String == "unauthorized")
                let wrong = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: [.authorization: "Bearer \(testToken)x"],
                    body: jsonBody(Self.topProducts)
                )
                #expect(wrong.status == .unauthorized, "\(path)")
                #expect(!wrong.text.contains(testToken))
            }
            let notBearer = try await client.execute(
                uri: "/api/top_products",
                method: .post,
                headers: [.authorization: testToken],
                body: jsonBody(Self.topProducts)
            )
            #expect(notBearer.status == .unauthorized)
        }
    }

    @Test func anAcceptedResultIsKeptAsExternal() async throws {
        try await TestDashboard().test { client in
            #expect(try await client.execute(uri: "/api/external", method: .get).text == "{}")
            let response = try await client.execute(
                uri: "/api/top_products",
                method: .post,
                headers: authorized,
                body: jsonBody(Self.topProducts)
            )
            #expect(response.status == .accepted)
            let external = try await client.execute(uri: "/api/external", method: .get).json
            let kept = try #require(external["top_products"] as? [String: Any])
            #expect(kept["source"] as? String == "external")
            #expect(kept["batch_id"] as? Int == 7)
            let products = try #require(kept["products"] as? [[String: Any]])
            #expect(products.first?["product_name"] as? String == "Wireless <b>Headphones</b>")
            #expect(products.first?["total_revenue"] as? Double == 399.95)
            let categories =
                #"""
                {"batch_id": "b-1", "timestamp": "t", "categories": [{"category": "Books", "order_count": 1, \#
                "total_quantity": 1, "total_revenue": 9.5, "unique_products": 1}]}
                """#
            #expect(
                try await client.execute(
                    uri: "/api/categories",
                    method: .post,
                    headers: authorized,
                    body: jsonBody(categories)
                ).status == .accepted
            )
            let orders =
                #"""
                {"batch_id": 1, "timestamp": "t", "orders": [{"order_id": "O-1", "product_id": "PROD-001", \#
                "product_name": "x", "category": "Books", "price": 1.5, "quantity": 2, "customer_id": "C", \#
                "timestamp": "2025-09-06T14:30:00", "total_value": 3.0}]}
                """#
            #expect(
                try await client.execute(
                    uri: "/api/raw_orders",
                    method: .post,
                    headers: authorized,
                    body: jsonBody(orders)
                ).status == .accepted
            )
            let all = try await client.execute(uri: "/api/external", method: .get).json
            #expect(Set(all.keys) == ["top_products", "categories", "raw_orders"])
        }
    }

    static let summary = """
        {"batch_id": "flink-3", "timestamp": "2025-09-06T14:30:00Z", "analyzer": "flink", "parallelism": 2,
         "totals": {"orders": 12, "units": 30, "revenue": 1234.565, "unique_customers": 9},
         "duplicates": 2, "late_records": 1, "malformed": 3,
         "windows": [{"start": "2025-09-06T14:29:00Z", "end": "2025-09-06T14:30:00Z", "orders": 11, "units": 28,
                      "revenue": 1200.1}]}
        """

    @Test func anExternalSummaryIsKeptBesideTheOriginalsResults() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(
                uri: "/api/external/summary",
                method: .post,
                headers: authorized,
                body: jsonBody(Self.summary)
            )
            #expect(response.status == .accepted)
            #expect(try response.json["accepted"] as? String == "summary")
            #expect(try response.json["items"] as? Int == 1)
            let external = try await client.execute(uri: "/api/external", method: .get).json
            let kept = try #require(external["summary"] as? [String: Any])
            #expect(kept["source"] as? String == "external")
            #expect(kept["analyzer"] as? String == "flink")
            #expect(kept["parallelism"] as? Int == 2)
            #expect(kept["late_records"] as? Int == 1)
            let totals = try #require(kept["totals"] as? [String: Any])
            #expect(totals["revenue"] as? Double == 1234.57)
            let windows = try #require(kept["windows"] as? [[String: Any]])
            #expect(windows.count == 1 && windows.first?["orders"] as? Int == 11)
        }
    }

    @Test(arguments: [
        (#""duplicates": 2"#, #""duplicates": -2"#, "duplicates"),
        (#""analyzer": "flink""#, #""analyzer": """#, "analyzer"),
        (#""parallelism": 2"#, #""parallelism": 0"#, "parallelism"),
        (#""revenue": 1200.1"#, #""revenue": -1"#, "windows[0].revenue"),
        (#""start": "2025-09-06T14:29:00Z""#, #""start": """#, "windows[0]"),
        (#""malformed": 3,"#, "", "malformed"),
    ])
    func aBadSummaryIs400NamingTheField(replacing: String, with: String, mention: String) async throws {
        let body = Self.summary.replacingOccurrences(of: replacing, with: with)
        try await TestDashboard().test { client in
            let response = try await client.execute(
                uri: "/api/external/summary",
                method: .post,
                headers: authorized,
                body: jsonBody(body)
            )
            #expect(response.status == .badRequest)
            let message = try response.json["message"] as? String ?? ""
            #expect(message.contains(mention), "\(message)")
            let kept = try await client.execute(uri: "/api/external", method: .get).json
            #expect(kept["summary"] == nil)
        }
    }

    @Test(arguments: [
        (#"{"batch_id": 1, "timestamp": "t", "products": [{"product_id": "P"#, "invalid-json", "malformed JSON"),
        (
            #"""
            {"batch_id": 1, "timestamp": "t", "products": [{"product_id": "P", "product_name": "n", "category": \#
            "c", "order_count": 1, "total_quantity": 1, "total_revenue": 1}]}
            """#,
            "missing-field", "products[0].avg_price"
        ),
        (
            #"""
            {"batch_id": 1, "timestamp": "t", "products": [{"product_id": "P", "product_name": "n", "category": \#
            "c", "order_count": "1", "total_quantity": 1, "total_revenue": 1, "avg_price": 1}]}
            """#,
            "wrong-type", "products[0].order_count"
        ),
        (
            #"""
            {"batch_id": 1, "timestamp": "t", "products": [{"product_id": "P", "product_name": "n", "category": \#
            "c", "order_count": -1, "total_quantity": 1, "total_revenue": 1, "avg_price": 1}]}
            """#,
            "invalid-field", "products[0].order_count"
        ),
        (#"[1, 2]"#, "wrong-type", "the body"),
        ("", "empty-body", "no body"),
    ])
    func aBadBodyIs400NamingTheProblem(body: String, code: String, mention: String) async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(
                uri: "/api/top_products",
                method: .post,
                headers: authorized,
                body: jsonBody(body)
            )
            #expect(response.status == .badRequest)
            #expect(try response.json["error"] as? String == code)
            let message = try response.json["message"] as? String ?? ""
            #expect(message.contains(mention), "\(message)")
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        try await TestDashboard(bodyLimit: 256).test { client in
            let big = #"{"batch_id": 1, "timestamp": "t", "products": []"# + String(repeating: " ", count: 400) + "}"
            let response = try await client.execute(
                uri: "/api/top_products",
                method: .post,
                headers: authorized,
                body: jsonBody(big)
            )
            #expect(response.status == .contentTooLarge)
            #expect(try response.json["error"] as? String == "body-too-large")
        }
    }

    @Test func simulatorCommands() async throws {
        let dashboard = TestDashboard()
        try await dashboard.test { client in
            let rate = try await client.execute(
                uri: "/api/control/simulator",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"rate": 50}"#)
            )
            #expect(rate.status == .ok)
            #expect(try rate.json["name"] as? String == "simulator")
            #expect(
                try await client.execute(
                    uri: "/api/control/simulator",
                    method: .post,
                    headers: authorized,
                    body: jsonBody(#"{"action": "pause"}"#)
                ).status == .ok
            )
            for bad in [
                #"{"rate": 0}"#, #"{"action": "explode"}"#, #"{}"#, #"{"rate": 5, "action": "stop"}"#,
                #"{"scenario": "meteor"}"#,
            ] {
                let response = try await client.execute(
                    uri: "/api/control/simulator",
                    method: .post,
                    headers: authorized,
                    body: jsonBody(bad)
                )
                #expect(response.status == .badRequest, "\(bad)")
            }
            let restart = try await client.execute(
                uri: "/api/control/components/analyzer/restart",
                method: .post,
                headers: authorized
            )
            #expect(restart.status == .accepted)
            let unknown = try await client.execute(
                uri: "/api/control/components/kettle/restart",
                method: .post,
                headers: authorized
            )
            #expect(unknown.status == .notFound)
        }
        #expect(dashboard.control.commands.withLock { $0 } == [.rate(50), .pause])
    }
}
