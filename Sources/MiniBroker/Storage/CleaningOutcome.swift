/// What one call of `PartitionLog.clean` did.
public enum CleaningOutcome: Sendable, Equatable {
    /// The topic's cleanup policy has no `compact`.
    case notCompacted
    /// Nothing is due: no closed dirty segment old enough, or a dirty ratio at or below
    /// `min.cleanable.dirty.ratio` and no dirty data older than `max.compaction.lag.ms`.
    case notDue
    /// Another cleaning of this partition is running.
    case busy
    /// The last attempts failed; the cleaner leaves the partition alone until this time
    /// (milliseconds since the epoch) rather than read a damaged log again every round.
    case backingOff(until: Int64)
    /// The log was compacted.
    case cleaned(CleanerStats.Cleaning)
    /// The cleaning stopped without changing the log: the broker is stopping, the partition
    /// was deleted or closed, or its segments changed meanwhile (retention). The reason says which.
    case abandoned(String)
}
