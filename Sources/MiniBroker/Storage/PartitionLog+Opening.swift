import KafkaWire
import Logging

extension PartitionLog {
    /// Finishes or undoes a compaction swap a crash interrupted, loads the segments, recovers
    /// the tail after an unclean stop, and rebuilds the producer state and the aborted
    /// transactions.
    static func openState(
        directory: String,
        topicPartition: KafkaTopicPartition,
        checkpoint: PartitionCheckpoint?,
        cleanShutdown: Bool,
        logStartOffset: Int64?,
        logger: Logger
    ) throws -> State {
        let swappedIn = try CompactionRecovery.recover(
            directory: directory,
            logger: logger,
            partition: topicPartition.description
        )
        var segments = try segmentBaseOffsets(in: directory).map {
            try LogSegment(directory: directory, baseOffset: $0)
        }
        if segments.isEmpty {
            segments = [try LogSegment(directory: directory, baseOffset: 0)]
            try FileSystem.syncDirectory(directory)
        }
        // After a clean stop everything was flushed: nothing needs re-validating.
        let recoveryPoint = cleanShutdown ? Int64.max : (checkpoint?.recoveryPoint ?? 0)
        segments = try recover(
            segments,
            after: recoveryPoint,
            rebuilding: swappedIn,
            topicPartition: topicPartition,
            logger: logger
        )
        let logEnd = segments[segments.count - 1].nextOffset
        // Recovery may have cut the log below where DeleteRecords had moved its start.
        let start = min(max(logStartOffset ?? 0, segments[0].baseOffset), logEnd)
        segments = try dropSegments(whollyBelow: start, of: segments)
        let (producers, aborted) = try loadProducerState(
            segments,
            checkpoint: checkpoint,
            directory: directory,
            logStartOffset: start,
            topicPartition: topicPartition,
            logger: logger
        )
        return State(
            segments: segments,
            producers: producers,
            abortedTransactions: aborted,
            recoveryPoint: logEnd,
            logStartOffset: start
        )
    }

    /// Deletes the segments a DeleteRecords had moved the log start past, when the broker
    /// stopped before it could delete them itself. The active segment stays.
    private static func dropSegments(whollyBelow offset: Int64, of segments: [LogSegment]) throws -> [LogSegment] {
        var kept = segments[...]
        while kept.count > 1, kept[kept.startIndex + 1].baseOffset <= offset {
            try kept.removeFirst().delete()
        }
        return Array(kept)
    }

    /// Base offsets of the `.log` files in `directory`, ascending.
    static func segmentBaseOffsets(in directory: String) throws -> [Int64] {
        try FileSystem.contents(of: directory).compactMap { name -> Int64? in
            guard name.hasSuffix(".log") else { return nil }
            return Int64(name.dropLast(4))
        }.sorted()
    }

    /// Trusts the segments wholly below the recovery point (loading their indexes), and
    /// re-validates the one containing it and all later ones, as Kafka does. At the first
    /// bad byte the segment is cut and later segments are removed; one warning says so.
    /// Segments in `rebuilding` (swapped in by compaction recovery) are re-validated wherever
    /// they are, which rebuilds their indexes.
    private static func recover(
        _ segments: [LogSegment],
        after recoveryPoint: Int64,
        rebuilding: Set<Int64>,
        topicPartition: KafkaTopicPartition,
        logger: Logger
    ) throws -> [LogSegment] {
        let firstUntrusted =
            recoveryPoint == .max
            ? segments.count
            : (segments.lastIndex { $0.baseOffset <= recoveryPoint } ?? 0)
        for (index, segment) in segments.enumerated() {
            if index < firstUntrusted && !rebuilding.contains(segment.baseOffset) {
                if try segment.load() { continue }
                logger.notice(
                    "\(topicPartition): index of segment \(segment.baseOffset) is torn; rebuilding it from the log"
                )
            }
            guard let truncation = try segment.recover() else {
                // Only batches past the recovery point may be in no more than the page cache.
                // Skipping the sync otherwise keeps a restart of thousands of partitions (and
                // the creation of new, empty ones) from paying three fsyncs each.
                if segment.nextOffset > recoveryPoint { try segment.sync() }
                continue
            }
            try segment.sync()
            let dropped = segments[(index + 1)...]
            let droppedBytes = dropped.reduce(0) { $0 + $1.size }
            for segment in dropped {
                try segment.delete()
            }
            logger.warning(
                """
                recovered \(topicPartition): truncated \(truncation.truncatedBytes + droppedBytes) bytes of \
                \(truncation.reason) at offset \(segment.nextOffset) (file position \(truncation.position) \
                of segment \(segment.baseOffset)\(dropped.isEmpty ? "" : ", \(dropped.count) later segments removed"))
                """
            )
            return Array(segments[...index])
        }
        return segments
    }
}
