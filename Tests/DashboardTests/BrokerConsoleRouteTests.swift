import Foundation
import HummingbirdTesting
import NIOCore
import Testing

@testable import Dashboard

@Suite("Broker console routes")
struct BrokerConsoleRouteTests {
    @Test func withoutAConsoleTheRoutesAre503() async throws {
        try await TestDashboard(console: nil).test { client in
            for path in [
                "/api/broker/topics", "/api/broker/topics/orders", "/api/broker/groups", "/api/broker/groups/g",
                "/api/broker/messages?topic=orders", "/api/broker/transactions", "/api/broker/connections",
            ] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .serviceUnavailable, "\(path)")
                #expect(try response.json["error"] as? String == "unavailable")
            }
        }
    }

    @Test func aSearchReachesTheConsoleAsAsked() async throws {
        let console = FakeConsole()
        try await TestDashboard(console: console).test { client in
            let uri =
                "/api/broker/messages?topic=orders&partition=2&limit=5&filter=x&key=ORDER&value=PROD&header=trace%3Dab"
                + "&from=2026-12-06T09:00:00Z&to=1764000000000&from_offset=40"
            #expect(try await client.execute(uri: uri, method: .get).status == .ok)
            let expected = MessageQuery(
                topic: "orders",
                partition: 2,
                limit: 5,
                text: "x",
                key: "ORDER",
                value: "PROD",
                header: "trace=ab",
                fromMillis: 1_796_547_600_000,
                toMillis: 1_764_000_000_000,
                fromOffset: 40
            )
            #expect(console.lastQuery.withLock { $0 } == expected)
            // As the page's URLSearchParams writes it: "+" for a space.
            _ = try await client.execute(uri: "/api/broker/messages?topic=orders&value=value+7%2B1", method: .get)
            #expect(console.lastQuery.withLock { $0?.value } == "value 7+1")
            for (parameter, phrase) in [
                ("from=soon", "from must be milliseconds"), ("from_offset=-1", "from_offset must be"),
                ("format=xml", "format must be json, jsonl or csv"),
            ] {
                let response = try await client.execute(
                    uri: "/api/broker/messages?topic=orders&\(parameter)",
                    method: .get
                )
                #expect(response.status == .badRequest, "\(parameter)")
                #expect(try (response.json["message"] as? String)?.contains(phrase) == true, "\(response.text)")
            }
        }
    }

    @Test func messagesExportAsJSONLinesOrCSV() async throws {
        try await TestDashboard().test { client in
            let lines = try await client.execute(
                uri: "/api/broker/messages?topic=orders&limit=3&format=jsonl",
                method: .get
            )
            #expect(lines.headers[.contentDisposition] == "attachment; filename=\"orders-messages.jsonl\"")
            let rows = lines.text.split(separator: "\n")
            #expect(rows.count == 3)
            #expect(rows[0].hasPrefix(#"{"partition":0,"offset":99,"#))
            let csv = try await client.execute(
                uri: "/api/broker/messages?topic=orders&limit=2&format=csv",
                method: .get
            )
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("partition,offset,timestamp,key,value,headers\r\n0,99,"))
            #expect(csv.text.split(separator: "\r\n").count == 3)
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

    @Test func aTopicShowsItsCleanupPolicyAndTheCleanersFigures() async throws {
        try await TestDashboard().test { client in
            let orders = try await client.execute(uri: "/api/broker/topics/orders", method: .get).json
            #expect(orders["cleanup_policy"] as? String == "delete")
            let ordersPartitions = try #require(orders["partitions"] as? [[String: Any]])
            #expect(ordersPartitions.allSatisfy { $0["cleaner"] == nil })

            let topic = try await client.execute(uri: "/api/broker/topics/compacted", method: .get).json
            #expect(topic["cleanup_policy"] as? String == "compact,delete")
            let partitions = try #require(topic["partitions"] as? [[String: Any]])
            let cleaned = try #require(partitions[0]["cleaner"] as? [String: Any])
            #expect(
                Set(cleaned.keys) == [
                    "dirty_ratio", "first_dirty_offset", "last_cleaning", "cleanings", "total_bytes_reclaimed",
                    "last_error", "last_error_at",
                ]
            )
            #expect(cleaned["dirty_ratio"] as? Double == 0.123)
            #expect(cleaned["first_dirty_offset"] as? Int == 480)
            #expect(cleaned["cleanings"] as? Int == 2)
            #expect(cleaned["total_bytes_reclaimed"] as? Int == 15000)
            #expect(cleaned["last_error"] as? String == "No space left on device")
            #expect(cleaned["last_error_at"] as? String == "2025-11-24T16:01:00.000000Z")
            let last = try #require(cleaned["last_cleaning"] as? [String: Any])
            #expect(last["finished_at"] as? String == "2025-11-24T16:00:00.123000Z")
            #expect(last["duration_ms"] as? Int == 42)
            #expect(last["bytes_reclaimed"] as? Int == 9000)
            #expect(last["records_kept"] as? Int == 40)
            #expect(last["records_removed"] as? Int == 440)

            let uncleaned = try #require(partitions[1]["cleaner"] as? [String: Any])
            #expect(uncleaned["last_cleaning"] is NSNull)
            #expect(uncleaned["last_error"] is NSNull && uncleaned["last_error_at"] is NSNull)
            #expect(uncleaned["cleanings"] as? Int == 0)

            // The listing has neither: it is the description that carries them.
            let topics = try #require(
                try await client.execute(uri: "/api/broker/topics", method: .get).json["topics"] as? [[String: Any]]
            )
            #expect(topics.allSatisfy { $0["cleanup_policy"] == nil })
        }
    }

    @Test func transactionsListOpenOnesFirstTheOldestFirst() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/transactions", method: .get)
            #expect(response.status == .ok)
            let transactions = try #require(response.json["transactions"] as? [[String: Any]])
            #expect(transactions.map { $0["transactional_id"] as? String } == [FakeConsole.markupID, "recent", "done"])
            #expect(
                Set(transactions[0].keys) == [
                    "transactional_id", "state", "producer_id", "producer_epoch", "timeout_ms", "started_at", "age_ms",
                    "partitions",
                ]
            )
            let hanging = transactions[0]
            #expect(hanging["state"] as? String == "Ongoing")
            #expect(hanging["producer_id"] as? Int == 8 && hanging["producer_epoch"] as? Int == 2)
            #expect(hanging["timeout_ms"] as? Int == 900_000)
            #expect((hanging["started_at"] as? String)?.hasSuffix("Z") == true)
            let age = try #require(hanging["age_ms"] as? Int)
            #expect((3_600_000..<3_660_000).contains(age))
            let partitions = try #require(hanging["partitions"] as? [[String: Any]])
            #expect(
                partitions.map { "\($0["topic"] as? String ?? "")-\($0["partition"] as? Int ?? -1)" } == [
                    "orders-0", "orders-2",
                ]
            )
            // A completed transaction has no age: its start says nothing about now.
            #expect(transactions[2]["state"] as? String == "CompleteCommit")
            #expect(transactions[2]["age_ms"] is NSNull)
            #expect((transactions[2]["partitions"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func connectionsSayWhoIsConnectedAsWhom() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/connections", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json["known"] as? Bool == true)
            let connections = try #require(response.json["connections"] as? [[String: Any]])
            #expect(connections.count == 2)
            #expect(
                Set(connections[0].keys) == [
                    "id", "address", "local_address", "listener", "principal", "client_id", "client_software",
                    "connected_at", "connected_ms", "requests", "bytes_in", "bytes_out", "last_request_at", "errors",
                    "last_error", "positions", "groups", "read_committed_fetches",
                ]
            )
            #expect(connections[0]["requests"] as? [String: Int] == ["Metadata": 2, "Produce": 40])
            #expect(connections[0]["bytes_in"] as? Int == 123_456)
            #expect(connections[1]["last_request_at"] is NSNull)
            #expect(connections[0]["principal"] as? String == "User:alice")
            #expect(connections[0]["listener"] as? String == "SASL_PLAINTEXT")
            #expect(connections[0]["client_software"] as? String == "apache-kafka-java 3.9.1")
            #expect((65_000..<70_000).contains(connections[0]["connected_ms"] as? Int ?? 0))
            #expect(connections[1]["client_software"] is NSNull)
            // Markup in a client id is JSON text, never HTML.
            #expect(connections[1]["client_id"] as? String == "<img src=x onerror=alert(1)>")
        }
    }

    @Test func aTransactionalIDThatIsMarkupComesBackAsJSONText() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/transactions", method: .get)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let body = String(buffer: response.body)
            // The id is a JSON string (its quotes escaped), the exact text back after decoding.
            #expect(!body.contains(#"onerror="alert"#))
            let transactions = try #require(response.json["transactions"] as? [[String: Any]])
            #expect(transactions.first?["transactional_id"] as? String == FakeConsole.markupID)
        }
    }

    @Test func aTransactionsAgeIsOnlyKnownWhileItIsOpen() {
        var transaction = ConsoleTransaction(
            transactionalID: "t",
            state: "PrepareAbort",
            producerID: 1,
            producerEpoch: 0,
            timeoutMs: 1000,
            startTimeMs: 10_000,
            partitions: []
        )
        #expect(transaction.isOpen && transaction.ageMs(nowMs: 12_500) == 2500)
        #expect(transaction.ageMs(nowMs: 9000) == 0)
        transaction.state = "CompleteAbort"
        #expect(!transaction.isOpen && transaction.ageMs(nowMs: 12_500) == nil)
        transaction.state = "Ongoing"
        transaction.startTimeMs = -1
        #expect(transaction.ageMs(nowMs: 12_500) == nil)
    }

    @Test func attachingFiguresLeavesPartitionsTheyDoNotNameWithout() {
        var topic = ConsoleTopic(
            name: "t",
            partitions: (0..<3).map { ConsolePartition(partition: $0, leader: 1, earliestOffset: 0, latestOffset: 1) },
            configs: ["cleanup.policy": "compact"]
        )
        topic.attach([1: ConsoleCleanerFigures(dirtyRatio: 0.25, firstDirtyOffset: 7)])
        #expect(topic.partitions.map { $0.cleaner?.firstDirtyOffset } == [nil, 7, nil])
        #expect(topic.cleanupPolicy == "compact")
        #expect(ConsoleTopic(name: "t", partitions: []).cleanupPolicy == nil)
    }
}
