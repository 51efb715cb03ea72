import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import Dashboard

@Suite("Class reset and snapshot routes")
struct ClassroomRouteTests {
    @Test func aResetNeedsTheTokenAndAnswersWhatItDid() async throws {
        let console = FakeConsole(
            classTopics: ["students.alice"],
            classGroups: [ConsoleGroup(groupID: "g-alice", state: "Empty", protocolType: "consumer", members: 0)]
        )
        let dashboard = TestDashboard(console: console)
        try await dashboard.test { client in
            let body = #"{"orders": "truncate", "seed": 9223372036854775807, "scenario": "flash-sale:PROD-001:30s"}"#
            let refused = try await client.execute(uri: "/api/class/reset", method: .post, body: jsonBody(body))
            #expect(refused.status == .unauthorized)
            #expect(console.actions.withLock { $0 }.isEmpty)
            let response = try await client.execute(
                uri: "/api/class/reset",
                method: .post,
                headers: authorized,
                body: jsonBody(body)
            )
            #expect(response.status == .ok, "\(response.text)")
            let json = try response.json
            #expect(json["removed_topics"] as? [String] == ["students.alice"])
            #expect(json["removed_groups"] as? [String] == ["g-alice"])
            #expect(json["deleted_orders"] as? Int == 303)
            #expect(json["analyzer_reset"] as? Bool == true)
            #expect(response.text.contains(#""seed":9223372036854775807"#))
        }
        let plan = ClassResetPlan(orders: .truncate, seed: UInt64(Int64.max), scenario: "flash-sale:PROD-001:30s")
        #expect(dashboard.control.resets.withLock { $0 } == [plan])
    }

    @Test(arguments: [
        (#"{"orders": "forget"}"#, "truncate"),
        (#"{"seed": 3}"#, "orders"),
        (#"{"orders": "keep", "seed": -1}"#, "seed"),
        ("[]", "wrong type"),
    ])
    func aBadResetIs400NamingTheProblem(body: String, mention: String) async throws {
        let dashboard = TestDashboard()
        try await dashboard.test { client in
            let response = try await client.execute(
                uri: "/api/class/reset",
                method: .post,
                headers: authorized,
                body: jsonBody(body)
            )
            #expect(response.status == .badRequest)
            #expect(response.text.contains(mention), "\(response.text)")
        }
        #expect(dashboard.control.resets.withLock { $0 }.isEmpty)
    }

    @Test func snapshotsAreSavedListedRestoredAndDeleted() async throws {
        try await TestDashboard().test { client in
            let save = { (name: String) in
                try await client.execute(
                    uri: "/api/class/snapshots",
                    method: .post,
                    headers: authorized,
                    body: jsonBody(#"{"name": "\#(name)"}"#)
                )
            }
            #expect(try await save("lesson-1").status == .created)
            #expect(try await save("lesson-1").status == .conflict)
            let listed = try await client.execute(uri: "/api/class/snapshots", method: .get)
            #expect(listed.text.contains(#""name":"lesson-1""#))
            #expect(listed.text.contains(#""topics":[{"name":"orders","end_offsets":[10,20]}]"#))
            #expect(listed.text.contains(#""simulator_next_sequence":31"#))
            let restore = try await client.execute(
                uri: "/api/class/snapshots/lesson-1/restore",
                method: .post,
                headers: authorized
            )
            #expect(restore.status == .ok)
            #expect(try restore.json["name"] as? String == "lesson-1")
            let missing = try await client.execute(
                uri: "/api/class/snapshots/none/restore",
                method: .post,
                headers: authorized
            )
            #expect(missing.status == .notFound)
            let unconfirmed = try await client.execute(
                uri: "/api/class/snapshots/lesson-1",
                method: .delete,
                headers: authorized
            )
            #expect(unconfirmed.status == .badRequest)
            let deleted = try await client.execute(
                uri: "/api/class/snapshots/lesson-1?confirm=lesson-1",
                method: .delete,
                headers: authorized
            )
            #expect(deleted.status == .ok)
            let unauthorized = try await client.execute(uri: "/api/class/snapshots/lesson-1/restore", method: .post)
            #expect(unauthorized.status == .unauthorized)
        }
    }
}
