import Foundation
import KafkaWire
import NIOCore
import NIOPosix
import Testing

/// Produces with `KafkaProducer` or kcat and consumes with `KafkaConsumer` from real brokers.
@Suite("Consumer against real brokers", .serialized)
struct ConsumerEndToEndTests {
    static let baseTimestamp: Int64 = 1_700_000_000_000

    /// Runs `body` against an in-process aseed whose groups rebalance at once and accept
    /// short sessions, then stops it.
    static func withAseed(_ body: (InProcessBroker) async throws -> Void) async throws {
        try await InProcessBroker.with(
            { configuration in
                configuration.groupInitialRebalanceDelayMs = 0
                configuration.groupMinSessionTimeoutMs = 500
            },
            body
        )
    }

    static func createTopic(_ topic: String, partitions: Int32, on broker: any TestBroker) async throws {
        let admin = try await BrokerConnection.connect(
            to: broker.address,
            clientID: "test-admin",
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton
        )
        try await BrokerRecords.createTopic(topic, partitions: partitions, on: admin)
        await admin.close()
    }

    /// Writes `count` records "key-i"/"value-i" at timestamps base + 10 i into partition 0,
    /// in several batches so that offsets fall inside batches.
    static func produce(_ count: Int, topic: String, codec: CompressionCodec, broker: any TestBroker) async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.address])
        configuration.compression = codec
        configuration.batchSize = 4096
        let producer = try KafkaProducer(configuration: configuration)
        for index in 0..<count {
            try await producer.send(
                topic: topic,
                key: Array("key-\(index)".utf8),
                value: Array("value-\(index)".utf8),
                headers: index == 0 ? [RecordHeader(key: "h", value: ByteBuffer(string: "first"))] : [],
                timestamp: baseTimestamp + Int64(index) * 10
            )
        }
        try await producer.close()
    }

    static func consumerConfiguration(_ broker: any TestBroker, groupID: String? = nil) -> KafkaConsumerConfiguration {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: [broker.address], groupID: groupID)
        configuration.fetchMaxWait = .milliseconds(50)
        configuration.sessionTimeout = .seconds(3)
        configuration.rebalanceTimeout = .seconds(5)
        configuration.heartbeatInterval = .milliseconds(100)
        return configuration
    }

    /// Polls until `count` records arrived (or 10 s passed).
    static func consume(_ count: Int, from consumer: KafkaConsumer) async throws -> [SeenRecord] {
        var seen: [SeenRecord] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while seen.count < count, ContinuousClock.now < deadline {
            for batch in try await consumer.poll() {
                try batch.forEachRecord { record in
                    seen.append(
                        SeenRecord(
                            offset: record.offset,
                            timestamp: record.timestamp,
                            key: record.keyString,
                            value: record.valueString
                        )
                    )
                }
            }
        }
        return seen
    }

    static func expected(_ range: Range<Int>) -> [SeenRecord] {
        range.map {
            SeenRecord(
                offset: Int64($0),
                timestamp: baseTimestamp + Int64($0) * 10,
                key: "key-\($0)",
                value: "value-\($0)"
            )
        }
    }

    /// Earliest, a middle offset, a timestamp and latest, on one partition of `count` records.
    static func checkPositions(
        topic: String,
        count: Int,
        broker: any TestBroker,
        checkLatest: Bool = true,
        checkTimestamps: Bool = true
    ) async throws {
        let consumer = KafkaConsumer(configuration: consumerConfiguration(broker))
        try await consumer.assign([(topic, 0, .earliest)])
        #expect(try await consume(count, from: consumer) == expected(0..<count), "\(topic) from earliest")

        try await consumer.seek(topic: topic, partition: 0, to: .offset(Int64(count / 2) + 1))
        let fromMiddle = try await consume(count - count / 2 - 1, from: consumer)
        #expect(fromMiddle == expected((count / 2 + 1)..<count), "\(topic) from the middle")

        try await consumer.seek(topic: topic, partition: 0, to: .timestamp(baseTimestamp + Int64(count / 3) * 10 - 5))
        if checkTimestamps {
            let byTime = try await consume(count - count / 3, from: consumer)
            #expect(byTime.first?.offset == Int64(count / 3), "\(topic) by timestamp")
            #expect(byTime == expected((count / 3)..<count), "\(topic) by timestamp")
        }

        if checkLatest {
            try await consumer.seek(topic: topic, partition: 0, to: .latest)
            #expect(try await consumer.position(topic: topic, partition: 0) == Int64(count))
            try await consumer.seek(topic: topic, partition: 0, to: .timestamp(baseTimestamp + 1_000_000))
            #expect(try await consumer.position(topic: topic, partition: 0) == Int64(count))
        }
        await consumer.close()
    }

    @Test("every codec from KafkaProducer: earliest, middle offset, timestamp, latest; headers")
    func positionsEveryCodec() async throws {
        try await Self.withAseed { broker in
            for codec in CompressionCodec.allCases {
                let topic = "consume-\(codec)"
                try await Self.createTopic(topic, partitions: 1, on: broker)
                try await Self.produce(500, topic: topic, codec: codec, broker: broker)
                try await Self.checkPositions(topic: topic, count: 500, broker: broker)
            }

            let consumer = KafkaConsumer(configuration: Self.consumerConfiguration(broker))
            try await consumer.assign([("consume-lz4", 0, .offset(0))])
            let batch = try #require(try await consumer.poll().first)
            var headers: [RecordHeader] = []
            try batch.forEachRecord { record in if record.offset == 0 { headers = record.headers } }
            #expect(headers == [RecordHeader(key: "h", value: ByteBuffer(string: "first"))])
            #expect(try batch.records.first?.record.headers == headers)
            await consumer.close()
        }
    }

    @Test("an offset past the end resets per autoOffsetReset")
    func outOfRange() async throws {
        try await Self.withAseed { broker in
            try await Self.createTopic("reset", partitions: 1, on: broker)
            try await Self.produce(20, topic: "reset", codec: .none, broker: broker)
            var configuration = Self.consumerConfiguration(broker)
            configuration.autoOffsetReset = .earliest
            let consumer = KafkaConsumer(configuration: configuration)
            try await consumer.assign([("reset", 0, .offset(1000))])
            #expect(try await Self.consume(20, from: consumer) == Self.expected(0..<20))
            await consumer.close()
        }
    }

    @Test("commit and read back committed offsets, outside a group")
    func commitAndFetch() async throws {
        try await Self.withAseed { broker in
            try await Self.commitAndFetch(broker)
        }
    }

    static func commitAndFetch(_ broker: any TestBroker) async throws {
        try await Self.createTopic("committed", partitions: 2, on: broker)
        let consumer = KafkaConsumer(configuration: Self.consumerConfiguration(broker, groupID: "committers"))
        try await consumer.commit([("committed", 0, 42), ("committed", 1, 7)])
        let offsets = try await consumer.committed([("committed", 0), ("committed", 1)])
        #expect(
            offsets == [
                KafkaTopicPartition(topic: "committed", partition: 0): 42,
                KafkaTopicPartition(topic: "committed", partition: 1): 7,
            ]
        )
        await consumer.close()

        let fresh = KafkaConsumer(configuration: Self.consumerConfiguration(broker, groupID: "others"))
        #expect(try await fresh.committed([("committed", 0)]).isEmpty)
        await fresh.close()
    }

    @Test("two members split the partitions; after one leaves the other reads all, from committed offsets")
    func groupMembership() async throws {
        try await Self.withAseed { broker in
            try await Self.groupMembership(broker)
        }
    }

    static func groupMembership(_ broker: any TestBroker) async throws {
        let topic = "grouped"
        try await Self.createTopic(topic, partitions: 4, on: broker)
        // Records in every partition, so that a committed offset 1 is in range and differs
        // from where `latest` would start.
        var producerConfiguration = KafkaProducerConfiguration(bootstrapServers: [broker.address])
        producerConfiguration.compression = .none
        let producer = try KafkaProducer(configuration: producerConfiguration)
        for index in 0..<100 { try await producer.send(topic: topic, key: Array("k-\(index)".utf8), value: [1]) }
        try await producer.close()

        var configuration = Self.consumerConfiguration(broker, groupID: "pair")
        configuration.autoOffsetReset = .latest
        let first = KafkaConsumer(configuration: configuration)
        let second = KafkaConsumer(configuration: configuration)
        try await first.subscribe(topics: [topic])
        try await second.subscribe(topics: [topic])

        // Both poll concurrently: a join waits for every known member to rejoin.
        let deadline = ContinuousClock.now + .seconds(15)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in [first, second] {
                group.addTask {
                    while ContinuousClock.now < deadline {
                        _ = try await consumer.poll()
                        let mine = await consumer.assignment.count
                        let theirs = await (consumer === first ? second : first).assignment.count
                        if mine == 2, theirs == 2 { return }
                    }
                }
            }
            try await group.waitForAll()
        }
        let split = await first.assignment + second.assignment
        #expect(await first.assignment.count == 2)
        #expect(Set(split).count == 4)
        #expect(await first.groupGeneration == second.groupGeneration)

        let secondHad = await second.assignment
        try await second.commit(secondHad.map { ($0.topic, $0.partition, 1) })
        await second.close()
        // First offsets seen per partition after the rebalance: the gained partitions start at
        // the committed offset 1 (with `latest` they would yield nothing).
        var firstSeen: [KafkaTopicPartition: Int64] = [:]
        while ContinuousClock.now < deadline, await first.assignment.count < 4 || firstSeen.count < secondHad.count {
            for batch in try await first.poll() {
                try batch.forEachRecord { record in
                    let partition = KafkaTopicPartition(topic: batch.topic, partition: batch.partition)
                    if firstSeen[partition] == nil { firstSeen[partition] = record.offset }
                }
            }
        }
        #expect(await first.assignment == (0..<4).map { KafkaTopicPartition(topic: topic, partition: $0) })
        #expect(firstSeen == Dictionary(uniqueKeysWithValues: secondHad.map { ($0, 1) }))
        await first.close()
    }

    @Test(
        "records kcat writes with every codec are read back",
        .enabled(if: Prerequisite.kcat.shouldRun, Prerequisite.kcat.skipReason)
    )
    func kcatEveryCodec() async throws {
        try await Self.withAseed { broker in
            for codec in CompressionCodec.allCases {
                let topic = "kcat-\(codec)"
                try await Self.createTopic(topic, partitions: 1, on: broker)
                let lines = (0..<300).map { "key-\($0):value-\($0)" }.joined(separator: "\n") + "\n"
                let status = try await ChildProcess.run(
                    try Prerequisite.kcat.require(),
                    ["-P", "-b", "127.0.0.1:\(broker.port)", "-t", topic, "-p", "0", "-z", "\(codec)", "-K:"],
                    input: Data(lines.utf8)
                )
                #expect(status == 0, "kcat \(codec)")

                let consumer = KafkaConsumer(configuration: Self.consumerConfiguration(broker))
                try await consumer.assign([(topic, 0, .earliest)])
                let seen = try await Self.consume(300, from: consumer)
                #expect(seen.map(\.offset) == (0..<300).map(Int64.init), "kcat \(codec) offsets")
                #expect(seen.map(\.key) == (0..<300).map { "key-\($0)" }, "kcat \(codec) keys")
                #expect(seen.map(\.value) == (0..<300).map { "value-\($0)" }, "kcat \(codec) values")
                await consumer.close()
            }
        }
    }

    @Test(
        "records kafka-python writes with every codec are read back",
        .enabled(if: Prerequisite.venvPython.shouldRun, Prerequisite.venvPython.skipReason)
    )
    func kafkaPythonEveryCodec() async throws {
        try await Self.withAseed { broker in
            for codec in CompressionCodec.allCases {
                let topic = "kafka-python-\(codec)"
                try await Self.createTopic(topic, partitions: 1, on: broker)
                let script = """
                    import sys
                    from kafka import KafkaProducer
                    codec = sys.argv[3]
                    compression = None if codec == "none" else codec
                    producer = KafkaProducer(bootstrap_servers=sys.argv[1], compression_type=compression)
                    for i in range(300):
                        producer.send(sys.argv[2], key=b"key-%d" % i, value=b"value-%d" % i, partition=0)
                    producer.flush()
                    producer.close()
                    """
                let status = try await ChildProcess.run(
                    try Prerequisite.venvPython.require(),
                    ["-c", script, "127.0.0.1:\(broker.port)", topic, "\(codec)"]
                )
                #expect(status == 0, "kafka-python \(codec)")

                let consumer = KafkaConsumer(configuration: Self.consumerConfiguration(broker))
                try await consumer.assign([(topic, 0, .earliest)])
                let seen = try await Self.consume(300, from: consumer)
                #expect(seen.map(\.key) == (0..<300).map { "key-\($0)" }, "kafka-python \(codec) keys")
                #expect(seen.map(\.value) == (0..<300).map { "value-\($0)" }, "kafka-python \(codec) values")
                await consumer.close()
            }
        }
    }

    @Test(
        "Tansu: every codec from earliest and from the middle; commits; a group of two",
        .enabled(if: Prerequisite.tansu.shouldRun, Prerequisite.tansu.skipReason)
    )
    func tansu() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        for codec in CompressionCodec.allCases {
            let topic = "tansu-\(codec)"
            try await Self.createTopic(topic, partitions: 1, on: broker)
            try await Self.produce(200, topic: topic, codec: codec, broker: broker)
            // Tansu 0.6 counts batches in its high watermark, so `latest` is not checked, and
            // answers a ListOffsets by time with the start of the batch holding the time
            // rather than the first record at or after it.
            try await Self.checkPositions(
                topic: topic,
                count: 200,
                broker: broker,
                checkLatest: false,
                checkTimestamps: false
            )
        }
        try await Self.commitAndFetch(broker)
        try await Self.groupMembership(broker)
    }
}
