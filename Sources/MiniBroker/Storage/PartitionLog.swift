import KafkaWire
import Logging
import NIOCore
import Synchronization

/// The log of one partition: batches appended at the end get consecutive offsets; reads
/// return whole RecordBatch v2 bytes as stored, ready for a Fetch response.
///
/// Files live in `<directory>/<topic>-<partition>/`, in Kafka's layout (see `LogSegment`).
///
/// Durability, by `BrokerConfiguration.FlushPolicy`:
/// - `.everyBatch`: the segment is fsynced before `append` returns. An acknowledged batch
///   survives both kill -9 and a power cut.
/// - `.interval(milliseconds:)`: `append` returns once `write()` did; the caller calls
///   `flush()` every interval. kill -9 loses nothing acknowledged (the bytes are in the
///   kernel's page cache, which outlives the process); a power cut or kernel crash can lose
///   what was acknowledged since the last flush, up to one interval.
///
/// After an unclean stop the batches after the recovery point (the offset up to which data
/// was fsynced) are re-validated and the log is cut at the first bad byte.
///
/// Thread-safe: all state is behind one lock, so the idempotence check and the append it
/// guards are atomic.
public final class PartitionLog: Sendable {
    /// The outcome of `append`.
    public struct AppendResult: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// The batch was written.
            case appended
            /// A retry of a batch already in the log (same producer, epoch and sequences):
            /// nothing was written; the offsets are those of the original.
            case duplicate
        }

        public var outcome: Outcome
        public var baseOffset: Int64
        public var lastOffset: Int64
        /// Broker time of the append in milliseconds since the epoch; -1 for a duplicate.
        public var logAppendTime: Int64
        /// The log start offset after the append (Produce v5+ responses carry it).
        public var logStartOffset: Int64
    }

    public let topicPartition: KafkaTopicPartition
    /// This partition's own directory, `<directory>/<topic>-<partition>`.
    public let directory: String
    /// The topic's settings in force; `reconfigure` replaces them while the log is open.
    public var configuration: BrokerConfiguration { settings.withLock { $0 } }
    private let settings: Mutex<BrokerConfiguration>
    let logger: Logger
    /// Asked before each append whether the disk has room; nil for no check.
    let diskSpace: DiskSpaceGuard?
    let state: Mutex<State>
    /// The log cleaner's checkpoint, statistics and abort flag (see `PartitionLog+Compaction`).
    let cleaning: Mutex<CleaningState>

    /// Opens the partition's log, creating its directory and first segment when missing.
    ///
    /// - Parameters:
    ///   - directory: the directory holding all partition directories (`<data>/topics`).
    ///   - checkpoint: what the last flush or close saved; nil when unknown.
    ///   - cleanShutdown: whether the broker stopped cleanly last time. Only then is the
    ///     whole log trusted without re-validating the batches after the recovery point.
    ///   - logStartOffset: where DeleteRecords last moved the start of the log; nil for none.
    public init(
        directory: String,
        topic: String,
        partition: Int32,
        configuration: BrokerConfiguration,
        logger: Logger,
        checkpoint: PartitionCheckpoint? = nil,
        cleanShutdown: Bool = false,
        logStartOffset: Int64? = nil,
        diskSpace: DiskSpaceGuard? = nil
    ) throws {
        let topicPartition = KafkaTopicPartition(topic: topic, partition: partition)
        let partitionDirectory = directory + "/" + topicPartition.description
        try FileSystem.createDirectory(partitionDirectory)
        self.topicPartition = topicPartition
        self.directory = partitionDirectory
        self.settings = Mutex(configuration)
        self.logger = logger
        self.diskSpace = diskSpace
        let opened = try Self.openState(
            directory: partitionDirectory,
            topicPartition: topicPartition,
            checkpoint: checkpoint,
            cleanShutdown: cleanShutdown,
            logStartOffset: logStartOffset,
            logger: logger
        )
        state = Mutex(opened)
        cleaning = Mutex(CleaningState(firstDirtyOffset: CleanerCheckpoint.read(directory: partitionDirectory)))
    }

    /// The first offset still in the log (older segments were deleted by retention, older
    /// records by DeleteRecords).
    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    /// The offset the next appended record gets.
    public var logEndOffset: Int64 { state.withLock { $0.logEndOffset } }
    /// Offset below which the log is known to be fsynced.
    public var recoveryPoint: Int64 { state.withLock { $0.recoveryPoint } }
    /// Bytes of all segments.
    public var sizeInBytes: Int { state.withLock { $0.segments.reduce(0) { $0 + $1.size } } }
    /// Number of segments, the active one included.
    public var segmentCount: Int { state.withLock { $0.segments.count } }

    /// The idempotent producers that wrote to this partition and are still remembered, by
    /// producer id (DescribeProducers).
    var producers: [Int64: ProducerStateTable.Producer] { state.withLock { $0.producers.producers } }

    /// Replaces the topic's settings (AlterConfigs): the next append rolls by the new segment
    /// settings, the next retention pass deletes by the new retention settings.
    public func reconfigure(_ configuration: BrokerConfiguration) {
        settings.withLock { $0 = configuration }
    }

    /// Appends one whole RecordBatch v2 (the caller validated its size and CRC), assigning
    /// its offsets by rewriting the base offset, which the CRC does not cover. When it
    /// throws, the partition is exactly as before, on disk and in memory.
    ///
    /// - Parameter keys: on a compacted topic, the batch's keys as the produce path read
    ///   them, for the segment's key file (`SegmentKeys`).
    @discardableResult
    public func append(_ batch: ByteBuffer) throws -> AppendResult {
        try append(batch, keys: nil)
    }

    @discardableResult
    func append(_ batch: ByteBuffer, keys: BatchKeys?) throws -> AppendResult {
        guard let incoming = RecordBatchHeader.peek(batch), incoming.magic == 2,
            incoming.totalSize == batch.readableBytes, incoming.lastOffsetDelta >= 0
        else {
            throw StorageError(.corruptBatch, "\(topicPartition): append needs exactly one whole v2 batch")
        }
        // A marker changes the transactions' state and the aborted list: only `appendMarker`
        // writes one, after its checks.
        guard !incoming.isControl else {
            throw StorageError(.invalidRecord, "\(topicPartition): control batches are written by the broker only")
        }
        try diskSpace?.admit(bytes: batch.readableBytes)
        let now = Self.currentTimeMilliseconds()
        return try state.withLock { state in
            try state.checkOpen(topicPartition)
            if case .duplicate(let original) = try state.producers.verdict(for: incoming) {
                return AppendResult(
                    outcome: .duplicate,
                    baseOffset: original.baseOffset,
                    lastOffset: original.lastOffset,
                    logAppendTime: -1,
                    logStartOffset: state.logStartOffset
                )
            }
            try rollIfNeeded(&state, for: incoming)
            var header = incoming
            header.baseOffset = state.logEndOffset
            let syncs = configuration.flushPolicy == .everyBatch
            let position = state.active.size
            try state.active.append(batch, header: header, now: now, sync: syncs)
            if let keys { state.active.appendKeys(keys, header: header, position: position) }
            if syncs { state.recoveryPoint = state.logEndOffset }
            state.producers.record(header)
            return AppendResult(
                outcome: .appended,
                baseOffset: header.baseOffset,
                lastOffset: header.lastOffset,
                logAppendTime: now,
                logStartOffset: state.logStartOffset
            )
        }
    }

    /// Whole batches starting with the one that contains `offset` (the client skips the
    /// records before it), as many as fit in `maxBytes` but always at least that first one,
    /// so a batch larger than `maxBytes` still makes progress (KIP-74). Reads stay inside one
    /// segment, as Kafka's do. Empty at the log end offset.
    ///
    /// - Throws: `StorageError` `.offsetOutOfRange` outside [logStartOffset, logEndOffset].
    public func read(from offset: Int64, maxBytes: Int) throws -> ByteBuffer {
        try state.withLock { state in
            guard let found = try state.batch(containing: offset, in: topicPartition) else { return ByteBuffer() }
            return try found.segment.read(from: found.position, firstBatchSize: found.size, maxBytes: maxBytes)
        }
    }

    /// The batches `read` would return, as a region of a segment file to send with sendfile
    /// (Fetch), without copying them through memory. The slice owns a descriptor of its own.
    ///
    /// - Throws: `StorageError` `.offsetOutOfRange` outside [logStartOffset, logEndOffset].
    public func slice(from offset: Int64, maxBytes: Int) throws -> FileSlice {
        try state.withLock { state in
            guard let found = try state.batch(containing: offset, in: topicPartition) else { return FileSlice.empty }
            return try found.segment.slice(from: found.position, firstBatchSize: found.size, maxBytes: maxBytes)
        }
    }

    /// The first batch whose max timestamp is >= `timestamp` (ListOffsets by time): its base
    /// offset and max timestamp. nil when every batch is older.
    public func offset(forTimestamp timestamp: Int64) throws -> (offset: Int64, timestamp: Int64)? {
        try state.withLock { state in
            try state.checkOpen(topicPartition)
            for segment in state.segments {
                if let header = try segment.firstBatch(atOrAfter: timestamp) {
                    return (header.baseOffset, header.maxTimestamp)
                }
            }
            return nil
        }
    }

    /// fsyncs the active segment (rolled segments were fsynced when they rolled), moves the
    /// recovery point to the log end, and returns the checkpoint to persist.
    @discardableResult
    public func flush() throws -> PartitionCheckpoint {
        try state.withLock { state in
            try state.checkOpen(topicPartition)
            // An idle partition has nothing to sync; touching it would reopen its files.
            if state.recoveryPoint < state.logEndOffset {
                try state.active.sync()
                state.recoveryPoint = state.logEndOffset
            }
            return state.checkpoint()
        }
    }

    /// The log end offset, for a caller about to sync the whole file system itself
    /// (`LogManager`, when many logs need a flush); `markSynced(upTo:)` follows the sync.
    func endBeforeSync() -> Int64 { state.withLock { $0.logEndOffset } }

    /// Moves the recovery point to `offset` after the caller synced the file system, and
    /// returns the checkpoint to persist.
    func markSynced(upTo offset: Int64) -> PartitionCheckpoint {
        state.withLock { state in
            state.recoveryPoint = max(state.recoveryPoint, min(offset, state.logEndOffset))
            return state.checkpoint()
        }
    }

    /// The recovery point and producer state as they are now, without flushing.
    public func checkpoint() -> PartitionCheckpoint {
        state.withLock { $0.checkpoint() }
    }

    /// Flushes everything and closes the files. Returns the checkpoint to persist; after it,
    /// the next open may trust the whole log. Calling it again does nothing more.
    /// - Parameter syncing: false when the caller syncs the whole file system afterwards,
    ///   before it persists the checkpoint.
    @discardableResult
    public func close(syncing: Bool = true) throws -> PartitionCheckpoint {
        abortCleaning()
        return try state.withLock { state in
            if state.isOpen {
                try state.active.trimToSize()
                try state.active.appendTimeIndexEntryIfGrown()
                if syncing { try state.active.sync() }
                state.recoveryPoint = state.logEndOffset
                for segment in state.segments {
                    segment.close()
                }
                state.isOpen = false
            }
            return state.checkpoint()
        }
    }

    /// Closes the log and removes its directory (topic deletion).
    public func delete() throws {
        abortCleaning()
        try state.withLock { state in
            for segment in state.segments {
                segment.close()
            }
            state.isOpen = false
            try FileSystem.removeTree(directory)
        }
    }

    /// Starts a new segment when the active one is full (`segmentBytes`), old
    /// (`segmentMilliseconds`), or cannot index the batch's offsets in 32 bits.
    func rollIfNeeded(_ state: inout State, for header: RecordBatchHeader) throws {
        let active = state.active
        guard !active.isEmpty else { return }
        let configuration = self.configuration
        let full = active.size + header.totalSize > min(configuration.segmentBytes, Int(Int32.max))
        // Age compares batch timestamps, not the wall clock, as Kafka does: the segment is
        // as old as the time between its first batch and the new one.
        let old =
            header.maxTimestamp >= 0 && active.firstBatchTimestamp >= 0
            && header.maxTimestamp - active.firstBatchTimestamp > configuration.segmentRollMilliseconds
        let overflows = !active.canHold(offset: state.logEndOffset + Int64(header.lastOffsetDelta))
        guard full || old || overflows else { return }
        try active.appendTimeIndexEntryIfGrown()
        active.finishKeys()
        // A segment is fsynced once when it rolls, so `flush()` only ever syncs the active one.
        try active.sync()
        state.recoveryPoint = max(state.recoveryPoint, state.logEndOffset)
        state.segments.append(try LogSegment(directory: directory, baseOffset: state.logEndOffset))
        try FileSystem.syncDirectory(directory)
    }
}
