import Common
import KafkaWire
import Logging
import NIOCore
import ServiceLifecycle

/// One run of the analyzer: the consumer, the state, the decoder and the trigger clock. Owned
/// by `OrderAnalyzer.run` and driven from its task only.
struct AnalyzerRun {
    let configuration: AnalyzerConfiguration
    var state: AnalyticsState
    let store: CheckpointStore
    let snapshots: SnapshotPublisher
    let logger: Logger
    let consumer: KafkaConsumer
    let producer: KafkaProducer

    private var counter: BatchCounter
    private var latency = LatencyTracker()
    private var sequence: Int64 = 0
    private var nextTrigger: ContinuousClock.Instant
    private var nextReport: ContinuousClock.Instant
    /// When each partition was last seen caught up with nothing new (for idleness).
    private var caughtUpSince: [Int32: ContinuousClock.Instant] = [:]
    /// Records read at recent triggers, for the rate.
    private var throughput: [(at: ContinuousClock.Instant, records: Int64)] = []
    private var lastCommitWarning: ContinuousClock.Instant?
    private var assigned: Int32 = 0

    init(
        configuration: AnalyzerConfiguration,
        state: AnalyticsState,
        store: CheckpointStore,
        snapshots: SnapshotPublisher,
        eventLoopGroup: (any EventLoopGroup)?,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.state = state
        self.store = store
        self.snapshots = snapshots
        self.logger = logger
        var consumerConfiguration = KafkaConsumerConfiguration(
            bootstrapServers: configuration.bootstrapServers,
            clientID: "aseed-analyzer",
            groupID: configuration.groupID
        )
        consumerConfiguration.cluster.security = configuration.security
        consumerConfiguration.fetchMaxWait = min(.milliseconds(500), configuration.triggerInterval)
        consumerConfiguration.autoOffsetReset = configuration.start == .earliest ? .earliest : .latest
        // One bad batch (anyone can produce one) must not stop the analysis: it is counted,
        // copied to the dead-letter topic and passed (see `BatchCounter`).
        consumerConfiguration.deliversUnreadableBatches = true
        consumer = KafkaConsumer(configuration: consumerConfiguration, eventLoopGroup: eventLoopGroup, logger: logger)
        var producerConfiguration = KafkaProducerConfiguration(
            bootstrapServers: configuration.bootstrapServers,
            clientID: "aseed-analyzer-dlq"
        )
        producerConfiguration.cluster.security = configuration.security
        producerConfiguration.linger = .milliseconds(1)
        producer = try KafkaProducer(
            configuration: producerConfiguration,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        counter = BatchCounter(deadLetterTopic: configuration.deadLetterTopic)
        let now = ContinuousClock.now
        nextTrigger = now + configuration.triggerInterval
        nextReport = now + .seconds(10)
    }

    // MARK: Partitions

    /// Assigns every partition of the topic, each at its checkpointed offset or at the start
    /// position, retrying (with a log line) while the broker or the topic is not there yet.
    /// Returns false when a graceful shutdown came first.
    mutating func assignPartitions() async throws -> Bool {
        var attempt = 0
        while !Task.isShuttingDownGracefully {
            attempt += 1
            do {
                let count = try await consumer.cluster.topic(configuration.topic, refresh: attempt > 1).partitionCount
                guard count > 0 else {
                    throw KafkaClientError(.metadataUnavailable, "topic \(configuration.topic) has no partitions")
                }
                try await assign(partitionCount: Int32(count))
                return true
            } catch let error as KafkaClientError {
                // A refused login is not a broker that is not there yet.
                if error.needsOtherSettings { throw error }
                if attempt == 1 || attempt % 10 == 0 {
                    logger.warning("cannot read topic \(configuration.topic) yet (\(error.message)); retrying")
                }
                try await Task.sleep(
                    for: RetryBackoff(initial: .milliseconds(200), maximum: .seconds(5)).delay(forAttempt: attempt)
                )
            }
        }
        return false
    }

    private mutating func assign(partitionCount: Int32) async throws {
        let topic = configuration.topic
        let start: ConsumerPosition = configuration.start == .earliest ? .earliest : .latest
        try await consumer.assign(
            (0..<partitionCount).map { partition in
                let position = state.partitions[partition].map { ConsumerPosition.offset($0.nextOffset) } ?? start
                return (topic, partition, position)
            }
        )
        for partition in 0..<partitionCount where state.partitions[partition] == nil {
            let offset = try await consumer.position(topic: topic, partition: partition) ?? 0
            state.partitions[partition] = PartitionProgress(nextOffset: offset)
        }
        if partitionCount > assigned {
            let positions = (0..<partitionCount).map { "\($0)@\(state.partitions[$0]!.nextOffset)" }.joined(
                separator: " "
            )
            logger.info("reading \(partitionCount) partitions of \(topic) from offsets \(positions)")
        }
        assigned = partitionCount
    }

    // MARK: Consuming

    /// Polls and counts until a graceful shutdown, or the end of every partition with
    /// `exitAtEnd`, triggering on time.
    mutating func consume() async throws {
        var lastPartitionCheck = ContinuousClock.now
        while !Task.isShuttingDownGracefully {
            let batches = try await consumer.poll()
            for batch in batches { count(batch) }
            let now = ContinuousClock.now
            if now >= nextTrigger {
                try await trigger(final: false)
            }
            if now - lastPartitionCheck >= .seconds(30) {
                lastPartitionCheck = now
                await checkForNewPartitions()
            }
            if configuration.exitAtEnd, batches.isEmpty, await isAtEnd() { return }
        }
    }

    private mutating func count(_ batch: FetchedBatch) {
        guard let skipped = counter.count(batch, into: &state, latency: &latency) else { return }
        logger.error(
            """
            offsets \(skipped.firstOffset)-\(skipped.lastOffset) of \(batch.topic)-\(batch.partition) cannot be \
            read (\(skipped.detail)); \(skipped.records) records skipped as \(skipped.reason.rawValue) and the \
            batch copied to \(configuration.deadLetterTopic)
            """
        )
    }

    private func isAtEnd() async -> Bool {
        let ends = await consumer.fetchedHighWatermarks
        return (0..<assigned).allSatisfy { partition in
            guard let end = ends[KafkaTopicPartition(topic: configuration.topic, partition: partition)] else {
                return false
            }
            return (state.partitions[partition]?.nextOffset ?? 0) >= end
        }
    }

    private mutating func checkForNewPartitions() async {
        guard let topic = try? await consumer.cluster.topic(configuration.topic, refresh: true),
            topic.partitionCount > Int(assigned)
        else { return }
        do {
            try await assign(partitionCount: Int32(topic.partitionCount))
        } catch {
            logger.warning(
                """
                topic \(configuration.topic) grew to \(topic.partitionCount) partitions but they cannot be read \
                yet: \(error)
                """
            )
        }
    }

    // MARK: Triggers

    /// Closes windows, copies malformed records to the dead-letter topic, checkpoints, commits
    /// the offsets to the group and publishes a snapshot.
    mutating func trigger(final: Bool) async throws {
        let now = ContinuousClock.now
        nextTrigger = now + configuration.triggerInterval
        let ends = await consumer.fetchedHighWatermarks
        state.advance(idlePartitions: idlePartitions(ends: ends, now: now))
        try await counter.deadLetters.flush(with: producer)
        try store.save(&state)
        await commitOffsets()
        sequence += 1
        let wallMicros = WallClock.nowMicros
        latency.published(atMicros: wallMicros)
        throughput.append((now, state.recordsIn))
        throughput.removeAll { now - $0.at > .seconds(5) }
        var runtime = AnalyticsState.RuntimeFigures()
        runtime.sequence = sequence
        runtime.nowMicros = wallMicros
        for (partition, end) in ends where partition.topic == configuration.topic {
            runtime.highWatermarks[partition.partition] = end
        }
        runtime.recordsPerSecond = recordsPerSecond()
        runtime.latencyP50Milliseconds = latency.percentile(0.5)
        runtime.latencyP99Milliseconds = latency.percentile(0.99)
        let snapshot = state.snapshot(runtime)
        snapshots.publish(snapshot)
        if now >= nextReport || final {
            nextReport = now + .seconds(10)
            report(snapshot.pipeline)
        }
    }

    private mutating func idlePartitions(ends: [KafkaTopicPartition: Int64], now: ContinuousClock.Instant) -> Set<Int32>
    {
        var idle: Set<Int32> = []
        for partition in 0..<assigned {
            let end = ends[KafkaTopicPartition(topic: configuration.topic, partition: partition)]
            guard let end, (state.partitions[partition]?.nextOffset ?? 0) >= end else {
                caughtUpSince[partition] = nil
                continue
            }
            let since = caughtUpSince[partition] ?? now
            caughtUpSince[partition] = since
            if now - since >= configuration.idleTimeout { idle.insert(partition) }
        }
        return idle
    }

    private mutating func commitOffsets() async {
        let offsets = state.partitions.map { (configuration.topic, $0.key, $0.value.nextOffset) }
        do {
            try await consumer.commit(offsets)
        } catch {
            // Informative only (lag tools); the checkpoint is what counts. Say it once a minute.
            let now = ContinuousClock.now
            if lastCommitWarning.map({ now - $0 >= .seconds(60) }) ?? true {
                lastCommitWarning = now
                logger.warning(
                    "committing offsets to group \(configuration.groupID) failed (lag tools will lag behind): \(error)"
                )
            }
        }
    }

    private func recordsPerSecond() -> Double {
        guard let first = throughput.first, let last = throughput.last, last.at > first.at else { return 0 }
        let elapsed = last.at - first.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(last.records - first.records) / seconds
    }

    private func report(_ pipeline: AnalyticsSnapshot.Pipeline) {
        let lag = pipeline.partitions.reduce(Int64(0)) { $0 + $1.lag }
        let watermark = pipeline.watermarkMicros.map { UTCTimestamp.string(epochMicros: $0, zone: .z) } ?? "none"
        logger.info(
            """
            pipeline: \(Int(pipeline.recordsPerSecond.rounded())) records/s, lag \(lag), latency p50 \
            \(pipeline.latencyP50Milliseconds) ms p99 \(pipeline.latencyP99Milliseconds) ms, watermark \
            \(watermark), \(pipeline.ordersCounted) orders, \(pipeline.duplicates) duplicates, \
            \(pipeline.lateRecords) late, \(pipeline.malformedTotal) malformed
            """
        )
    }

    /// Closes the consumer and the dead-letter producer.
    func close() async {
        await consumer.close()
        try? await producer.close()
    }
}
