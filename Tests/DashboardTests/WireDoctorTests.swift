import KafkaWire
import Testing

@testable import Dashboard

@Suite("The doctor names client mistakes from the wire")
struct WireDoctorTests {
    static let now: Int64 = 1_700_000_000_000
    static let reachable = [AdvertisedAddress(listener: "PLAINTEXT", address: "localhost:9092", problem: nil)]
    static let unreachable = [
        AdvertisedAddress(
            listener: "PLAINTEXT",
            address: "kafka.invalid:9092",
            problem: "'kafka.invalid' does not resolve to any address"
        )
    ]

    static func connection(
        _ clientID: String,
        host: String = "10.0.0.9",
        age: Int64 = 30_000,
        requests: [String: Int],
        errors: [ConsoleClientError.Count] = [],
        lastError: ConsoleClientError? = nil,
        closed: Bool = false
    ) -> ConsoleConnection {
        ConsoleConnection(
            address: "\(host):50000",
            localAddress: "127.0.0.1:9092",
            listener: "PLAINTEXT",
            principal: "User:ANONYMOUS",
            clientID: clientID,
            clientSoftware: "librdkafka 2.6.0",
            connectedAtMillis: now - age,
            requests: requests,
            errors: errors,
            lastError: lastError,
            closedAtMillis: closed ? now - 1_000 : nil
        )
    }

    static func doctor(
        open: [ConsoleConnection] = [],
        closed: [ConsoleConnection] = [],
        groups: [String: [ConsoleGroupMoment]] = [:],
        advertised: [AdvertisedAddress] = reachable
    ) -> WireDoctor {
        WireDoctor(open: open, closed: closed, groups: groups, advertised: advertised, nowMillis: now)
    }

    @Test func aClientThatOnlyBootstrapsWhileTheAdvertisedAddressLeadsElsewhereIsNamed() {
        // The Java client's idempotent producer also asks the bootstrap broker for its id.
        let stuck = Self.connection("stuck", requests: ["ApiVersions": 1, "Metadata": 4, "InitProducerId": 1])
        let findings = Self.doctor(open: [stuck], advertised: Self.unreachable).findings
        #expect(findings.map(\.kind) == [.unreachableAdvertisedAddress])
        #expect(findings[0].problem.contains("kafka.invalid:9092"))
        #expect(findings[0].problem.contains("127.0.0.1:9092"))
        #expect(findings[0].fix.contains("--kafka-advertise"))
        // The same client with a good address, or one that went on to produce, or one seen
        // only a moment ago, is not.
        #expect(Self.doctor(open: [stuck]).findings.isEmpty)
        // A wrong address on another listener is not this client's problem.
        let elsewhere = [
            Self.reachable[0],
            AdvertisedAddress(listener: "SASL_SSL", address: "kafka.invalid:9094", problem: "does not resolve"),
        ]
        #expect(Self.doctor(open: [stuck], advertised: elsewhere).findings.isEmpty)
        let working = Self.connection("working", requests: ["Metadata": 1, "Produce": 3])
        #expect(Self.doctor(open: [working], advertised: Self.unreachable).findings.isEmpty)
        let fresh = Self.connection("fresh", age: 2_000, requests: ["Metadata": 1])
        #expect(Self.doctor(open: [fresh], advertised: Self.unreachable).findings.isEmpty)
        // Closed bootstrap connections count: the client came and went without working.
        let gone = Self.connection("gone", requests: ["Metadata": 1], closed: true)
        #expect(
            Self.doctor(closed: [gone], advertised: Self.unreachable).findings.map(\.kind) == [
                .unreachableAdvertisedAddress
            ]
        )
    }

    @Test func aConsumerCommittingWithoutFetchingIsNamed() {
        let committer = Self.connection("lazy", requests: ["OffsetCommit": 5, "Heartbeat": 9])
        let findings = Self.doctor(open: [committer]).findings
        #expect(findings.map(\.kind) == [.commitsWithoutFetching])
        #expect(findings[0].problem.contains("5 times"))
        // Its fetches may come over another connection of the same client.
        let fetcher = Self.connection("lazy", requests: ["Fetch": 40])
        #expect(Self.doctor(open: [committer, fetcher]).findings.isEmpty)
    }

    @Test func aRefusedProducerIsNamedWithWhy() {
        let refused = Self.connection(
            "writer",
            requests: ["Produce": 3],
            errors: [.init(apiKey: 0, code: KafkaErrorCode.topicAuthorizationFailed.rawValue, count: 3)],
            lastError: ConsoleClientError(
                apiKey: 0,
                apiVersion: 9,
                code: KafkaErrorCode.topicAuthorizationFailed.rawValue,
                message: nil,
                atMillis: Self.now
            )
        )
        let findings = Self.doctor(open: [refused]).findings
        #expect(findings.map(\.kind) == [.refusedProducer])
        #expect(findings[0].problem.contains("3 Produce request(s) refused (TOPIC_AUTHORIZATION_FAILED)"))
        #expect(findings[0].fix.contains("aseed acls add"))
        // Errors of other APIs are not a refused producer.
        let other = Self.connection("reader", requests: ["Fetch": 1], errors: [.init(apiKey: 1, code: 1, count: 1)])
        #expect(Self.doctor(open: [other]).findings.isEmpty)
    }

    @Test func aClientAskingForVersionsTheBrokerLacksIsNamed() {
        let unsupported = KafkaErrorCode.unsupportedVersion.rawValue
        let client = Self.connection(
            "new",
            requests: ["Produce": 1],
            errors: [.init(apiKey: 68, code: unsupported, count: 1)],
            lastError: ConsoleClientError(
                apiKey: 68,
                apiVersion: 1,
                code: unsupported,
                message: nil,
                atMillis: Self.now
            )
        )
        let findings = Self.doctor(open: [client]).findings
        #expect(findings.map(\.kind) == [.missingFeature])
        #expect(findings[0].problem.contains("API 68 v1"))
    }

    static func moment(
        at: Int64,
        state: String,
        members: [(String, [Int32])],
        expired: [String] = []
    ) -> ConsoleGroupMoment {
        ConsoleGroupMoment(
            atMillis: at,
            state: state,
            generation: 1,
            leaderID: members.first?.0,
            protocolName: "range",
            members: members.map { name, partitions in
                .init(
                    memberID: name,
                    clientID: name,
                    clientHost: "/10.0.0.9",
                    phase: "assigned",
                    partitions: partitions.map { KafkaTopicPartition(topic: "orders", partition: $0) }
                )
            },
            change: "",
            expired: expired
        )
    }

    @Test func moreConsumersThanPartitionsAreNamedIdle() {
        let stable = Self.moment(at: Self.now, state: "Stable", members: [("a", [0]), ("b", [1]), ("c", [])])
        let findings = Self.doctor(groups: ["g": [stable]]).findings
        #expect(findings.map(\.kind) == [.idleConsumers])
        #expect(findings[0].problem.contains("3 consumers but 2 partition(s)"))
        #expect(findings[0].problem.contains("'c'"))
        // While it rebalances members have no partitions yet: not idle.
        let rebalancing = Self.moment(at: Self.now, state: "PreparingRebalance", members: [("a", []), ("b", [])])
        #expect(Self.doctor(groups: ["g": [rebalancing]]).findings.isEmpty)
    }

    @Test func rebalancesInALoopAreNamedWithTheSessionTimeoutsBehindThem() {
        let loop = (0..<3).reversed().flatMap { index -> [ConsoleGroupMoment] in
            let at = Self.now - Int64(index) * 30_000
            return [
                Self.moment(
                    at: at - 1,
                    state: "PreparingRebalance",
                    members: [("a", [])],
                    expired: ["b"]
                ),
                Self.moment(at: at, state: "Stable", members: [("a", [0])]),
            ]
        }
        let findings = Self.doctor(groups: ["g": loop]).findings
        #expect(findings.map(\.kind) == [.rebalanceLoop])
        #expect(findings[0].problem.contains("rebalanced 3 times"))
        #expect(findings[0].problem.contains("removed 3 time(s)"))
        #expect(findings[0].fix.contains("session.timeout.ms"))
        // A member joining while the group rebalances is the same rebalance, not another one.
        let joinedDuring = loop.flatMap { moment in
            moment.state == "PreparingRebalance" ? [moment, moment] : [moment]
        }
        #expect(Self.doctor(groups: ["g": joinedDuring]).findings.first?.problem.contains("rebalanced 3 times") == true)
        // Without removals, members come and go by themselves.
        let churn = loop.map { moment in
            var moment = moment
            moment.expired = []
            return moment
        }
        #expect(Self.doctor(groups: ["g": churn]).findings.first?.fix.contains("restarts or closes in a loop") == true)
        // Two rebalances, or three spread over an hour, are not a loop.
        #expect(Self.doctor(groups: ["g": Array(loop.prefix(4))]).findings.isEmpty)
        let spread = loop.enumerated().map { index, moment in
            var moment = moment
            moment.atMillis -= Int64(index / 2) * 20 * 60_000
            return moment
        }
        #expect(Self.doctor(groups: ["g": spread]).findings.isEmpty)
    }
}
