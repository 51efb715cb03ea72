import Foundation
import KafkaWire
import Testing

/// A throughput measurement, not a timed test: runs only with `ASEED_CLIENT_THROUGHPUT=1`
/// (meant for a release build: `ASEED_BIN=.build/release/aseed swift test -c release`).
@Suite("Producer throughput")
struct ProducerThroughputTests {
    @Test(
        "215-byte records, lz4, acks all, into aseed",
        .enabled(if: ProcessInfo.processInfo.environment["ASEED_CLIENT_THROUGHPUT"] == "1", "set ASEED_CLIENT_THROUGHPUT=1 to measure"))
    func throughput() async throws {
        let broker = try await TestBroker.aseed()
        defer { broker.stop() }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: [broker.address]))
        let value = Array(repeating: UInt8(ascii: "v"), count: 215)
        let keys = (0..<1000).map { Array("customer-\($0)".utf8) }
        let count = 2_000_000
        try await producer.send(topic: "throughput", key: keys[0], value: value)
        try await producer.flush()
        let started = ContinuousClock.now
        for index in 0..<count {
            try await producer.send(topic: "throughput", key: keys[index % keys.count], value: value)
        }
        try await producer.flush()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("producer throughput: \(count) records in \(seconds) s = \(Int(Double(count) / seconds)) records/s")
        try await producer.close()
        #expect(producer.statistics.recordsDelivered == count + 1)
    }
}
