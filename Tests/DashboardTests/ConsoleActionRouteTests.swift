import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Dashboard

@Suite("Console actions on topics and groups")
struct ConsoleActionRouteTests {
    /// Every action, as (method, path, body).
    static let actions: [(HTTPRequest.Method, String, String)] = [
        (.post, "/api/broker/topics", #"{"name": "lab", "partitions": 2, "configs": {"retention.ms": "60000"}}"#),
        (.delete, "/api/broker/topics/orders?confirm=orders", ""),
        (.post, "/api/broker/topics/orders/partitions", #"{"count": 6}"#),
        (.post, "/api/broker/topics/orders/configs", #"{"set": {"retention.ms": "1"}, "delete": ["segment.ms"]}"#),
        (.post, "/api/broker/topics/orders/delete-records", #"{"partition": 1, "before": 40}"#),
        (.post, "/api/broker/topics/orders/records", #"{"key": "k", "value": "v"}"#),
        (.post, "/api/broker/groups/idle/reset-offsets", #"{"to": "earliest"}"#),
        (.delete, "/api/broker/groups/idle?confirm=idle", ""),
    ]

    @Test func everyActionNeedsTheTokenAndDoesNothingWithoutIt() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            for (method, path, body) in Self.actions {
                let missing = try await client.execute(uri: path, method: method, body: jsonBody(body))
                #expect(missing.status == .unauthorized, "\(method) \(path)")
                let wrong = try await client.execute(
                    uri: path,
                    method: method,
                    headers: [.authorization: "Bearer \(testToken)x", .contentType: "application/json"],
                    body: jsonBody(body)
                )
                #expect(wrong.status == .unauthorized, "\(method) \(path)")
            }
        }
        #expect(console.actions.withLock { $0 }.isEmpty)
    }

    @Test func eachActionReachesTheConsoleWithWhatWasAsked() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            for (method, path, body) in Self.actions {
                let response = try await client.execute(
                    uri: path,
                    method: method,
                    headers: authorized,
                    body: jsonBody(body)
                )
                #expect([200, 201].contains(response.status.code), "\(method) \(path): \(response.text)")
            }
            let written = try await client.execute(
                uri: "/api/broker/topics/orders/records",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"partition": 2, "value": "{\"a\":1}", "headers": [{"key": "trace", "value": "x"}]}"#)
            )
            #expect(written.status == .created)
            #expect(try written.json["partition"] as? Int == 2)
            #expect(try written.json["offset"] as? Int == 101)
            let trimmed = try await client.execute(
                uri: "/api/broker/topics/orders/delete-records",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"before": -1}"#)
            )
            let partitions = try #require(try trimmed.json["partitions"] as? [[String: Any]])
            #expect(partitions.map { $0["earliest_offset"] as? Int } == [100, 100, 100])
        }
        #expect(
            console.actions.withLock { $0 } == [
                "create lab 2 retention.ms=60000", "delete orders", "partitions orders 6",
                "configs orders retention.ms=1,-segment.ms", "delete-records orders 1 40", "record orders -1 k v ",
                "reset idle earliest", "delete-group idle", #"record orders 2 nil {"a":1} trace:x"#,
                "delete-records orders all -1",
            ]
        )
    }

    @Test func deletingATopicNeedsItsNameRepeated() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            for uri in ["/api/broker/topics/orders", "/api/broker/topics/orders?confirm=order"] {
                let response = try await client.execute(uri: uri, method: .delete, headers: authorized)
                #expect(response.status == .badRequest)
                #expect(try response.json["error"] as? String == "confirmation-needed")
                #expect(try (response.json["message"] as? String)?.contains("?confirm=orders") == true)
            }
        }
        #expect(console.actions.withLock { $0 }.isEmpty)
    }

    @Test func refusalsComeBackAsSentencesWithTheirStatus() async throws {
        try await TestDashboard().test { client in
            let cases: [(HTTPRequest.Method, String, String, HTTPResponse.Status, String)] = [
                (.post, "/api/broker/topics", #"{"name": "orders"}"#, .conflict, "Pick another name"),
                (.post, "/api/broker/topics/orders/partitions", #"{"count": 2}"#, .badRequest, "can only grow"),
                (.post, "/api/broker/topics/nope/records", #"{"value": "v"}"#, .notFound, "never creates it"),
                (.delete, "/api/broker/topics/nope?confirm=nope", "", .notFound, "UNKNOWN_TOPIC_OR_PARTITION"),
            ]
            for (method, path, body, status, phrase) in cases {
                let response = try await client.execute(
                    uri: path,
                    method: method,
                    headers: authorized,
                    body: jsonBody(body)
                )
                #expect(response.status == status, "\(method) \(path)")
                #expect(try response.json["error"] as? String == "refused")
                #expect(try (response.json["message"] as? String)?.contains(phrase) == true, "\(response.text)")
            }
        }
    }

    @Test func badBodiesAreRefusedBeforeTheConsoleIsAsked() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            let cases: [(String, String, String)] = [
                ("/api/broker/topics", #"{"partitions": 2}"#, "missing-field"),
                ("/api/broker/topics/orders/partitions", #"{"count": "six"}"#, "wrong-type"),
                ("/api/broker/topics/orders/configs", "{}", "nothing-to-change"),
                ("/api/broker/topics/orders/delete-records", #"{"before": -5}"#, "invalid-offset"),
                ("/api/broker/topics/orders/records", "not json", "invalid-json"),
            ]
            for (path, body, code) in cases {
                let response = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: authorized,
                    body: jsonBody(body)
                )
                #expect(response.status == .badRequest, "\(path)")
                #expect(try response.json["error"] as? String == code, "\(path): \(response.text)")
            }
        }
        #expect(console.actions.withLock { $0 }.isEmpty)
    }

    @Test func withoutAConsoleActionsAre503() async throws {
        try await TestDashboard(console: nil).test { client in
            let response = try await client.execute(
                uri: "/api/broker/topics",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"name": "lab"}"#)
            )
            #expect(response.status == .serviceUnavailable)
        }
    }

    @Test func theOperatorNameIsKeptPrintableAndShort() {
        #expect(DashboardAPI.operatorName(fromHeader: nil) == "the admin token")
        #expect(DashboardAPI.operatorName(fromHeader: " \n ") == "the admin token")
        #expect(DashboardAPI.operatorName(fromHeader: "Ada  Lovelace") == "'Ada Lovelace'")
        #expect(
            DashboardAPI.operatorName(fromHeader: "eve\nconsole action by root: deleted")
                == "'eveconsole action by root: deleted'"
        )
        #expect(DashboardAPI.operatorName(fromHeader: String(repeating: "x", count: 500)).count == 66)
    }

    @Test func refusalsOfTheLoginAreForbidden() {
        #expect(BrokerRefusal.status(for: .topicAuthorizationFailed) == .forbidden)
        #expect(BrokerRefusal.hint(for: .invalidConfig)?.contains("times are in ms") == true)
    }

    @Test func anOffsetResetIsPreviewedWithoutTheTokenAndChangesNothing() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            let plan = try await client.execute(
                uri: "/api/broker/groups/idle/reset-plan?to=shift&value=-30",
                method: .get
            )
            #expect(plan.status == .ok, "\(plan.text)")
            #expect(try plan.json["applied"] as? Bool == false)
            #expect(try plan.json["target"] as? String == "shift by -30")
            let moves = try #require(try plan.json["partitions"] as? [[String: Any]])
            #expect(moves.first?["current"] as? Int == 90)
            #expect(moves.first?["new"] as? Int == 60)
            #expect(moves.first?["lag_after"] as? Int == 40)
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/api/broker/groups/idle/reset-plan?to=sideways", .badRequest, "invalid-target"),
                ("/api/broker/groups/idle/reset-plan?to=offset", .badRequest, "invalid-target"),
                ("/api/broker/groups/idle/reset-plan?to=time&value=soon", .badRequest, "invalid-target"),
                ("/api/broker/groups/aseed-analyzer/reset-plan?to=earliest", .conflict, "refused"),
                ("/api/broker/groups/nobody/reset-plan?to=earliest", .notFound, "refused"),
            ]
            for (uri, status, code) in cases {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == status, "\(uri)")
                #expect(try response.json["error"] as? String == code, "\(uri): \(response.text)")
            }
            let busy = try await client.execute(
                uri: "/api/broker/groups/aseed-analyzer/reset-offsets",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"to": "latest"}"#)
            )
            #expect(busy.status == .conflict)
            #expect(try (busy.json["message"] as? String)?.contains("Stop the group's consumers first") == true)
            let applied = try await client.execute(
                uri: "/api/broker/groups/idle/reset-offsets",
                method: .post,
                headers: authorized,
                body: jsonBody(#"{"to": "time", "value": 1764000000000}"#)
            )
            #expect(try applied.json["applied"] as? Bool == true)
            #expect(try (applied.json["target"] as? String)?.hasPrefix("time 2025-11-24T") == true)
            let unconfirmed = try await client.execute(
                uri: "/api/broker/groups/idle",
                method: .delete,
                headers: authorized
            )
            #expect(unconfirmed.status == .badRequest)
        }
        #expect(console.actions.withLock { $0 } == ["reset idle time 2025-11-24T16:00:00.000000Z"])
    }
}
