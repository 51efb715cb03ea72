import Common
import Dashboard
import KafkaWire

/// The wire as a test broker sees it: a logged-in Java producer that was refused once, an
/// anonymous librdkafka consumer whose client id is markup, a few kept requests of the first,
/// and a group that rebalanced once.
final class FakeWire: BrokerWireView {
    func connections() -> [ConsoleConnection]? {
        let now = WallClock.nowMilliseconds()
        return [
            ConsoleConnection(
                id: 7,
                address: "10.0.0.5:51000",
                localAddress: "10.0.0.1:9092",
                listener: "SASL_PLAINTEXT",
                principal: "User:alice",
                clientID: "producer-1",
                clientSoftware: "apache-kafka-java 3.9.1",
                connectedAtMillis: now - 65_000,
                requests: ["Produce": 40, "Metadata": 2],
                bytesIn: 123_456,
                bytesOut: 2_048,
                lastRequestAtMillis: now - 1_000,
                errors: [.init(apiKey: 0, code: 3, count: 2)],
                lastError: ConsoleClientError(
                    apiKey: 0,
                    apiVersion: 9,
                    code: 3,
                    message: nil,
                    atMillis: now - 2_000
                )
            ),
            ConsoleConnection(
                id: 8,
                address: "10.0.0.6:51001",
                localAddress: "10.0.0.1:9092",
                listener: "PLAINTEXT",
                principal: "User:ANONYMOUS",
                clientID: "<img src=x onerror=alert(1)>",
                clientSoftware: nil,
                connectedAtMillis: now - 2_000,
                requests: ["Fetch": 5],
                positions: [ConsolePosition(topic: "orders", partition: 0, offset: 90, logEndOffset: 100)],
                groups: [
                    ConsoleMembership(
                        groupID: "analyzer",
                        memberID: "m-1",
                        partitions: [KafkaTopicPartition(topic: "orders", partition: 0)]
                    )
                ]
            ),
        ]
    }

    func closedConnections() -> [ConsoleConnection] { [] }

    /// Connection 7 has kept requests 1 (a Produce, answered with an error) and 2 (a Metadata
    /// still unanswered); other connections are not open.
    func requests(of id: Int, after sequence: Int) -> ConsoleRequestStream? {
        guard id == 7 else { return nil }
        return ConsoleRequestStream(
            requests: Self.kept.filter { $0.sequence > sequence },
            skipped: 12,
            samplesPerSecond: 20
        )
    }

    func request(of id: Int, sequence: Int) -> ConsoleRequest? {
        guard id == 7, var entry = Self.kept.first(where: { $0.sequence == sequence }) else { return nil }
        entry.raw = sequence == 1 ? [0x00, 0x00, 0x00, 0x09, 0xAB] : []
        return entry
    }

    static let kept = [
        ConsoleRequest(
            sequence: 1,
            atMillis: 1_700_000_000_000,
            apiKey: 0,
            apiVersion: 9,
            correlationID: 41,
            requestBytes: 420,
            topics: "<b>orders</b>[0]",
            decoded: ["transactionalId: null", "acks: -1"],
            finished: true,
            latencyMicroseconds: 1_500,
            responseBytes: 60,
            errorCodes: [3],
            errorMessage: nil,
            raw: [],
            rawKept: true
        ),
        ConsoleRequest(
            sequence: 2,
            atMillis: 1_700_000_000_100,
            apiKey: 3,
            apiVersion: 12,
            correlationID: 42,
            requestBytes: 30,
            topics: "",
            decoded: ["topics: null"],
            finished: false,
            latencyMicroseconds: nil,
            responseBytes: nil,
            errorCodes: [],
            errorMessage: nil,
            raw: []
        ),
    ]

    func groupMoments() -> [String: [ConsoleGroupMoment]] {
        let orders0 = KafkaTopicPartition(topic: "orders", partition: 0)
        return [
            "analyzer": [
                ConsoleGroupMoment(
                    atMillis: 1_700_000_000_000,
                    state: "PreparingRebalance",
                    generation: 0,
                    leaderID: nil,
                    protocolName: nil,
                    members: [
                        .init(
                            memberID: "m-1",
                            clientID: "aseed",
                            clientHost: "/10.0.0.6",
                            phase: "joining",
                            partitions: []
                        )
                    ],
                    change: "aseed (m-1) joined; rebalance started: every member must rejoin"
                ),
                ConsoleGroupMoment(
                    atMillis: 1_700_000_000_300,
                    state: "Stable",
                    generation: 1,
                    leaderID: "m-1",
                    protocolName: "range",
                    members: [
                        .init(
                            memberID: "m-1",
                            clientID: "aseed",
                            clientHost: "/10.0.0.6",
                            phase: "assigned",
                            partitions: [orders0]
                        )
                    ],
                    change: "assignments delivered: generation 1 is stable"
                ),
            ]
        ]
    }

    func advertisedAddresses() -> [AdvertisedAddress] {
        [AdvertisedAddress(listener: "PLAINTEXT", address: "localhost:9092", problem: nil)]
    }
}
