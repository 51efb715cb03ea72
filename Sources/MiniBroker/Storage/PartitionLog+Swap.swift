extension PartitionLog {
    /// Replaces `old` (the first segments of the log) with the cleaned segments `new`, under
    /// the lock, in the order `CompactionRecovery` can finish or undo after a crash at any
    /// step: save the `SwapPlan`; rename the cleaned files to `.swap`, highest base offset
    /// first; fsync the directory; rename the old files to `.deleted`; give the `.swap` files
    /// their live names, indexes before logs; fsync the directory; remove the plan.
    ///
    /// Returns false, changing nothing, when the log no longer starts with `old` (retention
    /// deleted a segment, the log was cut), was closed, or the cleaning was cancelled.
    func swap(
        _ old: [LogSegment],
        with new: [LogSegment],
        endOffset: Int64,
        steps: inout SwapSteps,
        isCancelled: () -> Bool
    ) throws -> Bool {
        let incoming = SegmentsInTransit(segments: new)
        let expected = old.map(ObjectIdentifier.init)
        return try state.withLock { state in
            guard state.isOpen, !isCancelled(), state.segments.count > old.count,
                state.segments.prefix(old.count).map(ObjectIdentifier.init) == expected
            else { return false }
            let plan = SwapPlan(
                fromOffset: old[0].baseOffset,
                toOffset: endOffset,
                newBaseOffsets: new.map(\.baseOffset)
            )
            try steps.run { try plan.write(directory: directory) }
            do {
                for segment in new.reversed() {
                    try renameFiles(of: segment, to: CompactionRecovery.swapSuffix, steps: &steps)
                }
                try steps.run { try FileSystem.syncDirectory(directory) }
            } catch let crash as SimulatedCrash {
                throw crash
            } catch {
                // Nothing old was touched yet: undo to the state before the plan.
                for segment in new { try? segment.renameFiles(suffix: CompactionRecovery.cleanedSuffix) }
                try? SwapPlan.remove(directory: directory)
                throw error
            }
            // From here on the swap can only go forward; should a step fail, the next open
            // finishes it from the plan, and the log is served from the new segments already.
            steps.isCommitted = true
            state.replaceFirstSegments(old.count, with: incoming)
            for segment in old {
                try renameFiles(of: segment, to: CompactionRecovery.deletedSuffix, steps: &steps)
            }
            for segment in new {
                try renameFiles(of: segment, to: "", steps: &steps)
            }
            try steps.run { try FileSystem.syncDirectory(directory) }
            try steps.run { try SwapPlan.remove(directory: directory) }
            return true
        }
    }

    /// Renames a segment's three files to their live names plus `suffix`, indexes first, one
    /// step each.
    private func renameFiles(of segment: LogSegment, to suffix: String, steps: inout SwapSteps) throws {
        let base = segment.baseOffset
        try steps.run { try segment.offsetIndex.rename(to: LogSegment.path(directory, base, "index") + suffix) }
        try steps.run { try segment.timeIndex.rename(to: LogSegment.path(directory, base, "timeindex") + suffix) }
        try steps.run { try segment.log.rename(to: LogSegment.path(directory, base, "log") + suffix) }
    }
}

/// Segments the cleaner wrote outside the partition's lock, handed to the state under it.
/// `@unchecked Sendable`: once handed over, the cleaner no longer touches them.
struct SegmentsInTransit: @unchecked Sendable {
    let segments: [LogSegment]
}

extension PartitionLog.State {
    /// Puts `incoming` in place of the first `count` segments.
    mutating func replaceFirstSegments(_ count: Int, with incoming: SegmentsInTransit) {
        segments.replaceSubrange(0..<count, with: incoming.segments)
    }
}
