import NIOCore
import Testing

@testable import KafkaWire

@Suite("Idempotent sequence bookkeeping")
struct RecordAccumulatorTests {
    static func accumulator(idempotence: Bool = true) -> RecordAccumulator {
        var configuration = KafkaProducerConfiguration(bootstrapServers: [BrokerAddress(host: "localhost", port: 9092)])
        configuration.idempotence = idempotence
        configuration.linger = .zero
        configuration.retryBackoff = RetryBackoff(initial: .zero, maximum: .zero, jitter: 0)
        var accumulator = RecordAccumulator(configuration: configuration)
        accumulator.topics["t"] = ClusterMetadata.Topic(name: "t", leaders: [0: 1, 1: 1, 2: 2])
        return accumulator
    }

    /// Appends `count` records with key "k" (partition 0 of 3? whichever murmur2 says).
    static func append(_ count: Int, to accumulator: inout RecordAccumulator) throws {
        let key = Array("k".utf8)
        for _ in 0..<count {
            _ = try key.withUnsafeBytes { key in
                try accumulator.append(topic: "t", key: key, value: nil, headers: [], timestamp: 0, now: .now)
            }
        }
    }

    static func onlyBatch(_ plan: SenderPlan) throws -> ProducerBatch {
        let batches = plan.requests.values.flatMap { $0 }
        try #require(batches.count == 1)
        return batches[0]
    }

    @Test("no batch leaves before the producer id is known")
    func waitsForProducerID() throws {
        var accumulator = Self.accumulator()
        try Self.append(5, to: &accumulator)
        #expect(accumulator.drain(now: .now).needsProducerID)
    }

    @Test("sequences advance by record count, per partition")
    func sequencesAdvance() throws {
        var accumulator = Self.accumulator()
        accumulator.setProducerIdentity(id: 7, epoch: 0)
        try Self.append(5, to: &accumulator)
        let first = try Self.onlyBatch(accumulator.drain(now: .now))
        #expect(first.baseSequence == 0 && first.producerID == 7 && first.producerEpoch == 0)
        try Self.append(3, to: &accumulator)
        #expect(accumulator.drain(now: .now).requests.isEmpty, "one batch per partition in flight")
        _ = accumulator.finish(first, outcome: .delivered(baseOffset: 0), now: .now)
        let second = try Self.onlyBatch(accumulator.drain(now: .now))
        #expect(second.baseSequence == 5 && second.recordCount == 3)
    }

    @Test("a retried batch keeps its sequence")
    func retryKeepsSequence() throws {
        var accumulator = Self.accumulator()
        accumulator.setProducerIdentity(id: 7, epoch: 0)
        try Self.append(4, to: &accumulator)
        var batch = try Self.onlyBatch(accumulator.drain(now: .now))
        try batch.seal(codec: .none, allocator: ByteBufferAllocator())
        try Self.append(2, to: &accumulator)
        let error = KafkaClientError(.connectionClosed, "test")
        _ = accumulator.finish(batch, outcome: .retry(error, refreshMetadata: false, bumpEpoch: false), now: .now)
        let retried = try Self.onlyBatch(accumulator.drain(now: .now))
        #expect(retried.baseSequence == 0 && retried.recordCount == 4 && retried.attempts == 1)
        #expect(retried.sealed == batch.sealed)
    }

    @Test("OUT_OF_ORDER_SEQUENCE_NUMBER bumps the epoch and renumbers from 0")
    func epochBump() throws {
        var accumulator = Self.accumulator()
        accumulator.setProducerIdentity(id: 7, epoch: 0)
        try Self.append(4, to: &accumulator)
        let first = try Self.onlyBatch(accumulator.drain(now: .now))
        _ = accumulator.finish(first, outcome: .delivered(baseOffset: 0), now: .now)
        try Self.append(4, to: &accumulator)
        var second = try Self.onlyBatch(accumulator.drain(now: .now))
        #expect(second.baseSequence == 4)
        try second.seal(codec: .none, allocator: ByteBufferAllocator())
        let error = KafkaClientError.broker(.outOfOrderSequenceNumber, "test")
        _ = accumulator.finish(second, outcome: .retry(error, refreshMetadata: false, bumpEpoch: true), now: .now)
        #expect(accumulator.drain(now: .now).needsProducerID)
        accumulator.setProducerIdentity(id: 7, epoch: 1)
        let renumbered = try Self.onlyBatch(accumulator.drain(now: .now))
        #expect(renumbered.producerEpoch == 1 && renumbered.baseSequence == 0)
        var bytes = try #require(renumbered.sealed)
        #expect(try RecordBatch.decode(from: &bytes).header.producerEpoch == 1)
    }

    @Test("a fatal error counts the records and is reported once by flush")
    func fatalError() throws {
        var accumulator = Self.accumulator(idempotence: false)
        try Self.append(3, to: &accumulator)
        let batch = try Self.onlyBatch(accumulator.drain(now: .now))
        let report = accumulator.finish(batch, outcome: .failed(.broker(.messageTooLarge, "test")), now: .now).report
        #expect(report?.error?.kafkaErrorCode == .messageTooLarge)
        #expect(accumulator.statistics.recordsFailed == 3)
        #expect(accumulator.takeFlushError()?.kafkaErrorCode == .messageTooLarge)
        #expect(accumulator.takeFlushError() == nil)
    }

    @Test("sequences wrap from Int32.max to 0")
    func wrap() {
        var queue = PartitionQueue()
        queue.nextSequence = Int32.max - 1
        #expect(queue.takeSequence(count: 3) == Int32.max - 1)
        #expect(queue.nextSequence == 1)
    }
}
