import Common
import KafkaWire
import Logging
import ServiceLifecycle
import Synchronization

/// Samples every consumer group's lag at a fixed interval (records behind per partition, and
/// how old the first record not consumed yet is) into a `LagHistoryStore`, and gives the
/// latest round to `/metrics`.
///
/// It reads through the broker console, so it works against any Kafka-compatible cluster. A
/// round that fails (the cluster is restarting) is skipped and logged once until one succeeds.
public final class LagSampler: Service, MetricsProvider {
    private let console: any BrokerConsoleSource
    private let store: LagHistoryStore
    private let interval: Duration
    private let logger: Logger
    private let latest = Mutex<[LagSample]>([])
    private let failing = Mutex(false)

    /// A sampler; nothing is read until `run`.
    public init(console: any BrokerConsoleSource, store: LagHistoryStore, interval: Duration, logger: Logger) {
        self.console = console
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    /// The store it writes.
    public var history: LagHistoryStore { store }

    /// Samples until graceful shutdown, which also cuts the wait between rounds short.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sampleOnce()
                try await Task.sleep(for: self.interval)
            }
        }
    }

    /// One round: every group, stored and kept for `/metrics`.
    func sampleOnce() async {
        let now = WallClock.nowMilliseconds()
        do {
            let samples = try await sample(nowMillis: now)
            try store.append(samples, nowMillis: now)
            latest.withLock { $0 = samples }
            if failing.withLock({ $0 }) {
                failing.withLock { $0 = false }
                logger.info("consumer group lag sampling works again")
            }
        } catch {
            let first = failing.withLock { failing in
                defer { failing = true }
                return !failing
            }
            if first { logger.warning("consumer group lag sampling failed, retrying every \(interval): \(error)") }
        }
    }

    /// Every group's partitions now.
    func sample(nowMillis: Int64) async throws -> [LagSample] {
        var samples: [LagSample] = []
        for listed in try await console.groups() {
            guard let group = try await console.group(id: listed.groupID) else { continue }
            let behind = group.offsets.filter { $0.lag > 0 }
            let times =
                behind.isEmpty
                ? [:]
                : try await console.firstRecordTimes(
                    at: Dictionary(uniqueKeysWithValues: behind.map { ($0.partition, $0.committed) })
                )
            for offset in group.offsets {
                let millisBehind: Int64? =
                    offset.lag > 0 ? times[offset.partition].map { max(0, nowMillis - $0) } : 0
                samples.append(
                    LagSample(
                        atMillis: nowMillis,
                        group: group.groupID,
                        topic: offset.partition.topic,
                        partition: offset.partition.partition,
                        committed: offset.committed,
                        latest: offset.latest,
                        millisBehind: millisBehind
                    )
                )
            }
        }
        return samples
    }

    public func metricFamilies() async -> [MetricFamily] {
        let samples = latest.withLock { $0 }
        func labels(_ sample: LagSample) -> [(name: String, value: String)] {
            [("group", sample.group), ("topic", sample.topic), ("partition", String(sample.partition))]
        }
        return [
            MetricFamily(
                name: "aseed_consumer_group_lag",
                help: "Records a consumer group is behind the end of a partition, at the last sample",
                kind: .gauge,
                samples: samples.map { .init(labels: labels($0), value: Double($0.lag)) }
            ),
            MetricFamily(
                name: "aseed_consumer_group_lag_seconds",
                help: "Age of the first record a consumer group has not consumed yet, at the last sample",
                kind: .gauge,
                samples: samples.compactMap { sample in
                    sample.millisBehind.map { .init(labels: labels(sample), value: Double($0) / 1000) }
                }
            ),
        ]
    }
}
