import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Dashboard

@Suite("Routes: status codes, JSON errors, headers")
struct RouteTests {
    @Test func healthzAnswersWithTheSecurityHeaders() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json["status"] as? String == "ok")
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
        }
    }

    @Test func anUnknownRouteIs404JSON() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/nothing", method: .get)
            #expect(response.status == .notFound)
            #expect(try response.json["error"] as? String == "not-found")
            #expect(try (response.json["message"] as? String)?.contains("/api/openapi.json") == true)
            #expect(response.headers[.contentSecurityPolicy] != nil)
        }
    }

    @Test(arguments: [
        ("/api/status", HTTPRequest.Method.post, "GET"), ("/api/top_products", .get, "POST"),
        ("/healthz", .delete, "GET"),
    ])
    func aKnownPathWithAnotherMethodIs405(path: String, method: HTTPRequest.Method, allowed: String) async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: path, method: method)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allowed)
            #expect(try response.json["error"] as? String == "method-not-allowed")
        }
    }

    @Test func pagesAndAssetsComeFromTheAssetsDictionary() async throws {
        try await TestDashboard().test { client in
            let page = try await client.execute(uri: "/", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("<title>ASEED</title>"))
            #expect(page.headers[.contentSecurityPolicy] != nil)
            let script = try await client.execute(uri: "/assets/app.js", method: .get)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            // No console.html in this dictionary, and Chart.js is not at the configured path.
            #expect(try await client.execute(uri: "/console", method: .get).status == .notFound)
            let chart = try await client.execute(uri: "/assets/chart.min.js", method: .get)
            #expect(chart.status == .notFound)
            #expect(chart.text.contains("libjs-chart.js"))
            #expect(try await client.execute(uri: "/assets/index.html", method: .get).status == .notFound)
        }
    }

    @Test func aPlainGetOfTheWebSocketPathAsksForAnUpgrade() async throws {
        try await TestDashboard().test { client in
            #expect(try await client.execute(uri: "/ws", method: .get).status == .upgradeRequired)
            let foreign = try await client.execute(uri: "/ws", method: .get, headers: [.origin: "http://evil.example"])
            #expect(foreign.status == .forbidden)
            #expect(try foreign.json["error"] as? String == "origin-refused")
        }
    }

    @Test func theOpenAPIDocumentListsEveryRoute() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try response.json
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let expected: [(String, String)] = [
                ("/", "get"), ("/console", "get"), ("/labs", "get"), ("/me", "get"), ("/assets/{name}", "get"),
                ("/api/status", "get"),
                ("/api/service-status", "get"),
                ("/api/dashboard_data", "get"), ("/api/top_products", "post"), ("/api/categories", "post"),
                ("/api/raw_orders", "post"), ("/api/external/summary", "post"),
                ("/api/snapshot", "get"), ("/api/windows", "get"), ("/api/top", "get"), ("/api/alerts", "get"),
                ("/api/pipeline", "get"),
                ("/api/external", "get"), ("/api/broker/topics", "get"), ("/api/broker/topics/{name}", "get"),
                ("/api/broker/groups", "get"),
                ("/api/broker/groups/{id}", "get"), ("/api/broker/transactions", "get"),
                ("/api/broker/connections", "get"), ("/api/broker/connections/{id}/requests", "get"),
                ("/api/broker/connections/{id}/requests/{sequence}/raw", "get"), ("/api/broker/doctor", "get"),
                ("/api/broker/groups/{id}/rebalances", "get"),
                ("/api/broker/messages", "get"), ("/api/broker/topics", "post"),
                ("/api/broker/topics/{name}", "delete"),
                ("/api/broker/topics/{name}/partitions", "post"), ("/api/broker/topics/{name}/configs", "post"),
                ("/api/broker/topics/{name}/delete-records", "post"), ("/api/broker/topics/{name}/records", "post"),
                ("/api/broker/groups/{id}/lag-history", "get"), ("/api/broker/groups/{id}/reset-plan", "get"),
                ("/api/broker/groups/{id}/reset-offsets", "post"),
                ("/api/broker/groups/{id}", "delete"),
                ("/api/control/simulator", "post"),
                ("/api/labs", "post"), ("/api/labs/current", "get"), ("/api/labs/current/students/{name}", "get"),
                ("/api/labs/current/answers", "post"), ("/api/labs/current/results.csv", "get"),
                ("/api/class/reset", "post"), ("/api/class/snapshots", "get"), ("/api/class/snapshots", "post"),
                ("/api/class/snapshots/{name}/restore", "post"), ("/api/class/snapshots/{name}", "delete"),
                ("/api/control/components/{name}/restart", "post"), ("/api/openapi.json", "get"), ("/metrics", "get"),
                ("/healthz", "get"), ("/readyz", "get"), ("/ws", "get"),
            ]
            for (path, method) in expected {
                #expect(paths[path]?[method] != nil, "\(method) \(path) missing from the document")
            }
            #expect(paths.count == Set(expected.map(\.0)).count)
            let post = try #require(paths["/api/top_products"]?["post"] as? [String: Any])
            #expect(post["security"] != nil)
            #expect((post["responses"] as? [String: Any])?["401"] != nil)
        }
    }
}
