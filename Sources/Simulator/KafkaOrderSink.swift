import KafkaWire
import ServiceLifecycle

/// The simulator's records into a Kafka topic through our producer: key = order id, value =
/// the order JSON, record timestamp = the order's time.
///
/// While no broker can be reached (not started yet, network down) a batch is not dropped:
/// the send is retried with growing pauses (the producer logs each failed attempt), so the
/// orders arrive once the broker is back. Stopping the simulator ends the wait.
public struct KafkaOrderSink: OrderSink {
    private let producer: KafkaProducer
    private let topic: String
    private let backoff = RetryBackoff(initial: .milliseconds(500), maximum: .seconds(15))

    public init(producer: KafkaProducer, topic: String) {
        self.producer = producer
        self.topic = topic
    }

    public func send(_ batch: OrderBatch) async throws {
        let slices = batch.records.map { record in
            KafkaProducer.Slice(key: record.key, value: record.value, timestamp: record.timestampMicros / 1000)
        }
        var attempt = 0
        while true {
            do {
                try await producer.send(topic: topic, bytes: batch.bytes, records: slices)
                return
            } catch let error as KafkaClientError
                where error.code == .brokerUnreachable || error.code == .metadataUnavailable
            {
                attempt += 1
                let pause = backoff.delay(forAttempt: attempt)
                // Graceful shutdown (SIGTERM) ends the wait; the batch is then given up.
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: pause)
                }
            }
        }
    }

    public func flush() async throws {
        try await producer.flush()
    }
}
