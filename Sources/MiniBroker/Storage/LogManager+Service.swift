import ServiceLifecycle

extension LogManager: Service {
    /// How often retention runs (Kafka's `log.retention.check.interval.ms` default).
    static let retentionCheckMilliseconds: Int64 = 300_000

    /// Flushes every flush interval (with `.interval` policy) and applies retention every
    /// five minutes, with the log cleaner's thread compacting meanwhile, until graceful
    /// shutdown; then stops the cleaner and closes the logs cleanly. Call `open()`
    /// before starting the services, and register this service before the broker so the
    /// broker stops first (service groups stop in reverse order).
    public func run() async throws {
        startCleaner()
        try? await cancelWhenGracefulShutdown {
            try await self.runPeriodicWork()
        }
        try close()
    }

    private func runPeriodicWork() async throws {
        let flushEvery: Int64? =
            switch configuration.flushPolicy {
            case .everyBatch: nil
            case .interval(let milliseconds): Int64(max(1, milliseconds))
            }
        let tick = min(flushEvery ?? 1_000, 1_000)
        var lastFlush = PartitionLog.currentTimeMilliseconds()
        var lastRetention = lastFlush
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(tick))
            let now = PartitionLog.currentTimeMilliseconds()
            if let flushEvery, now - lastFlush >= flushEvery {
                lastFlush = now
                do { try flushAll() } catch { logger.error("periodic flush failed: \(error)") }
            }
            if now - lastRetention >= Self.retentionCheckMilliseconds {
                lastRetention = now
                do { try applyRetention(now: now) } catch { logger.error("retention failed: \(error)") }
            }
        }
    }
}
