import KafkaWire
import Logging
import NIOPosix
import Synchronization

/// Compacts the partitions whose cleanup policy includes `compact`, as Kafka's log cleaner
/// does, on a thread of its own: not the Swift cooperative pool (two threads on the appliance,
/// which produce and fetch need) and not an event loop. Every `cleanerCheckIntervalMilliseconds`
/// it cleans each partition that is due (see `CleanableRange`), the dirtiest first, reading
/// and writing at most `cleanerIOBytesPerSecond`.
///
/// Started by `LogManager.run()` and stopped by `LogManager.close()`; `stop()` interrupts a
/// cleaning within milliseconds, leaving the partition as it was (its `.cleaned` files removed).
public final class LogCleaner: Sendable {
    private let configuration: BrokerConfiguration
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    /// One pass at a time, whether from the thread or `cleanNow`.
    private let passes = Mutex<Int>(0)
    private let thread = Mutex<NIOThreadPool?>(nil)

    /// - Parameter configuration: the broker's; the interval and the throttle come from it,
    ///   each partition's compaction settings from its own log.
    init(configuration: BrokerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the cleaner's thread; `logs` lists the broker's partition logs at each check.
    func start(logs: @escaping @Sendable () -> [PartitionLog]) {
        thread.withLock { thread in
            guard thread == nil else { return }
            stopping.store(false, ordering: .sequentiallyConsistent)
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            pool.submit { _ in self.runUntilStopped(logs) }
            thread = pool
        }
    }

    /// Stops the thread, interrupting a cleaning in progress, and waits until it has ended.
    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        let pool = thread.withLock { thread in
            defer { thread = nil }
            return thread
        }
        try? pool?.syncShutdownGracefully()
    }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    private func runUntilStopped(_ logs: @Sendable () -> [PartitionLog]) {
        let interval = UInt64(max(1, configuration.cleanerCheckIntervalMilliseconds)) * 1_000_000
        var next = CleanerThrottle.monotonicNanoseconds() + interval
        while !isStopping {
            let now = CleanerThrottle.monotonicNanoseconds()
            if now < next {
                CleanerThrottle.sleepNanoseconds(min(next - now, CleanerThrottle.sleepSlice * 5))
                continue
            }
            cleanDue(logs(), now: PartitionLog.currentTimeMilliseconds())
            next = CleanerThrottle.monotonicNanoseconds() + interval
        }
    }

    /// Cleans every compacted partition of `logs` that is due, the dirtiest first, once, on the
    /// caller's thread; waits for a pass of the cleaner's thread to end first. Returns what
    /// happened to each compacted partition; failures are also in its `cleanerStats()`.
    @discardableResult
    func cleanDue(_ logs: [PartitionLog], now: Int64) -> [KafkaTopicPartition: CleaningOutcome] {
        passes.withLock { count in
            count += 1
            let compacted = logs.filter { $0.configuration.cleanupPolicy.compacts }
            let ranked = compacted.map { ($0, $0.cleanerStats(now: now).dirtyRatio) }.sorted { $0.1 > $1.1 }
            var outcomes: [KafkaTopicPartition: CleaningOutcome] = [:]
            for (log, _) in ranked {
                if isStopping {
                    outcomes[log.topicPartition] = .abandoned("the cleaner is stopping")
                    continue
                }
                if let retryAt = log.cleanerStats(now: now).retryAt, now < retryAt {
                    outcomes[log.topicPartition] = .backingOff(until: retryAt)
                    continue
                }
                do {
                    outcomes[log.topicPartition] = try log.clean(
                        now: now,
                        throttle: CleanerThrottle(bytesPerSecond: configuration.cleanerIOBytesPerSecond),
                        isStopping: { self.isStopping }
                    )
                } catch {
                    // Logged and kept in the partition's statistics by `clean`.
                    outcomes[log.topicPartition] = .abandoned("failed: \(error)")
                }
            }
            return outcomes
        }
    }

    /// Passes run since the start (the thread's and `cleanNow`'s).
    var passCount: Int { passes.withLock { $0 } }
}
