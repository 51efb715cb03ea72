extension PartitionLog {
    /// Replaces `old` (the first segments of the log) with the cleaned segments `new`, in the
    /// order `CompactionRecovery` can finish or undo after a crash at any step:
    ///
    /// 1. save the `SwapPlan`; rename the cleaned files to `.swap`, highest base offset first;
    ///    fsync the directory. Only the new files change: done without the lock.
    /// 2. under the lock, if the log still starts with `old`: rename the old files to `.deleted`,
    ///    give the `.swap` files their live names (indexes before logs) and put the new segments
    ///    in place. Renames only, so produce and fetch wait microseconds.
    /// 3. fsync the directory and remove the plan, without the lock.
    ///
    /// Returns false when the log no longer starts with `old` (retention deleted a segment, the
    /// log was cut), was closed, or the cleaning was cancelled: the new files and the plan are
    /// then removed and the log is as it was.
    func swap(
        _ old: [LogSegment],
        with new: [LogSegment],
        endOffset: Int64,
        steps: inout SwapSteps,
        isCancelled: () -> Bool
    ) throws -> Bool {
        let plan = SwapPlan(fromOffset: old[0].baseOffset, toOffset: endOffset, newBaseOffsets: new.map(\.baseOffset))
        // The replaced segments' key files go first, so none can outlive its segment under a
        // name a new segment takes (the cleaner would not trust it anyway: see `SegmentKeys`).
        for segment in old { LogSegment.removeKeyFile(directory, segment.baseOffset) }
        try steps.run { try plan.write(directory: directory) }
        do {
            for segment in new.reversed() {
                try renameFiles(of: segment, to: CompactionRecovery.swapSuffix, steps: &steps)
            }
            try steps.run { try FileSystem.syncDirectory(directory) }
        } catch let crash as SimulatedCrash {
            throw crash
        } catch {
            undo(new)
            throw error
        }
        let incoming = SegmentsInTransit(segments: new)
        let expected = old.map(ObjectIdentifier.init)
        let swapped = try state.withLock { state in
            guard state.isOpen, !isCancelled(), state.segments.count > old.count,
                state.segments.prefix(old.count).map(ObjectIdentifier.init) == expected
            else { return false }
            // From here on the swap only goes forward: should a rename fail, the next open
            // finishes it from the plan, and the new segments already serve the log.
            steps.isCommitted = true
            state.replaceFirstSegments(old.count, with: incoming)
            for segment in old {
                try renameFiles(of: segment, to: CompactionRecovery.deletedSuffix, steps: &steps)
            }
            for segment in new {
                try renameFiles(of: segment, to: "", steps: &steps)
            }
            return true
        }
        guard swapped else {
            undo(new)
            return false
        }
        try steps.run { try FileSystem.syncDirectory(directory) }
        try steps.run { try SwapPlan.remove(directory: directory) }
        return true
    }

    /// Removes the new segments' files and the plan after step 1. The lowest new log goes back
    /// to `.cleaned` first, in one rename: should a crash interrupt the removal, recovery then
    /// sees an incomplete set of `.swap` files and rolls back instead of forward.
    private func undo(_ new: [LogSegment]) {
        try? new[0].log.rename(
            to: LogSegment.path(directory, new[0].baseOffset, "log") + CompactionRecovery.cleanedSuffix
        )
        for segment in new { try? segment.delete() }
        try? SwapPlan.remove(directory: directory)
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
