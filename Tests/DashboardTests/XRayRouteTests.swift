import Foundation
import HummingbirdTesting
import Testing

@testable import Dashboard

@Suite("The X-ray's routes: connections, request stream, doctor, rebalances")
struct XRayRouteTests {
    @Test func aConnectionShowsItsErrorsExplainedItsPositionsAndGroups() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/connections", method: .get)
            let connections = try #require(response.json["connections"] as? [[String: Any]])
            let producer = connections[0]
            #expect(producer["id"] as? Int == 7)
            #expect(producer["local_address"] as? String == "10.0.0.1:9092")
            let errors = try #require(producer["errors"] as? [[String: Any]])
            #expect(errors.count == 1)
            #expect(errors[0]["api"] as? String == "Produce")
            #expect(errors[0]["name"] as? String == "UNKNOWN_TOPIC_OR_PARTITION")
            #expect(errors[0]["count"] as? Int == 2)
            let last = try #require(producer["last_error"] as? [String: Any])
            #expect(last["version"] as? Int == 9)
            let explanation = try #require(last["explanation"] as? String)
            #expect(explanation.hasPrefix("Produce v9 was answered UNKNOWN_TOPIC_OR_PARTITION: the topic"))
            #expect(explanation.contains("create the topic"))
            let consumer = connections[1]
            #expect(consumer["last_error"] is NSNull)
            let positions = try #require(consumer["positions"] as? [[String: Any]])
            #expect(positions.count == 1)
            #expect(positions[0]["offset"] as? Int == 90)
            #expect(positions[0]["log_end"] as? Int == 100)
            #expect(positions[0]["lag"] as? Int == 10)
            let groups = try #require(consumer["groups"] as? [[String: Any]])
            #expect(groups.first?["group_id"] as? String == "analyzer")
            #expect(groups.first?["member_id"] as? String == "m-1")
            let assigned = try #require(groups.first?["partitions"] as? [[String: Any]])
            #expect(assigned.first?["topic"] as? String == "orders")
            #expect(assigned.first?["partition"] as? Int == 0)
        }
    }

    @Test func theRequestStreamAnswersWhatCameAfterTheViewersLast() async throws {
        try await TestDashboard().test { client in
            let all = try await client.execute(uri: "/api/broker/connections/7/requests", method: .get)
            #expect(all.status == .ok)
            #expect(try all.json["skipped"] as? Int == 12)
            #expect(try all.json["samples_per_second"] as? Int == 20)
            let requests = try #require(try all.json["requests"] as? [[String: Any]])
            #expect(requests.map { $0["sequence"] as? Int } == [1, 2])
            #expect(requests[0]["api"] as? String == "Produce")
            #expect(requests[0]["topics"] as? String == "<b>orders</b>[0]")
            #expect(requests[0]["latency_ms"] as? Double == 1.5)
            #expect(requests[0]["errors"] as? [String] == ["UNKNOWN_TOPIC_OR_PARTITION"])
            #expect(requests[0]["decoded"] as? [String] == ["transactionalId: null", "acks: -1"])
            #expect(requests[0]["raw_kept"] as? Bool == true)
            #expect(requests[1]["raw_kept"] as? Bool == false)
            #expect(requests[1]["finished"] as? Bool == false)
            #expect(requests[1]["latency_ms"] is NSNull)

            let later = try await client.execute(uri: "/api/broker/connections/7/requests?after=1", method: .get)
            #expect(try (later.json["requests"] as? [[String: Any]])?.map { $0["sequence"] as? Int } == [2])
        }
    }

    @Test func aRequestStreamOfNoOpenConnectionOrABadIdIsRefusedWithASentence() async throws {
        try await TestDashboard().test { client in
            let gone = try await client.execute(uri: "/api/broker/connections/99/requests", method: .get)
            #expect(gone.status == .notFound)
            #expect(try (gone.json["message"] as? String)?.contains("connection 99 is not open") == true)
            for uri in ["/api/broker/connections/x/requests", "/api/broker/connections/-1/requests"] {
                let bad = try await client.execute(uri: uri, method: .get)
                #expect(bad.status == .badRequest, "\(uri)")
            }
            let badAfter = try await client.execute(uri: "/api/broker/connections/7/requests?after=many", method: .get)
            #expect(badAfter.status == .badRequest)
        }
    }

    @Test func theRawBytesOfAKeptRequestComeInHex() async throws {
        try await TestDashboard().test { client in
            let raw = try await client.execute(uri: "/api/broker/connections/7/requests/1/raw", method: .get)
            #expect(raw.status == .ok)
            #expect(try raw.json["hex"] as? String == "00 00 00 09 ab")
            #expect(try raw.json["shown_bytes"] as? Int == 5)
            #expect(try raw.json["request_bytes"] as? Int == 420)
            let login = try await client.execute(uri: "/api/broker/connections/7/requests/2/raw", method: .get)
            #expect(try (login.json["message"] as? String)?.contains("not kept") == true)
            let gone = try await client.execute(uri: "/api/broker/connections/7/requests/3/raw", method: .get)
            #expect(gone.status == .notFound)
        }
    }

    @Test func theDoctorAnswersItsFindingsAndTheAdvertisedAddresses() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/doctor", method: .get)
            #expect(response.status == .ok)
            #expect(try response.json["known"] as? Bool == true)
            let findings = try #require(try response.json["findings"] as? [[String: Any]])
            // The fake Java producer had two Produce requests refused.
            #expect(findings.map { $0["kind"] as? String } == ["refused-producer"])
            #expect((findings[0]["fix"] as? String)?.contains("create the topic") == true)
            let advertised = try #require(try response.json["advertised"] as? [[String: Any]])
            #expect(advertised.first?["address"] as? String == "localhost:9092")
            #expect(advertised.first?["listener"] as? String == "PLAINTEXT")
            #expect(advertised.first?["problem"] is NSNull)
        }
    }

    @Test func aGroupsRebalancesComeOldestFirstWithEachMembersPhaseAndPartitions() async throws {
        try await TestDashboard().test { client in
            let response = try await client.execute(uri: "/api/broker/groups/analyzer/rebalances", method: .get)
            let moments = try #require(try response.json["moments"] as? [[String: Any]])
            #expect(moments.map { $0["state"] as? String } == ["PreparingRebalance", "Stable"])
            let members = try #require(moments[1]["members"] as? [[String: Any]])
            #expect(members.first?["phase"] as? String == "assigned")
            #expect((members.first?["partitions"] as? [[String: Any]])?.first?["topic"] as? String == "orders")
            let unknown = try await client.execute(uri: "/api/broker/groups/nobody/rebalances", method: .get)
            #expect(try (unknown.json["moments"] as? [Any])?.isEmpty == true)
        }
    }
}
