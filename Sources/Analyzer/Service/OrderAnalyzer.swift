import KafkaWire
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The streaming analyzer as a `Service`: reads every partition of the orders topic through
/// the Kafka protocol, counts each record into `AnalyticsState`, and at each trigger
/// checkpoints aggregates and offsets together, commits the offsets to the broker for lag
/// tools and publishes a snapshot.
///
/// Graceful shutdown ends the run after a last checkpoint. With `exitAtEnd` the run ends by
/// itself once every partition is read to its end.
public final class OrderAnalyzer: Service, Sendable {
    /// The configuration it runs with.
    public let configuration: AnalyzerConfiguration
    /// Where snapshots go after each trigger.
    public let snapshots: SnapshotPublisher
    private let logger: Logger
    private let eventLoopGroup: (any EventLoopGroup)?

    /// An analyzer; nothing happens until `run`.
    public init(
        configuration: AnalyzerConfiguration,
        snapshots: SnapshotPublisher = SnapshotPublisher(),
        eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger
    ) {
        self.configuration = configuration
        self.snapshots = snapshots
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Runs until graceful shutdown (or the end of the topic with `exitAtEnd`). The checkpoint
    /// directory must exist. The publisher stays open: a restarted analyzer publishes to the
    /// same subscribers.
    ///
    /// - Throws: `CheckpointError` for a checkpoint that cannot be used, `SQLiteError` when
    ///   the checkpoint cannot be written, `KafkaClientError` for broker errors the client
    ///   cannot get past.
    public func run() async throws {
        let store = try CheckpointStore(path: configuration.checkpointPath)
        let restored = try store.load(rules: configuration.rules)
        if let restored {
            logger.info(
                """
                resuming from the checkpoint: \(restored.totals.orders) orders counted, \(restored.recordsIn) \
                records read
                """
            )
        } else {
            logger.info(
                """
                no checkpoint in \(configuration.directory): reading \(configuration.topic) from the \
                \(configuration.start == .earliest ? "beginning" : "end")
                """
            )
        }
        var run = try AnalyzerRun(
            configuration: configuration,
            state: restored ?? AnalyticsState(rules: configuration.rules),
            store: store,
            snapshots: snapshots,
            eventLoopGroup: eventLoopGroup,
            logger: logger
        )
        do {
            // Both return early on graceful shutdown; the last trigger keeps what was read.
            if try await run.assignPartitions() {
                try await run.consume()
            }
            try await run.trigger(final: true)
        } catch {
            await run.close()
            throw error
        }
        await run.close()
    }
}
