import Dashboard
import KafkaWire
import MiniBroker
import Synchronization

/// The embedded broker while it runs in this process (a restart builds a new one), for what
/// Kafka has no request for: what the log cleaner did, who is connected as whom, and the
/// authorizer's refusals, for the dashboard's console and `/metrics`; and its clients on the
/// wire (`EmbeddedBroker+Wire`).
public final class EmbeddedBroker: Sendable {
    private let current = Mutex<KafkaBroker?>(nil)

    /// None yet.
    public init() {}

    /// Publishes the broker a (re)start made.
    public func set(_ broker: KafkaBroker?) {
        current.withLock { $0 = broker }
    }

    var broker: KafkaBroker? { current.withLock { $0 } }

    /// The cleaner's figures of `topic`'s compacted partitions, by partition number; empty for a
    /// topic that is not compacted, nil before the broker has started.
    public func cleanerFigures(topic: String) -> [Int32: ConsoleCleanerFigures]? {
        guard let logs = broker?.logs else { return nil }
        return Self.figures(logs.cleanerStats(), topic: topic)
    }

    /// The authorizer's refusals by operation and resource type; empty before the broker started.
    public func refusals() -> [AuthorizationRefusals.Count] {
        broker?.refusals.counts() ?? []
    }

    /// The console's provider of the cleaner's figures.
    public var cleanerFiguresProvider: CleanerFiguresProvider {
        { [self] topic in cleanerFigures(topic: topic) }
    }

    /// The figures of `topic`'s partitions among the broker's.
    static func figures(_ stats: [KafkaTopicPartition: CleanerStats], topic: String) -> [Int32: ConsoleCleanerFigures] {
        var figures: [Int32: ConsoleCleanerFigures] = [:]
        for (partition, partitionStats) in stats where partition.topic == topic {
            figures[partition.partition] = ConsoleCleanerFigures(partitionStats)
        }
        return figures
    }
}

extension ConsoleCleanerFigures {
    /// The console's figures from the broker's: what tells an operator the cleaner works and
    /// what it gained.
    init(_ stats: CleanerStats) {
        self.init(
            dirtyRatio: stats.dirtyRatio,
            firstDirtyOffset: stats.firstDirtyOffset,
            lastCleaning: stats.lastCleaning.map {
                Cleaning(
                    finishedAtMillis: $0.finishedAt,
                    durationMilliseconds: $0.durationMilliseconds,
                    bytesReclaimed: $0.bytesReclaimed,
                    recordsKept: $0.recordsKept,
                    recordsRemoved: $0.recordsRemoved
                )
            },
            cleanings: stats.cleanings,
            totalBytesReclaimed: stats.totalBytesReclaimed,
            lastError: stats.lastError,
            lastErrorAtMillis: stats.lastErrorAt
        )
    }
}
