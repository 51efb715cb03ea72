import HTTPTypes
import HummingbirdTesting
import Testing

@testable import Dashboard

@Suite("Analytics routes: the original's field names and the new views")
struct AnalyticsRouteTests {
    @Test func beforeTheFirstSnapshotTheFiguresAreZero() async throws {
        try await TestDashboard().test { client in
            let data = try await client.execute(uri: "/api/dashboard_data", method: .get).json
            #expect((data["top_products"] as? [Any])?.isEmpty == true)
            let metrics = try #require(data["metrics"] as? [String: Any])
            #expect(metrics["total_orders"] as? Int == 0)
            #expect(try await client.execute(uri: "/api/snapshot", method: .get).status == .serviceUnavailable)
            #expect(try await client.execute(uri: "/api/pipeline", method: .get).status == .serviceUnavailable)
        }
    }

    @Test func dashboardDataHasTheOriginalFields() async throws {
        let dashboard = TestDashboard()
        dashboard.snapshots.publish(TestSnapshots.make())
        try await dashboard.test { client in
            let data = try await client.execute(uri: "/api/dashboard_data", method: .get).json
            #expect(Set(data.keys) == ["top_products", "categories", "recent_orders", "metrics", "timestamp"])
            let top = try #require(data["top_products"] as? [[String: Any]])
            #expect(top.map { $0["product_id"] as? String } == ["PROD-002", "PROD-001", "PROD-003"])
            #expect(
                Set(top[0].keys).isSuperset(of: [
                    "product_id", "product_name", "category", "order_count", "total_quantity", "total_revenue",
                    "avg_price",
                ])
            )
            #expect(top[0]["product_name"] as? String == "Product <2>")
            let metrics = try #require(data["metrics"] as? [String: Any])
            #expect(metrics["total_orders"] as? Int == 15)
            #expect(metrics["total_revenue"] as? Double == 299.85)
            // The newest closed window held 7 orders.
            #expect(metrics["orders_per_minute"] as? Double == 7)
            #expect((data["timestamp"] as? String)?.hasSuffix("Z") == true)
            let categories = try #require(data["categories"] as? [[String: Any]])
            #expect(categories.first?["unique_products"] as? Int == 3)
            let orders = try #require(data["recent_orders"] as? [[String: Any]])
            #expect(orders.first?["total_value"] as? Double == 39.98)
        }
    }

    @Test func statusAndServiceStatusListEveryComponent() async throws {
        let dashboard = TestDashboard(control: FakeControl(states: ["analyzer": .failed], disabled: ["simulator"]))
        dashboard.snapshots.publish(TestSnapshots.make())
        try await dashboard.test { client in
            let status = try await client.execute(uri: "/api/status", method: .get).json
            #expect(Set(status.keys) == ["status", "timestamp", "total_orders", "total_revenue", "orders_per_minute"])
            #expect(status["status"] as? String == "degraded")
            let services = try await client.execute(uri: "/api/service-status", method: .get).json
            #expect(services["overall_status"] as? String == "partial")
            let byName = try #require(services["services"] as? [String: [String: Any]])
            #expect(Set(byName.keys) == ["broker", "simulator", "analyzer", "dashboard"])
            #expect(byName["simulator"]?["status"] as? String == "stopped")
            #expect(byName["simulator"]?["enabled"] as? Bool == false)
            #expect(byName["analyzer"]?["status"] as? String == "failed")
            #expect(
                Set(byName["broker"]!.keys).isSuperset(of: [
                    "status", "last_check", "uptime_seconds", "throughput", "last_error",
                ])
            )
            let summary = try #require(services["summary"] as? [String: Int])
            #expect(summary == ["total_services": 4, "running": 2, "stopped": 2])
            #expect((services["resources"] as? [String: Any])?["resident_bytes"] as? Int == 50_000_000)
        }
    }

    @Test func readyzNamesTheComponentsThatAreNotRunning() async throws {
        try await TestDashboard(control: FakeControl(states: ["analyzer": .starting], disabled: ["simulator"])).test {
            client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let components = try #require(try response.json["components"] as? [[String: Any]])
            #expect(components.map { $0["name"] as? String } == ["analyzer"])
        }
        try await TestDashboard(control: FakeControl(disabled: ["simulator"])).test { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func topWindowsAlertsAndSnapshot() async throws {
        let dashboard = TestDashboard()
        dashboard.snapshots.publish(TestSnapshots.make())
        try await dashboard.test { client in
            let top = try await client.execute(uri: "/api/top?span=5m&by=revenue", method: .get).json
            #expect(top["span"] as? String == "5m")
            #expect(top["by"] as? String == "revenue")
            #expect((top["products"] as? [Any])?.count == 3)
            #expect(try await client.execute(uri: "/api/top?span=2h", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/api/top?by=price", method: .get).status == .badRequest)
            let windows = try await client.execute(uri: "/api/windows?minutes=2", method: .get).json
            #expect(windows["length_seconds"] as? Int == 60)
            #expect((windows["items"] as? [Any])?.count == 2)
            #expect(try await client.execute(uri: "/api/windows?minutes=abc", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/api/windows?minutes=0", method: .get).status == .badRequest)
            #expect(
                (try await client.execute(uri: "/api/alerts", method: .get).json["alerts"] as? [Any])?.isEmpty == true
            )
            let snapshot = try await client.execute(uri: "/api/snapshot", method: .get).json
            #expect(snapshot["sequence"] as? Int == 1)
            let pipeline = try await client.execute(uri: "/api/pipeline", method: .get).json
            #expect(pipeline["duplicates"] as? Int == 1)
        }
    }
}
