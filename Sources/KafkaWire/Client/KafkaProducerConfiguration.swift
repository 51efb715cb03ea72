/// Settings of a `KafkaProducer`, named after the Java producer's where one exists.
public struct KafkaProducerConfiguration: Sendable {
    /// Brokers and connection behaviour (`bootstrap.servers`, `client.id`, timeouts, backoff).
    public var cluster: KafkaClusterConfiguration
    /// Acknowledgements to wait for (`acks`, default all).
    public var acks: ProducerAcks = .all
    /// Codec of the batches (`compression.type`, default lz4).
    public var compression: CompressionCodec = .lz4
    /// How long a batch may wait for more records before it is sent (`linger.ms`, default 5 ms).
    public var linger: Duration = .milliseconds(5)
    /// Uncompressed bytes at which a batch is closed and sent (`batch.size`, default 1 MiB).
    /// A single larger record still gets a batch of its own.
    public var batchSize: Int = 1024 * 1024
    /// Bytes of records accepted but not yet acknowledged above which `send` waits
    /// (`buffer.memory`, default 64 MiB): back-pressure instead of unbounded memory.
    public var maxInFlightBytes: Int = 64 * 1024 * 1024
    /// Produce requests in flight per broker (`max.in.flight.requests.per.connection`, at most 5
    /// with idempotence).
    public var maxInFlightRequestsPerBroker: Int = 5
    /// Exactly-once per partition within a session (`enable.idempotence`, default on): a producer
    /// id and per-partition sequence numbers let the broker drop retried duplicates.
    public var idempotence: Bool = true
    /// Times a batch is retried after a retriable error (`retries`).
    public var retries: Int = Int(Int32.max)
    /// Delay between retries of a batch (`retry.backoff.ms`, `retry.backoff.max.ms`).
    public var retryBackoff = RetryBackoff(initial: .milliseconds(100), maximum: .seconds(1))
    /// Time after which a batch that is still not acknowledged fails (`delivery.timeout.ms`).
    public var deliveryTimeout: Duration = .seconds(120)
    /// Called once per batch with its outcome, on a background task; keep it short.
    public var deliveryReportHandler: (@Sendable (ProducerDeliveryReport) -> Void)?

    /// A configuration with Kafka's defaults (as listed on each property).
    public init(bootstrapServers: [BrokerAddress], clientID: String = "aseed-producer") {
        self.cluster = KafkaClusterConfiguration(bootstrapServers: bootstrapServers, clientID: clientID)
    }

    /// Checks the combinations Kafka refuses.
    func validate() throws {
        if idempotence, acks != .all {
            throw KafkaClientError(
                .invalidConfiguration,
                "idempotence needs acks=all (Kafka's rule); set acks to .all or turn idempotence off"
            )
        }
        if idempotence, !(1...5).contains(maxInFlightRequestsPerBroker) {
            throw KafkaClientError(
                .invalidConfiguration,
                "idempotence allows 1 to 5 in-flight requests per broker, not \(maxInFlightRequestsPerBroker)"
            )
        }
        guard batchSize > 0, maxInFlightBytes >= batchSize else {
            throw KafkaClientError(
                .invalidConfiguration,
                "batch size (\(batchSize)) must be positive and at most the in-flight byte limit (\(maxInFlightBytes))"
            )
        }
    }
}
