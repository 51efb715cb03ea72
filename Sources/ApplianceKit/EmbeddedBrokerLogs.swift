import Dashboard
import KafkaWire
import MiniBroker
import Synchronization

/// The embedded broker's partition logs while it runs in this process (a restart builds new
/// ones), so that the dashboard's console can show what the log cleaner did: Kafka has no
/// request for those figures.
public final class EmbeddedBrokerLogs: Sendable {
    private let current = Mutex<LogManager?>(nil)

    /// None yet.
    public init() {}

    /// Publishes the logs a (re)start of the broker made.
    public func set(_ logs: LogManager?) {
        current.withLock { $0 = logs }
    }

    /// The cleaner's figures of `topic`'s compacted partitions, by partition number; empty for a
    /// topic that is not compacted, nil before the broker has started.
    public func cleanerFigures(topic: String) -> [Int32: ConsoleCleanerFigures]? {
        guard let logs = current.withLock({ $0 }) else { return nil }
        return Self.figures(logs.cleanerStats(), topic: topic)
    }

    /// The console's provider over these logs.
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
