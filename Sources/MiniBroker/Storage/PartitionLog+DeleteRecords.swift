extension PartitionLog {
    /// Moves the log start offset up to `offset` (DeleteRecords): records below it are no
    /// longer served, and segments wholly below it are deleted. -1 means the log end (Kafka's
    /// high watermark). Aborted transactions whose marker falls below it are forgotten.
    /// `persist` records the new start before anything is deleted, so a crash in between still
    /// opens the log there. Returns the log start offset afterwards; an offset at or below the
    /// current start changes nothing.
    ///
    /// - Throws: `StorageError` `.offsetOutOfRange` for an offset past the log end or below -1.
    @discardableResult
    public func deleteRecords(before offset: Int64, persist: (Int64) throws -> Void) throws -> Int64 {
        try state.withLock { state in
            try state.checkOpen(topicPartition)
            let target = offset == -1 ? state.logEndOffset : offset
            guard target >= 0, target <= state.logEndOffset else {
                throw StorageError(
                    .offsetOutOfRange,
                    """
                    \(topicPartition): cannot delete records before offset \(offset); the log ends at \
                    \(state.logEndOffset)
                    """
                )
            }
            guard target > state.logStartOffset else { return state.logStartOffset }
            try persist(target)
            state.logStartOffset = target
            var deleted = 0
            while state.segments.count > 1, state.segments[1].baseOffset <= target {
                try state.segments.removeFirst().delete()
                deleted += 1
            }
            pruneAbortedTransactions(&state)
            logger.info("\(topicPartition): records before \(target) deleted, with \(deleted) whole segments")
            return target
        }
    }
}
