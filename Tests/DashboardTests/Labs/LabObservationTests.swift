import KafkaWire
import Testing

@testable import Dashboard

@Suite("What a lab's goals see")
struct LabObservationTests {
    static let order = """
        {"order_id": "a-1", "product_id": "P001", "product_name": "Notebook", "category": "Books", \
        "customer_id": "C1", "price": 12.5, "quantity": 3, "timestamp": "2026-12-06T20:50:21.085Z"}
        """

    static func connection(
        _ clientID: String?,
        principal: String = "User:ANONYMOUS",
        requests: [String: Int] = [:]
    )
        -> ConsoleConnection
    {
        ConsoleConnection(
            address: "127.0.0.1:40000",
            listener: "PLAINTEXT",
            principal: principal,
            clientID: clientID,
            clientSoftware: nil,
            connectedAtMillis: 0,
            requests: requests
        )
    }

    static func topic(
        _ name: String,
        partitions: Int,
        records: Int64 = 0,
        configs: [String: String] = [:]
    )
        -> ConsoleTopic
    {
        ConsoleTopic(
            name: name,
            partitions: (0..<partitions).map {
                ConsolePartition(
                    partition: Int32($0),
                    leader: 1,
                    earliestOffset: 0,
                    latestOffset: $0 == 0 ? records : 0
                )
            },
            configs: configs
        )
    }

    @Test func ordersAreCountedAsTheAnalyzerAcceptsThem() {
        let quoted = Self.order.replacing("12.5", with: "\"12.5\"")
        #expect(RecordSample.orders(among: [Self.order, quoted, "hello", Self.order]) == 2)
    }

    @Test func aStudentIsTheUserNameElseTheClientID() {
        #expect(LabStudent.name(of: Self.connection("alice")) == "alice")
        #expect(LabStudent.name(of: Self.connection("laptop-7", principal: "User:bob")) == "bob")
        #expect(LabStudent.name(of: Self.connection("aseed-simulator")) == nil)
        #expect(LabStudent.name(of: Self.connection("orders")) == nil)
        #expect(LabStudent.name(of: Self.connection(nil)) == nil)
    }

    @Test func eachGoalHoldsOnlyForWhatItAsks() {
        let observation = LabObservation(
            connections: [
                ConsoleConnection(
                    address: "127.0.0.1:40001",
                    listener: "PLAINTEXT",
                    principal: "User:ANONYMOUS",
                    clientID: "alice",
                    clientSoftware: nil,
                    connectedAtMillis: 0,
                    requests: ["InitProducerId": 1, "Produce": 3, "EndTxn": 1, "Fetch": 2],
                    readCommittedFetches: 1
                ),
                Self.connection("bob", requests: ["Produce": 3]),
            ],
            topics: [
                "students.alice": Self.topic("students.alice", partitions: 1, records: 12),
                "students.alice.six": Self.topic(
                    "students.alice.six",
                    partitions: 6,
                    configs: ["cleanup.policy": "compact"]
                ),
                "students.bob.six": Self.topic("students.bob.six", partitions: 3),
                "orders": Self.topic("orders", partitions: 3, records: 100),
            ],
            groups: [
                "g-alice": GroupDescription(
                    groupID: "g-alice",
                    state: "Empty",
                    protocolType: "consumer",
                    protocolName: "",
                    members: [],
                    offsets: [
                        .init(partition: KafkaTopicPartition(topic: "orders", partition: 1), committed: 40, latest: 100)
                    ]
                )
            ],
            samples: [
                "students.alice": RecordSample(records: 12, validOrders: 10, keyed: 10),
                "students.bob": RecordSample(records: 12, validOrders: 2, keyed: 0),
                "orders.dlq": RecordSample(records: 3, validOrders: 0, keyed: 2, keys: ["alice", "carol"]),
            ],
            lateOrderIDs: ["alice-late-1", "ORDER-TX-000007"]
        )
        func holds(_ goal: LabGoal, _ student: String) -> Bool {
            observation.holds(goal.for(student: student), for: student)
        }
        #expect(holds(.connect, "alice") && holds(.connect, "bob") && !holds(.connect, "carol"))
        let produce = LabGoal.produce(topic: "students.{name}", count: 10, validOrders: true)
        #expect(holds(produce, "alice") && !holds(produce, "bob"))
        #expect(holds(.produce(topic: "students.{name}", count: 12, validOrders: false), "alice"))
        #expect(!holds(.produce(topic: "students.{name}", count: 13, validOrders: false), "alice"))
        let six = LabGoal.topic(topic: "students.{name}.six", partitions: 6, configs: [:])
        #expect(holds(six, "alice") && !holds(six, "bob"))
        #expect(
            holds(.topic(topic: "students.{name}.six", partitions: 6, configs: ["cleanup.policy": "compact"]), "alice")
        )
        #expect(
            !holds(.topic(topic: "students.{name}.six", partitions: 6, configs: ["cleanup.policy": "delete"]), "alice")
        )
        let commit = LabGoal.commit(group: "g-{name}", topic: "orders")
        #expect(holds(commit, "alice") && !holds(commit, "bob"))
        #expect(!holds(.commit(group: "g-{name}", topic: "students.alice"), "alice"))
        let keys = LabGoal.keys(topic: "students.{name}", count: 10)
        #expect(holds(keys, "alice") && !holds(keys, "bob"))
        let deadLetter = LabGoal.deadLetter(topic: "orders.dlq", key: "{name}")
        #expect(holds(deadLetter, "alice") && !holds(deadLetter, "bob"))
        #expect(!holds(.deadLetter(topic: "students.{name}", key: "{name}"), "alice"))
        let late = LabGoal.lateOrder(prefix: "{name}-")
        #expect(holds(late, "alice") && !holds(late, "bob"))
        #expect(!holds(.topProduct(span: .all, metric: .revenue), "alice"))
        #expect(holds(.idempotence, "alice") && !holds(.idempotence, "bob"))
        #expect(holds(.transaction, "alice") && !holds(.transaction, "bob"))
        #expect(holds(.readCommitted, "alice") && !holds(.readCommitted, "bob"))
    }

    @Test func aRebalanceNeedsThatManyMembersAtOnce() {
        func moment(_ members: Int) -> ConsoleGroupMoment {
            ConsoleGroupMoment(
                atMillis: 0,
                state: "Stable",
                generation: 1,
                leaderID: nil,
                protocolName: "range",
                members: (0..<members).map {
                    .init(
                        memberID: "m\($0)",
                        clientID: "alice",
                        clientHost: "/127.0.0.1",
                        phase: "assigned",
                        partitions: []
                    )
                },
                change: "",
                expired: []
            )
        }
        let observation = LabObservation(moments: [
            "g-alice-pair": [moment(1), moment(2), moment(1)], "g-bob-pair": [moment(1)],
        ])
        let goal = LabGoal.rebalance(group: "g-{name}-pair", members: 2)
        #expect(observation.holds(goal.for(student: "alice"), for: "alice"))
        #expect(!observation.holds(goal.for(student: "bob"), for: "bob"))
    }
}
