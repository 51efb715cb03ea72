import Common
import Logging
import NIOCore
import Synchronization

/// An asynchronous Kafka producer.
///
/// `send` appends the record, already encoded, to its partition's open batch under a lock and
/// returns: no allocation per record and no suspension unless more than
/// `maxInFlightBytes` wait for acknowledgement (back-pressure). A background sender task sends
/// batches when they are full or have lingered, one Produce request per broker, compressed and
/// CRC-sealed, and retries what failed with a retriable error.
///
/// Delivery results: `flush()` waits for every record sent before it and throws if any record
/// since the previous flush failed; `KafkaProducerConfiguration.deliveryReportHandler` is called
/// with every batch's outcome (offset or error); `statistics` counts delivered and failed
/// records. Call `close()` when done: it flushes and stops the sender.
///
/// Keyed records go to the partition Kafka's Java client would choose (murmur2 of the key);
/// records without key stick to one partition until its batch is sent, then move on.
public final class KafkaProducer: Sendable {
    /// The configuration the producer was created with.
    public let configuration: KafkaProducerConfiguration
    /// The cluster connections the producer uses.
    public let cluster: KafkaCluster

    let state: Mutex<RecordAccumulator>
    let signal = SenderSignal()
    let logger: Logger
    private let sender = Mutex<Task<Void, Never>?>(nil)

    /// Creates a producer and starts its sender task. Connections open on first use.
    ///
    /// - Parameter eventLoopGroup: the event loops for connections; without one the producer
    ///   creates a one-thread group and stops it on `close`.
    /// - Throws: `.invalidConfiguration` for settings Kafka refuses (idempotence without acks=all).
    public init(
        configuration: KafkaProducerConfiguration,
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "kafka.producer")
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.cluster = KafkaCluster(
            configuration: configuration.cluster,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        self.state = Mutex(RecordAccumulator(configuration: configuration))
        let task = Task { [self] in await runSender() }
        sender.withLock { $0 = task }
    }

    /// Sends a record with byte-array key and value; nil key = no key, nil value = tombstone.
    ///
    /// Returns as soon as the record is in its batch. `timestamp` is milliseconds since the
    /// epoch (default: now).
    /// - Throws: `.metadataUnavailable` or `.brokerUnreachable` when the topic's partitions
    ///   cannot be learned, `.producerClosed` after `close`.
    public func send(
        topic: String,
        key: [UInt8]?,
        value: [UInt8]?,
        headers: [RecordHeader] = [],
        timestamp: Int64? = nil
    ) async throws {
        while true {
            let result = try Self.withOptionalBytes(key) { key in
                try Self.withOptionalBytes(value) { value in
                    try append(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp)
                }
            }
            if try await handle(result, topic: topic) { return }
        }
    }

    /// Sends a record whose key and value are `ByteBuffer`s (their readable bytes).
    public func send(
        topic: String,
        key: ByteBuffer?,
        value: ByteBuffer?,
        headers: [RecordHeader] = [],
        timestamp: Int64? = nil
    ) async throws {
        while true {
            let result = try Self.withOptionalBytes(key) { key in
                try Self.withOptionalBytes(value) { value in
                    try append(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp)
                }
            }
            if try await handle(result, topic: topic) { return }
        }
    }

    /// Waits until every record sent before the call is acknowledged or failed.
    ///
    /// - Throws: `.deliveryFailed` or `.brokerError` (with the Kafka error code) if any record
    ///   failed since the previous `flush`; the message counts them and gives the first error.
    public func flush() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                state.flushTarget = max(state.flushTarget, state.statistics.recordsSent)
                guard state.completedRecords < state.statistics.recordsSent, state.fatalError == nil else {
                    return true
                }
                state.flushWaiters.append((state.statistics.recordsSent, continuation))
                return false
            }
            if done { continuation.resume() } else { signal.fire() }
        }
        if let error = state.withLock({ $0.takeFlushError() }) { throw error }
    }

    /// Flushes, stops the sender and closes the connections. Sending afterwards throws.
    ///
    /// - Throws: what `flush` throws.
    public func close() async throws {
        var flushError: (any Error)?
        do { try await flush() } catch { flushError = error }
        state.withLock { $0.closing = true }
        signal.fire()
        await sender.withLock { $0 }?.value
        await cluster.shutdown()
        if let flushError { throw flushError }
    }

    /// Closes like `close()`, but gives records `limit` to be delivered: after it, each
    /// record still waiting fails at its next attempt (a broker that cannot be reached would
    /// otherwise hold the close for the delivery timeout).
    ///
    /// - Throws: what `flush` throws, `.deliveryFailed` for the records given up.
    public func close(within limit: Duration) async throws {
        var flushError: (any Error)?
        var flushed: Void? = ()
        do {
            flushed = try await TimeLimit.wait(limit) { [self] in try await flush() }
        } catch {
            flushError = error
        }
        if flushed == nil {
            state.withLock { $0.givingUp = true }
            signal.fire()
        }
        do { try await close() } catch { flushError = flushError ?? error }
        if let flushError { throw flushError }
    }

    /// Counters of records sent, delivered, failed and still buffered.
    public var statistics: ProducerStatistics { state.withLock { $0.statistics } }

    /// The number of partitions of `topic`, loading its metadata if needed.
    public func partitionCount(of topic: String) async throws -> Int {
        try await loadTopic(topic)
    }

    // MARK: Per-record path

    func append(
        topic: String,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?,
        headers: [RecordHeader],
        timestamp: Int64?
    ) throws -> RecordAccumulator.AppendResult {
        let timestamp = timestamp ?? WallClock.nowMilliseconds()
        let now = ContinuousClock.now
        return try state.withLock { state in
            try state.append(topic: topic, key: key, value: value, headers: headers, timestamp: timestamp, now: now)
        }
    }

    /// Completes a `send` after `append`: wakes the sender, waits for room, or loads metadata.
    /// Returns true when the record is stored.
    func handle(_ result: RecordAccumulator.AppendResult, topic: String) async throws -> Bool {
        switch result {
        case .appended(let wakeSender, let overLimit):
            if wakeSender || overLimit { signal.fire() }
            if overLimit { await waitForSpace() }
            return true
        case .unknownTopic:
            _ = try await loadTopic(topic)
            return false
        }
    }

    private func waitForSpace() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let roomNow = state.withLock { state -> Bool in
                guard state.statistics.bufferedBytes >= configuration.maxInFlightBytes, state.fatalError == nil,
                    !state.closing
                else { return true }
                state.spaceWaiters.append(continuation)
                return false
            }
            if roomNow { continuation.resume() }
        }
    }

    @discardableResult
    func loadTopic(_ topic: String, refresh: Bool = false) async throws -> Int {
        let metadata = try await cluster.topic(topic, refresh: refresh)
        state.withLock { $0.topics[topic] = metadata }
        return metadata.partitionCount
    }

    private static func withOptionalBytes<Result>(
        _ bytes: [UInt8]?,
        _ body: (UnsafeRawBufferPointer?) throws -> Result
    ) rethrows -> Result {
        guard let bytes else { return try body(nil) }
        return try bytes.withUnsafeBytes { try body($0) }
    }

    private static func withOptionalBytes<Result>(
        _ bytes: ByteBuffer?,
        _ body: (UnsafeRawBufferPointer?) throws -> Result
    ) rethrows -> Result {
        guard let bytes else { return try body(nil) }
        return try bytes.withUnsafeReadableBytes { try body($0) }
    }
}
