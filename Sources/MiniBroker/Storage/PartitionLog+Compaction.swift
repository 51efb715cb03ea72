import KafkaWire
import Synchronization

extension PartitionLog {
    /// The cleaner's side of a partition, behind its own lock so that reading the statistics
    /// or checking for an abort never waits for appends, and appends never wait for it.
    struct CleaningState: Sendable {
        /// The saved first dirty offset (`CleanerCheckpoint`), nil when none.
        var firstDirtyOffset: Int64?
        var isCleaning = false
        /// Set by `delete()` and `close()`: a running cleaning stops at its next batch.
        var abortRequested = false
        var stats = CleanerStats()
    }

    /// Compacts the log once if a cleaning is due (see `CleanableRange`): keeps, from the log
    /// start to the end of the cleanable range, only the newest record of each key (and
    /// tombstones for `delete.retention.ms`), leaving offsets as they were. The active segment
    /// and segments younger than `min.compaction.lag.ms` are not touched.
    ///
    /// Runs on the caller's thread (the log cleaner's) and holds the partition's lock only for
    /// the swap of the files, so produce and fetch go on meanwhile. Gives up without changing
    /// the log when `isStopping` turns true, the log is deleted or closed, or its segments
    /// change before the swap.
    ///
    /// - Parameters:
    ///   - ioBytesPerSecond: the throttle's rate; 0 or negative for none.
    /// - Throws: what failed (a file operation, a corrupt batch); the log is unchanged and the
    ///   error is in `cleanerStats().lastError`.
    @discardableResult
    public func clean(
        now: Int64 = PartitionLog.currentTimeMilliseconds(),
        ioBytesPerSecond: Int64 = 0,
        isStopping: @escaping () -> Bool = { false }
    ) throws -> CleaningOutcome {
        try clean(now: now, throttle: CleanerThrottle(bytesPerSecond: ioBytesPerSecond), isStopping: isStopping)
    }

    func clean(
        now: Int64,
        throttle: CleanerThrottle,
        options: CleaningOptions = CleaningOptions(),
        isStopping: @escaping () -> Bool = { false }
    ) throws -> CleaningOutcome {
        let configuration = self.configuration
        guard configuration.cleanupPolicy.compacts else { return .notCompacted }
        let refusal = cleaning.withLock { state -> CleaningOutcome? in
            if state.abortRequested { return .abandoned("the log is closed") }
            if state.isCleaning { return .busy }
            state.isCleaning = true
            return nil
        }
        if let refusal { return refusal }
        defer { cleaning.withLock { $0.isCleaning = false } }
        let isCancelled = { isStopping() || self.cleaning.withLock { $0.abortRequested } }
        do {
            let outcome = try compact(
                now: now,
                configuration: configuration,
                throttle: throttle,
                options: options,
                isCancelled: isCancelled
            )
            if case .cleaned(let figures) = outcome {
                cleaning.withLock { $0.stats.record(figures) }
                logger.info(
                    """
                    \(topicPartition): compacted \(figures.bytesRead) bytes of log \
                    (\(figures.mapBytesRead) mapped), \(figures.bytesWritten) written, \
                    \(figures.bytesReclaimed) reclaimed, \(figures.recordsRemoved) records removed \
                    in \(figures.durationMilliseconds) ms
                    """
                )
            }
            return outcome
        } catch is CleaningCancelled {
            return .abandoned("the cleaning was stopped")
        } catch let crash as SimulatedCrash {
            throw crash
        } catch {
            let retryAt = cleaning.withLock { state in
                state.stats.recordFailure("\(error)", at: now)
                return state.stats.retryAt ?? now
            }
            logger.error(
                "\(topicPartition): compaction failed, next attempt in \((retryAt - now) / 1000) s: \(error)"
            )
            throw error
        }
    }

    private func compact(
        now: Int64,
        configuration: BrokerConfiguration,
        throttle: CleanerThrottle,
        options: CleaningOptions,
        isCancelled: @escaping () -> Bool
    ) throws -> CleaningOutcome {
        let started = CleanerThrottle.monotonicNanoseconds()
        let snapshot = try state.withLock { state in
            try state.checkOpen(topicPartition)
            return CleaningSnapshot(state)
        }
        let range = CleanableRange(
            segments: snapshot.summaries,
            activeBaseOffset: snapshot.activeBaseOffset,
            checkpoint: cleaning.withLock { $0.firstDirtyOffset },
            now: now,
            configuration: configuration
        )
        guard range.isCleanable(configuration) else { return .notDue }
        let pass = CompactionPass(
            directory: directory,
            configuration: configuration,
            snapshot: snapshot,
            range: range,
            now: now,
            throttle: throttle,
            isCancelled: isCancelled
        )
        let mapping = try pass.buildOffsetMap(memoryLimit: options.mapMemoryLimit)
        let end = mapping.end
        let endOffset = end < snapshot.segments.count ? snapshot.segments[end].baseOffset : snapshot.activeBaseOffset
        let replaced = Array(snapshot.segments[..<end])
        var cleaned: [LogSegment] = []
        var steps = SwapSteps(crashBefore: options.crashBeforeSwapStep)
        do {
            cleaned = try pass.writeCleanedSegments(replaced, mapping: mapping)
            try FileSystem.syncDirectory(directory)
            options.beforeSwap?()
            guard try swap(replaced, with: cleaned, endOffset: endOffset, steps: &steps, isCancelled: isCancelled)
            else {
                if isCancelled() { return .abandoned("the cleaning was stopped") }
                return .abandoned("the log's segments changed during the cleaning")
            }
        } catch let crash as SimulatedCrash {
            throw crash
        } catch {
            // Once the swap is past the point of no return the new segments are the log's.
            if !steps.isCommitted { for segment in cleaned { try? segment.delete() } }
            throw error
        }
        // The replaced segments are out of the log; their files (now `.deleted`) can go.
        for segment in replaced { try? segment.delete() }
        try CleanerCheckpoint.write(endOffset, directory: directory)
        cleaning.withLock { $0.firstDirtyOffset = endOffset }
        var figures = pass.figures
        figures.bytesReclaimed = Int64(replaced.reduce(0) { $0 + $1.size } - cleaned.reduce(0) { $0 + $1.size })
        figures.finishedAt = now
        figures.durationMilliseconds = Int64((CleanerThrottle.monotonicNanoseconds() - started) / 1_000_000)
        return .cleaned(figures)
    }

    /// The cleaner's figures for this partition, with the dirty ratio as it is now. Takes the
    /// partition's lock only to read segment sizes, never waits for a cleaning.
    public func cleanerStats(now: Int64 = PartitionLog.currentTimeMilliseconds()) -> CleanerStats {
        let configuration = self.configuration
        let (stats, checkpoint) = cleaning.withLock { ($0.stats, $0.firstDirtyOffset) }
        let segments = state.withLock { state -> (summaries: [CleanableRange.Segment], active: Int64)? in
            guard state.isOpen else { return nil }
            return (state.segments.dropLast().map(CleaningSnapshot.summary), state.active.baseOffset)
        }
        var result = stats
        if let segments {
            let range = CleanableRange(
                segments: segments.summaries,
                activeBaseOffset: segments.active,
                checkpoint: checkpoint,
                now: now,
                configuration: configuration
            )
            result.dirtyRatio = range.dirtyRatio
            result.firstDirtyOffset = range.firstDirtyOffset
        } else {
            result.firstDirtyOffset = checkpoint ?? 0
        }
        return result
    }

    /// Stops a running cleaning of this partition and waits until it has (it checks between
    /// batches and while throttled, so this takes milliseconds). No cleaning starts afterwards.
    func abortCleaning() {
        cleaning.withLock { $0.abortRequested = true }
        while cleaning.withLock({ $0.isCleaning }) {
            CleanerThrottle.sleepNanoseconds(1_000_000)
        }
    }
}
