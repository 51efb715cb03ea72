import Foundation
import KafkaWire
import NIOCore
import NIOPosix
import Testing

/// Produces through `KafkaProducer` into real brokers and reads back with raw Fetch requests.
@Suite("Producer against real brokers", .serialized)
struct ProducerEndToEndTests {
    static let partitions: Int32 = 3

    /// Produces `count` keyed records and checks that each arrived exactly once, in the
    /// partition murmur2 predicts.
    static func produceAndVerify(
        broker: some TestBroker,
        topic: String,
        count: Int,
        codec: CompressionCodec,
        acks: ProducerAcks,
        idempotence: Bool
    ) async throws {
        let admin = try await BrokerConnection.connect(
            to: broker.address,
            clientID: "test-admin",
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton
        )
        defer { Task { await admin.close() } }
        try await BrokerRecords.createTopic(topic, partitions: partitions, on: admin)

        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.address])
        configuration.compression = codec
        configuration.acks = acks
        configuration.idempotence = idempotence
        let producer = try KafkaProducer(configuration: configuration)
        for index in 0..<count {
            let value = Array("order-\(index)-".utf8) + Array(repeating: UInt8(ascii: "x"), count: 200)
            try await producer.send(topic: topic, key: Array("key-\(index)".utf8), value: value)
        }
        try await producer.close()
        #expect(producer.statistics.recordsDelivered == count)

        var seen: [String: Int] = [:]
        for partition in 0..<partitions {
            for record in try await BrokerRecords.fetchAll(topic: topic, partition: partition, from: admin) {
                let key = try #require(record.key.map { Array($0.readableBytesView) })
                #expect(KafkaPartitioner.partition(forKey: key, partitionCount: Int(partitions)) == partition)
                seen[String(decoding: key, as: UTF8.self), default: 0] += 1
            }
        }
        #expect(seen.count == count, "\(broker.name) \(codec) acks \(acks): \(seen.count) of \(count) keys arrived")
        #expect(seen.values.allSatisfy { $0 == 1 }, "\(broker.name) \(codec): duplicates")
    }

    @Test("every codec, acks all (idempotent) and acks 1, into aseed")
    func aseedAllCodecs() async throws {
        try await InProcessBroker.with { broker in
            for codec in CompressionCodec.allCases {
                for acks in [ProducerAcks.all, .leader] {
                    try await Self.produceAndVerify(
                        broker: broker,
                        topic: "client-\(codec)-\(acks.rawValue + 1)",
                        count: 2000,
                        codec: codec,
                        acks: acks,
                        idempotence: acks == .all
                    )
                }
            }
        }
    }

    @Test("a record above message.max.bytes fails flush with MESSAGE_TOO_LARGE")
    func messageTooLarge() async throws {
        try await InProcessBroker.with({ $0.messageMaxBytes = 10_000 }, Self.refusesTooLarge)
    }

    static func refusesTooLarge(broker: InProcessBroker) async throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: [broker.address])
        configuration.compression = .none
        let producer = try KafkaProducer(configuration: configuration)
        try await producer.send(topic: "big", key: nil, value: Array(repeating: UInt8(7), count: 50_000))
        let error = await #expect(throws: KafkaClientError.self) { try await producer.flush() }
        #expect(error?.kafkaErrorCode == .messageTooLarge)
        // The producer goes on after a failed batch.
        try await producer.send(topic: "big", key: nil, value: Array(repeating: UInt8(7), count: 100))
        try await producer.close()
        #expect(producer.statistics.recordsDelivered == 1)
    }

    @Test("an unreachable bootstrap server fails after bounded retries with a clear error")
    func unreachable() async throws {
        let address = BrokerAddress(host: "127.0.0.1", port: FreePort.next())
        var configuration = KafkaProducerConfiguration(bootstrapServers: [address])
        configuration.cluster.connectAttempts = 3
        configuration.cluster.reconnectBackoff = RetryBackoff(initial: .milliseconds(20), maximum: .milliseconds(50))
        let producer = try KafkaProducer(configuration: configuration)
        let started = ContinuousClock.now
        let error = await #expect(throws: KafkaClientError.self) {
            try await producer.send(topic: "t", key: nil, value: [1])
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(error?.code == .brokerUnreachable)
        #expect(error?.message.contains("\(address)") == true)
        #expect(error?.message.contains("connection refused") == true)
        try await producer.close()
    }

    @Test("keyed records into Tansu", .enabled(if: Prerequisite.tansu.shouldRun, Prerequisite.tansu.skipReason))
    func tansu() async throws {
        let broker = try await TansuBroker.start()
        defer { broker.stop() }
        for codec in CompressionCodec.allCases {
            try await Self.produceAndVerify(
                broker: broker,
                topic: "client-tansu-\(codec)",
                count: 2000,
                codec: codec,
                acks: .all,
                idempotence: true
            )
        }
    }
}
