import KafkaWire
import Logging
import Synchronization

/// All partition logs of the broker, under `<data>/topics/`, named after Kafka's class of the
/// same role. The topic list comes from the metadata store; checkpoints go back to it.
///
/// Clean and unclean stops: `close()` flushes every log, saves the checkpoints and then
/// writes `<data>/.clean-shutdown`. `open()` reads and removes that marker, so a later
/// kill -9 or power cut leaves no marker and the next open re-validates the logs' tails.
public final class LogManager: Sendable {
    /// Name of the marker file a clean stop leaves in the data directory.
    public static let cleanShutdownMarker = ".clean-shutdown"

    public let dataDirectory: String
    /// `<data>/topics`, parent of all partition directories.
    public var topicsDirectory: String { dataDirectory + "/topics" }
    let configuration: BrokerConfiguration
    let metadata: MetadataStore
    let logger: Logger
    /// Room kept on the disk; appends of every log ask it first.
    public let diskSpace: DiskSpaceGuard
    /// Compacts the partitions of compacted topics; its thread runs while `run()` does.
    let cleaner: LogCleaner
    private let state = Mutex(State())

    private struct State {
        var logs: [KafkaTopicPartition: PartitionLog] = [:]
        var lastShutdownWasClean = false
        /// The dynamic broker configs every topic inherits from.
        var brokerConfigs = BrokerConfigs()
        /// Each topic's own config overrides.
        var topicOverrides: [String: [String: String]] = [:]
    }

    /// - Parameter diskSpace: the guard of the data disk; nil for none (appends run until
    ///   the disk refuses them).
    public init(
        dataDirectory: String,
        configuration: BrokerConfiguration,
        metadata: MetadataStore,
        logger: Logger,
        diskSpace: DiskSpaceGuard? = nil
    ) {
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.metadata = metadata
        self.logger = logger
        self.diskSpace = diskSpace ?? DiskSpaceGuard(dataDirectory: dataDirectory, reserveBytes: 0, logger: logger)
        self.cleaner = LogCleaner(configuration: configuration, logger: logger)
    }

    private var markerPath: String { dataDirectory + "/" + Self.cleanShutdownMarker }

    /// Opens the logs of every partition of every topic in the metadata store, recovering
    /// their tails when the last stop was not clean, then clears the clean-stop marker.
    public func open() throws {
        try FileSystem.createDirectory(topicsDirectory)
        let clean = FileSystem.fileExists(markerPath)
        let brokerConfigs = try metadata.brokerConfigs()
        state.withLock { $0.brokerConfigs = brokerConfigs }
        let topics = try metadata.topics()
        for topic in topics {
            try createPartitions(
                topic: topic.name,
                count: topic.partitionCount,
                configs: topic.configs,
                cleanShutdown: clean
            )
        }
        reportUnknownDirectories(known: Set(topics.map(\.name)))
        // From here on, a crash must be detected as unclean.
        if clean {
            try FileSystem.removeFile(markerPath)
            try FileSystem.syncDirectory(dataDirectory)
        }
        state.withLock { $0.lastShutdownWasClean = clean }
        if topics.isEmpty {
            logger.info("no topics yet in \(topicsDirectory)")
        } else {
            logger.info(
                "opened \(topics.count) topics from \(topicsDirectory) after a\(clean ? " clean" : "n unclean") stop"
            )
        }
    }

    /// Whether the stop before the last `open()` was clean.
    public var lastShutdownWasClean: Bool { state.withLock { $0.lastShutdownWasClean } }

    /// The log of a partition, nil when the broker has none.
    public func log(topic: String, partition: Int32) -> PartitionLog? {
        state.withLock { $0.logs[KafkaTopicPartition(topic: topic, partition: partition)] }
    }

    /// The logs of a topic, by partition.
    public func logs(topic: String) -> [PartitionLog] {
        state.withLock { state in
            state.logs.values.filter { $0.topicPartition.topic == topic }
                .sorted { $0.topicPartition.partition < $1.topicPartition.partition }
        }
    }

    /// Every partition with a log.
    public var partitions: [KafkaTopicPartition] { state.withLock { Array($0.logs.keys) } }

    /// The dynamic broker configs in force.
    public var brokerConfigs: BrokerConfigs { state.withLock { $0.brokerConfigs } }

    /// The settings a topic with `overrides` gets: start options, dynamic broker configs, then
    /// the topic's own.
    public func configuration(topicOverrides overrides: [String: String]) -> BrokerConfiguration {
        configuration.effective(broker: brokerConfigs, topicOverrides: overrides)
    }

    /// Applies a topic's new config overrides to its open logs.
    public func reconfigure(topic: String, overrides: [String: String]) {
        let (logs, settings) = state.withLock { state in
            state.topicOverrides[topic] = overrides
            let settings = configuration.effective(broker: state.brokerConfigs, topicOverrides: overrides)
            return (state.logs.values.filter { $0.topicPartition.topic == topic }, settings)
        }
        for log in logs { log.reconfigure(settings) }
    }

    /// Applies new dynamic broker configs to every open log (topics' own values still win).
    public func reconfigure(broker configs: BrokerConfigs) {
        let updates = state.withLock { state in
            state.brokerConfigs = configs
            return state.logs.values.map { log in
                let overrides = state.topicOverrides[log.topicPartition.topic] ?? [:]
                return (log, configuration.effective(broker: configs, topicOverrides: overrides))
            }
        }
        for (log, settings) in updates { log.reconfigure(settings) }
    }

    /// Opens or creates the logs of partitions 0..<count of `topic`; existing ones are kept,
    /// so this also serves to add partitions. The metadata store's topic row is the caller's.
    /// `configs` are the topic's overrides (`retention.ms`, `segment.bytes`, ...).
    @discardableResult
    public func createPartitions(topic: String, count: Int32, configs: [String: String] = [:]) throws -> [PartitionLog]
    {
        try createPartitions(topic: topic, count: count, configs: configs, cleanShutdown: false)
    }

    @discardableResult
    private func createPartitions(
        topic: String,
        count: Int32,
        configs: [String: String],
        cleanShutdown: Bool
    ) throws -> [PartitionLog] {
        try state.withLock { state in
            state.topicOverrides[topic] = configs
            let configuration = self.configuration.effective(broker: state.brokerConfigs, topicOverrides: configs)
            return try (0..<count).map { partition in
                let key = KafkaTopicPartition(topic: topic, partition: partition)
                if let existing = state.logs[key] { return existing }
                let directory = topicsDirectory + "/" + key.description
                let isNew = !FileSystem.fileExists(directory)
                do {
                    let log = try PartitionLog(
                        directory: topicsDirectory,
                        topic: topic,
                        partition: partition,
                        configuration: configuration,
                        logger: logger,
                        checkpoint: try metadata.checkpoint(for: key),
                        cleanShutdown: cleanShutdown,
                        logStartOffset: try metadata.logStartOffset(for: key),
                        diskSpace: diskSpace
                    )
                    state.logs[key] = log
                    return log
                } catch {
                    // A partition that could not be opened whole leaves no directory behind.
                    if isNew { try? FileSystem.removeTree(directory) }
                    throw error
                }
            }
        }
    }

    /// Removes a topic's logs and files, and its checkpoints from the metadata store.
    public func deleteTopic(_ topic: String) throws {
        let removed = state.withLock { state in
            let logs = state.logs.filter { $0.key.topic == topic }
            for key in logs.keys {
                state.logs[key] = nil
            }
            state.topicOverrides[topic] = nil
            return Array(logs.values)
        }
        for log in removed { try log.delete() }
        try metadata.deleteCheckpoints(topic: topic)
        logger.info("deleted the logs of topic \(topic) (\(removed.count) partitions)")
    }

    /// Removes the logs of `topic`'s partitions from `first` on, undoing a CreatePartitions
    /// whose new count could not be recorded.
    public func removePartitions(topic: String, from first: Int32) throws {
        let removed = state.withLock { state in
            let logs = state.logs.filter { $0.key.topic == topic && $0.key.partition >= first }
            for key in logs.keys { state.logs[key] = nil }
            return Array(logs.values)
        }
        for log in removed { try log.delete() }
    }

    /// fsyncs the logs appended to since their last flush and saves their checkpoints
    /// (recovery points, producer state). The caller runs it every flush interval (see `run()`).
    /// Logs with nothing past their recovery point are skipped: their files and checkpoints
    /// are as the last flush left them, and visiting them all would cost an idle broker with
    /// thousands of partitions an fsync and a checkpoint row per partition every interval.
    ///
    /// With many logs to flush (thousands of partitions written at once), one `syncfs` of the
    /// data's file system replaces their fsyncs.
    public func flushAll() throws {
        let dirty = state.withLock { $0.logs.values.filter { $0.recoveryPoint < $0.logEndOffset } }
        guard dirty.count >= Self.fileSystemSyncThreshold else {
            try saveCheckpoints(of: { $0.recoveryPoint < $0.logEndOffset }, { try $0.flush() })
            return
        }
        let ends = dirty.map { ($0, $0.endBeforeSync()) }
        try FileSystem.syncFileSystem(containing: dataDirectory)
        var checkpoints: [KafkaTopicPartition: PartitionCheckpoint] = [:]
        for (log, end) in ends { checkpoints[log.topicPartition] = log.markSynced(upTo: end) }
        try metadata.saveCheckpoints(checkpoints)
    }

    /// From this many logs to flush or close at once, one file system sync serves them all.
    static let fileSystemSyncThreshold = 32

    /// Applies retention to every log (or to one topic's); returns how many segments were
    /// deleted.
    @discardableResult
    public func applyRetention(topic: String? = nil, now: Int64 = PartitionLog.currentTimeMilliseconds()) throws -> Int
    {
        let logs = state.withLock { state in
            state.logs.values.filter { topic == nil || $0.topicPartition.topic == topic }
        }
        return try logs.reduce(0) { $0 + (try $1.applyRetention(now: now)) }
    }

    /// Compacts, once and on the caller's thread, every partition of a compacted topic whose
    /// cleaning is due (dirty ratio, compaction lags), the dirtiest first; waits for a cleaning
    /// the cleaner's thread runs to end first. For tests and an operator's "compact now".
    /// Returns what happened to each compacted partition.
    @discardableResult
    public func cleanNow(now: Int64 = PartitionLog.currentTimeMilliseconds()) -> [KafkaTopicPartition: CleaningOutcome]
    {
        cleaner.cleanDue(state.withLock { Array($0.logs.values) }, now: now)
    }

    /// The log cleaner's figures for every partition of a compacted topic. Never waits for a
    /// cleaning.
    public func cleanerStats(now: Int64 = PartitionLog.currentTimeMilliseconds()) -> [KafkaTopicPartition: CleanerStats]
    {
        let logs = state.withLock { Array($0.logs.values) }
        var stats: [KafkaTopicPartition: CleanerStats] = [:]
        for log in logs where log.configuration.cleanupPolicy.compacts {
            stats[log.topicPartition] = log.cleanerStats(now: now)
        }
        return stats
    }

    /// Starts the log cleaner's thread (`run()` does).
    func startCleaner() {
        cleaner.start { [self] in state.withLock { Array($0.logs.values) } }
    }

    /// Clean stop: stops the log cleaner, flushes and closes every log, saves the checkpoints,
    /// then leaves the clean-stop marker so the next open trusts the logs.
    public func close() throws {
        cleaner.stop()
        // The reserve's room lets the checkpoints and the marker be written on a full disk.
        diskSpace.release()
        let syncEach = state.withLock { $0.logs.count } < Self.fileSystemSyncThreshold
        try saveCheckpoints(
            { try $0.close(syncing: syncEach) },
            beforeSaving: { if !syncEach { try FileSystem.syncFileSystem(containing: dataDirectory) } }
        )
        let marker = try SegmentFile(path: markerPath)
        try marker.sync()
        marker.close()
        try FileSystem.syncDirectory(dataDirectory)
        diskSpace.keepForNextStart()
        logger.info("closed all partition logs cleanly")
    }

    /// Runs `action` on every log `selected` accepts, then `beforeSaving` (the file system
    /// sync the actions left to it), then saves what they returned in one transaction (none
    /// when no log was selected). A failing log does not keep the others from
    /// being flushed; the first error is rethrown.
    private func saveCheckpoints(
        of selected: (PartitionLog) -> Bool = { _ in true },
        _ action: (PartitionLog) throws -> PartitionCheckpoint,
        beforeSaving: () throws -> Void = {}
    ) throws {
        let logs = state.withLock { $0.logs }
        var checkpoints: [KafkaTopicPartition: PartitionCheckpoint] = [:]
        var firstError: (any Error)?
        for (partition, log) in logs where selected(log) {
            do {
                checkpoints[partition] = try action(log)
            } catch {
                logger.error("\(partition): \(error)")
                firstError = firstError ?? error
            }
        }
        try beforeSaving()
        if !checkpoints.isEmpty { try metadata.saveCheckpoints(checkpoints) }
        if let firstError { throw firstError }
    }

    /// Partition directories whose topic the metadata store does not know are left alone
    /// (they may be all that is left of data whose metadata was lost) but reported.
    private func reportUnknownDirectories(known: Set<String>) {
        let names = (try? FileSystem.contents(of: topicsDirectory)) ?? []
        for name in names {
            guard let dash = name.lastIndex(of: "-"), !known.contains(String(name[..<dash])) else { continue }
            logger.warning("\(topicsDirectory)/\(name) belongs to no known topic; leaving it untouched")
        }
    }
}
