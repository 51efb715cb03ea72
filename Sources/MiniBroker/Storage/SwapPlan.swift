/// What a cleaning's swap replaces, saved as `cleaner-swap-plan` in the partition directory
/// before the first file is renamed to `.swap` and removed after the last swap file took its
/// live name. Recovery needs it to finish an interrupted swap: the old segments to remove are
/// those with a base offset in [`fromOffset`, `toOffset`), and a live file at one of
/// `newBaseOffsets` is a new segment already swapped in unless its `.log.swap` still exists.
struct SwapPlan: Equatable {
    static let fileName = "cleaner-swap-plan"
    private static let magic = "aseed-swap-plan 1"

    /// Base offset of the first replaced segment (the log start).
    var fromOffset: Int64
    /// Base offset of the first segment not replaced.
    var toOffset: Int64
    /// Base offsets of the cleaned segments that replace them.
    var newBaseOffsets: [Int64]

    func write(directory: String) throws {
        let bases = newBaseOffsets.map(String.init).joined(separator: " ")
        let text = "\(Self.magic)\n\(fromOffset) \(toOffset)\n\(bases)\n"
        try FileSystem.writeAtomically(Array(text.utf8), to: directory + "/" + Self.fileName, directory: directory)
    }

    /// The plan in `directory`, nil when there is none or it is unreadable.
    static func read(directory: String) -> SwapPlan? {
        guard let bytes = FileSystem.readSmallFile(directory + "/" + fileName) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 4, lines[0] == magic, lines[3].isEmpty else { return nil }
        let range = lines[1].split(separator: " ").compactMap { Int64($0) }
        let bases = lines[2].split(separator: " ").compactMap { Int64($0) }
        guard range.count == 2, range[0] < range[1], !bases.isEmpty else { return nil }
        return SwapPlan(fromOffset: range[0], toOffset: range[1], newBaseOffsets: bases)
    }

    static func remove(directory: String) throws {
        try FileSystem.removeFile(directory + "/" + fileName)
    }
}
