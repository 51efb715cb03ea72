import KafkaWire
import Logging
import Testing

@testable import MiniBroker

@Suite("Partition log: compaction after a crash")
struct CompactionRecoveryTests {
    /// A log of keyed updates over many segments, cleaned into several segments: the same
    /// bytes in every test (the model's generator is seeded).
    private func preparedLog(_ directory: TemporaryDirectory) throws -> (PartitionLog, CompactionModel) {
        let log = try openLog(directory, configuration: .compactionTest())
        var model = CompactionModel(seed: 11)
        try model.appendWorkload(to: log, batches: 50, keys: 25, tombstoneEvery: 9)
        return (log, model)
    }

    private func reopen(_ directory: TemporaryDirectory) throws -> (PartitionLog, RecordingLogHandler) {
        let handler = RecordingLogHandler()
        let log = try openLog(
            directory,
            configuration: .compactionTest(),
            logger: Logger(label: "test") { _ in handler }
        )
        return (log, handler)
    }

    /// Cleans with a crash before swap step `step`; nil when the swap has fewer steps.
    private func crash(_ log: PartitionLog, before step: Int) throws -> Bool {
        var options = CleaningOptions()
        options.crashBeforeSwapStep = step
        do {
            let outcome = try log.clean(now: 10_000, throttle: CleanerThrottle(bytesPerSecond: 0), options: options)
            guard case .cleaned = outcome else {
                Issue.record("not cleaned: \(outcome)")
                return false
            }
            return false
        } catch is SimulatedCrash {
            return true
        }
    }

    @Test func aCrashAtAnyStepOfTheSwapLosesNoKeysNewestValue() throws {
        // The outcome without a crash, to tell a rollback from a completed swap.
        let reference = TemporaryDirectory(inMemory: true)
        defer { reference.remove() }
        let (cleanLog, _) = try preparedLog(reference)
        let originalSize = cleanLog.sizeInBytes
        _ = try cleanLog.clean(now: 10_000)
        let cleanedSize = cleanLog.sizeInBytes
        #expect(cleanedSize < originalSize)

        var step = 0
        var outcomes: [Int: String] = [:]
        var finishedOnOpen = 0
        while step < 1_000 {
            let directory = TemporaryDirectory(inMemory: true)
            defer { directory.remove() }
            let (log, model) = try preparedLog(directory)
            let end = log.logEndOffset
            let active = log.activeBaseOffset
            guard try crash(log, before: step) else { break }
            // The crashed instance is dropped as a killed process is; a new one opens the files.
            let (reopened, handler) = try reopen(directory)
            let records = try storedContents(reopened).records
            #expect(model.problems(in: records) == [], "crash before step \(step)")
            #expect(reopened.logEndOffset == end && reopened.logStartOffset == 0, "crash before step \(step)")
            #expect(try compactionLeftovers(reopened) == [], "crash before step \(step)")
            #expect([originalSize, cleanedSize].contains(reopened.sizeInBytes), "crash before step \(step)")
            if reopened.sizeInBytes == cleanedSize {
                #expect(model.problems(in: records, cleanedUpTo: active) == [], "crash before step \(step)")
            }
            if handler.lines(at: .warning).contains(where: { $0.contains("finished a compaction swap") }) {
                finishedOnOpen += 1
            }
            outcomes[step] = reopened.sizeInBytes == cleanedSize ? "forward" : "back"
            // It appends, and a later cleaning finishes the work (checked at some steps only, to
            // keep the test short).
            try reopened.append(keyedBatch([KeyedRecord(key: "key-1", value: "after")]))
            if step % 8 == 0 {
                _ = try reopened.clean(now: 10_000)
                #expect(try compactionLeftovers(reopened) == [])
                #expect(model.problems(in: try storedContents(reopened).records).count <= 1)  // key-1 is newer
            }
            step += 1
        }
        // The plan's write, a rename per file of each new and old segment, two directory
        // fsyncs and the plan's removal; the crashes before the point of no return roll back.
        #expect(step > 10)
        #expect(finishedOnOpen > 3)
        #expect(outcomes[0] == "back" && outcomes[step - 1] == "forward")
        let firstForward = outcomes.filter { $0.value == "forward" }.keys.min() ?? step
        #expect(outcomes.allSatisfy { ($0.key < firstForward) == ($0.value == "back") })
    }

    @Test func leftoverCleanedFilesAreRemovedOnOpen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let (log, model) = try preparedLog(directory)
        let before = try storedContents(log).records
        // A crash while the cleaned segments were being written leaves `.cleaned` files alone.
        let stray = try LogSegment(directory: log.directory, baseOffset: 0, suffix: CompactionRecovery.cleanedSuffix)
        let batch = keyedBatch([KeyedRecord(key: "key-1", value: "stale")])
        try stray.append(batch, header: RecordBatchHeader.peek(batch)!, now: 0)
        try stray.sync()
        let (reopened, _) = try reopen(directory)
        #expect(try compactionLeftovers(reopened) == [])
        #expect(try storedContents(reopened).records == before)
        #expect(model.problems(in: before) == [])
    }

    @Test func parsesSegmentFileNames() {
        let swap = CompactionRecovery.FileName("00000000000000000042.timeindex.swap")
        #expect(swap?.baseOffset == 42 && swap?.kind == "timeindex" && swap?.suffix == ".swap")
        #expect(CompactionRecovery.FileName("00000000000000000042.log")?.suffix == "")
        #expect(CompactionRecovery.FileName("cleaner-checkpoint") == nil)
        #expect(CompactionRecovery.FileName("00000000000000000042.snapshot") == nil)
    }

    @Test func aSwapPlanRoundTripsAndRefusesDamage() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let plan = SwapPlan(fromOffset: 0, toOffset: 900, newBaseOffsets: [0, 310, 640])
        try plan.write(directory: directory.path)
        #expect(SwapPlan.read(directory: directory.path) == plan)
        try FileSystem.writeAtomically(
            Array("aseed-swap-plan 1\n0 900\n".utf8),
            to: directory.path + "/" + SwapPlan.fileName,
            directory: directory.path
        )
        #expect(SwapPlan.read(directory: directory.path) == nil)
    }
}
