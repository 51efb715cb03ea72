/// Settings of a `KafkaConsumer`, named after the Java consumer's where one exists.
public struct KafkaConsumerConfiguration: Sendable {
    /// Brokers and connection behaviour (`bootstrap.servers`, `client.id`, timeouts, backoff).
    public var cluster: KafkaClusterConfiguration
    /// Consumer group (`group.id`): needed for `subscribe` and for committed offsets.
    public var groupID: String?
    /// Where to start without a committed offset or after OFFSET_OUT_OF_RANGE
    /// (`auto.offset.reset`, default latest).
    public var autoOffsetReset: ConsumerOffsetReset = .latest
    /// How long the broker may hold a Fetch waiting for `fetchMinBytes` (`fetch.max.wait.ms`).
    public var fetchMaxWait: Duration = .milliseconds(500)
    /// Bytes the broker waits for before answering a Fetch (`fetch.min.bytes`).
    public var fetchMinBytes: Int32 = 1
    /// Most bytes one Fetch response may carry (`fetch.max.bytes`, 50 MiB).
    public var fetchMaxBytes: Int32 = 50 * 1024 * 1024
    /// Most bytes per partition in one Fetch (`max.partition.fetch.bytes`, 1 MiB); a larger
    /// first batch is still returned whole.
    public var partitionMaxBytes: Int32 = 1024 * 1024
    /// Most bytes one batch may decompress to; a larger batch fails the poll (or is
    /// delivered as unreadable, see `deliversUnreadableBatches`).
    public var decompressionLimit: Int = RecordBatch.defaultDecompressionLimit
    /// What `poll` does with a batch it cannot read (failed CRC, unknown codec, corrupt
    /// compressed data, over `decompressionLimit`). False (the Java consumer's way): the
    /// poll fails and the position stays before the batch. True: the batch is returned with
    /// `FetchedBatch.readError` set and the position moves past it, so a consumer that must
    /// go on (the analyzer) can count it, keep a copy and continue.
    public var deliversUnreadableBatches = false
    /// Time without heartbeat after which the coordinator drops a member (`session.timeout.ms`).
    public var sessionTimeout: Duration = .seconds(45)
    /// Time members get to rejoin during a rebalance (`max.poll.interval.ms`).
    public var rebalanceTimeout: Duration = .seconds(300)
    /// Time between heartbeats (`heartbeat.interval.ms`, 3 s).
    public var heartbeatInterval: Duration = .seconds(3)
    /// Assignors offered to the group, preferred first (`partition.assignment.strategy`).
    public var assignors: [ConsumerPartitionAssignor] = [.range, .roundRobin]

    /// A configuration with Kafka's defaults (as listed on each property).
    public init(bootstrapServers: [BrokerAddress], clientID: String = "aseed-consumer", groupID: String? = nil) {
        self.cluster = KafkaClusterConfiguration(bootstrapServers: bootstrapServers, clientID: clientID)
        self.groupID = groupID
        // A consumer must not create topics by asking about them.
        self.cluster.allowAutoTopicCreation = false
    }
}
