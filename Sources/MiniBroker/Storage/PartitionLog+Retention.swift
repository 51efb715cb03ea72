extension PartitionLog {
    /// Deletes whole closed segments, oldest first, while they are older than
    /// `retentionMilliseconds` or the partition is larger than `retentionBytes`, moving the
    /// log start offset up, and forgets the aborted transactions whose marker went with them.
    /// The active segment is never deleted. Returns how many went.
    ///
    /// A segment's age is its largest batch timestamp (the file's modification time when
    /// batches carry none), as in Kafka.
    ///
    /// Only a cleanup policy with `delete` (`delete`, `compact,delete`) deletes: a topic that is
    /// only compacted keeps every segment, the cleaner alone shrinks it.
    @discardableResult
    public func applyRetention(now: Int64) throws -> Int {
        let configuration = self.configuration
        guard configuration.cleanupPolicy.deletes else { return 0 }
        return try state.withLock { state in
            try state.checkOpen(topicPartition)
            var deleted = 0
            let maxAge = configuration.retentionMilliseconds
            while maxAge >= 0, state.segments.count > 1, now - Self.age(of: state.segments[0]) > maxAge {
                try deleteOldestSegment(&state)
                deleted += 1
            }
            let maxBytes = configuration.retentionBytes
            var total = state.segments.reduce(0) { $0 + Int64($1.size) }
            while maxBytes >= 0, state.segments.count > 1, total - Int64(state.segments[0].size) >= maxBytes {
                total -= Int64(state.segments[0].size)
                try deleteOldestSegment(&state)
                deleted += 1
            }
            if deleted > 0 { pruneAbortedTransactions(&state) }
            return deleted
        }
    }

    static func age(of segment: LogSegment) -> Int64 {
        segment.maxTimestamp >= 0 ? segment.maxTimestamp : segment.lastModified
    }

    private func deleteOldestSegment(_ state: inout State) throws {
        let oldest = state.segments.removeFirst()
        try oldest.delete()
        state.logStartOffset = max(state.logStartOffset, state.segments[0].baseOffset)
        logger.info(
            "\(topicPartition): retention deleted segment \(oldest.baseOffset); log starts at \(state.logStartOffset)"
        )
    }
}
