import HummingbirdTesting
import Testing

@testable import Dashboard

@Suite("Broker console routes")
struct BrokerConsoleRouteTests {
    @Test func withoutAConsoleTheRoutesAre503() async throws {
        try await TestDashboard(console: nil).test { client in
            for path in [
                "/api/broker/topics", "/api/broker/topics/orders", "/api/broker/groups", "/api/broker/groups/g",
                "/api/broker/messages?topic=orders",
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(try response.json["error"] as? String == "unavailable")
            }
        }
    }

    @Test func topicsGroupsAndMessages() async throws {
        try await TestDashboard().test { client in
            let topics = try #require(
                try await client.execute(uri: "/api/broker/topics", method: .get).json["topics"] as? [[String: Any]]
            )
            let partitions = try #require(topics.first?["partitions"] as? [[String: Any]])
            #expect(
                Set(partitions[0].keys) == [
                    "partition", "leader", "earliest_offset", "latest_offset", "size_bytes", "messages_per_second",
                ]
            )
            let topic = try await client.execute(uri: "/api/broker/topics/orders", method: .get).json
            #expect((topic["configs"] as? [String: String])?["compression.type"] == "lz4")
            #expect(try await client.execute(uri: "/api/broker/topics/nope", method: .get).status == .notFound)
            let groups = try #require(
                try await client.execute(uri: "/api/broker/groups", method: .get).json["groups"] as? [[String: Any]]
            )
            #expect(Set(groups[0].keys) == ["group_id", "state", "protocol_type", "members"])
            let group = try await client.execute(uri: "/api/broker/groups/aseed-analyzer", method: .get).json
            let offsets = try #require(group["offsets"] as? [[String: Any]])
            #expect(offsets.first?["lag"] as? Int == 10)
            #expect(((group["members"] as? [[String: Any]])?.first?["assignment"] as? [Any])?.count == 1)
            #expect(try await client.execute(uri: "/api/broker/groups/other", method: .get).status == .notFound)
            let messages = try #require(
                try await client.execute(uri: "/api/broker/messages?topic=orders&limit=5", method: .get).json[
                    "messages"
                ] as? [[String: Any]]
            )
            #expect(messages.count == 5)
            #expect(Set(messages[0].keys) == ["partition", "offset", "timestamp", "key", "value", "headers"])
            #expect(try await client.execute(uri: "/api/broker/messages", method: .get).status == .badRequest)
            #expect(
                try await client.execute(uri: "/api/broker/messages?topic=orders&limit=201", method: .get).status
                    == .badRequest
            )
            #expect(
                try await client.execute(uri: "/api/broker/messages?topic=orders&partition=-1", method: .get).status
                    == .badRequest
            )
            #expect(try await client.execute(uri: "/api/broker/messages?topic=none", method: .get).status == .notFound)
        }
    }
}
