import Logging

/// Finishes or undoes, when a partition opens, a compaction swap that a crash interrupted, as
/// Kafka's `LogLoader` does with its `.cleaned`, `.swap` and `.deleted` files.
///
/// The swap (`PartitionLog+Compaction`) goes: write the cleaned segments as `.cleaned` files
/// and the `SwapPlan`; rename every `.cleaned` file to `.swap` (highest base offset first);
/// rename the replaced segments' files to `.deleted`; rename the `.swap` files to their live
/// names (indexes before the log); remove the plan. So at open:
/// - `.deleted` files are replaced segments: removed.
/// - `.cleaned` files mean the renames to `.swap` had not finished: the cleaned files and any
///   `.swap` file at or above the lowest of them are removed, and the old segments, untouched
///   so far, stay (rolled back).
/// - `.swap` files left after that are a complete set: the swap is finished (rolled forward)
///   with the plan: live files in its range that are not new segments already in place are old
///   ones and go, then the `.swap` files take their live names. The indexes of the segments
///   swapped in this way are rebuilt from their logs, since a crash may have caught them
///   half renamed.
enum CompactionRecovery {
    static let cleanedSuffix = ".cleaned"
    static let swapSuffix = ".swap"
    static let deletedSuffix = ".deleted"

    /// One segment file name: `{base:020}.{kind}{suffix}`.
    struct FileName: Equatable {
        var baseOffset: Int64
        var kind: String
        var suffix: String

        init?(_ name: String) {
            guard let dot = name.firstIndex(of: "."), let base = Int64(name[..<dot]) else { return nil }
            let rest = name[name.index(after: dot)...]
            let parts = rest.split(separator: ".", maxSplits: 1)
            guard let kind = parts.first, LogSegment.fileKinds.contains(String(kind)) else { return nil }
            baseOffset = base
            self.kind = String(kind)
            suffix = parts.count > 1 ? "." + parts[1] : ""
        }
    }

    /// Brings `directory` back to a consistent set of live segments. Returns the base offsets of
    /// segments swapped in here, whose indexes must be rebuilt.
    static func recover(directory: String, logger: Logger, partition: String) throws -> Set<Int64> {
        var names = try FileSystem.contents(of: directory)
        for name in names where name.hasSuffix(".tmp") || name.hasSuffix(deletedSuffix) {
            try FileSystem.removeFile(directory + "/" + name)
        }
        let files = names.compactMap(FileName.init)
        let cleaned = files.filter { $0.suffix == cleanedSuffix }
        let lowestCleaned = cleaned.map(\.baseOffset).min()
        for file in cleaned { try FileSystem.removeFile(path(directory, file)) }
        var swaps = files.filter { $0.suffix == swapSuffix }
        if let lowestCleaned {
            for file in swaps where file.baseOffset >= lowestCleaned {
                try FileSystem.removeFile(path(directory, file))
            }
            swaps.removeAll { $0.baseOffset >= lowestCleaned }
        }
        var rebuilt: Set<Int64> = []
        if !swaps.isEmpty {
            names = try FileSystem.contents(of: directory)
            let live = names.compactMap(FileName.init).filter { $0.suffix.isEmpty }
            rebuilt = try rollForward(directory, swaps: swaps, live: live, logger: logger, partition: partition)
            try FileSystem.syncDirectory(directory)
            logger.warning(
                "\(partition): finished a compaction swap a stop interrupted (segments \(rebuilt.sorted()))"
            )
        } else if lowestCleaned != nil {
            logger.notice("\(partition): removed the files of a compaction a stop interrupted")
        }
        try SwapPlan.remove(directory: directory)
        return rebuilt
    }

    private static func rollForward(
        _ directory: String,
        swaps: [FileName],
        live: [FileName],
        logger: Logger,
        partition: String
    ) throws -> Set<Int64> {
        let swapLogs = Set(swaps.filter { $0.kind == "log" }.map(\.baseOffset))
        let isOld: (FileName) -> Bool
        if let plan = SwapPlan.read(directory: directory) {
            let news = Set(plan.newBaseOffsets)
            isOld = { file in
                (plan.fromOffset..<plan.toOffset).contains(file.baseOffset)
                    && (!news.contains(file.baseOffset) || swapLogs.contains(file.baseOffset))
            }
        } else {
            // Without the plan (it is written before any `.swap` exists, so only damage removes
            // it), Kafka's rule: a swap replaces the live segments from its base offset up to the
            // next swap's.
            logger.error("\(partition): compaction swap files without their plan; replacing by base offsets")
            let bases = swapLogs.sorted()
            isOld = { file in
                guard let index = bases.lastIndex(where: { $0 <= file.baseOffset }) else { return false }
                return index + 1 == bases.count ? file.baseOffset == bases[index] : file.baseOffset < bases[index + 1]
            }
        }
        for file in live where isOld(file) { try FileSystem.removeFile(path(directory, file)) }
        // Indexes before logs, as in the swap itself.
        for file in swaps.sorted(by: { ($0.kind == "log" ? 1 : 0) < ($1.kind == "log" ? 1 : 0) }) {
            var target = file
            target.suffix = ""
            try FileSystem.move(path(directory, file), to: path(directory, target))
        }
        return Set(swaps.map(\.baseOffset))
    }

    static func path(_ directory: String, _ file: FileName) -> String {
        LogSegment.path(directory, file.baseOffset, file.kind) + file.suffix
    }
}
