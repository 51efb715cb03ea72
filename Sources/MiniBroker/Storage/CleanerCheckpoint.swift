/// The log cleaner's checkpoint of one partition (Kafka's `cleaner-offset-checkpoint`): the
/// first dirty offset, below which the log was compacted. Kept in `cleaner-checkpoint` in the
/// partition directory, replaced atomically (temporary file, fsync, rename, directory fsync).
///
/// A missing or unreadable file means "everything is dirty from the log start": the next
/// cleaning then maps the whole log, which is slower but loses nothing.
enum CleanerCheckpoint {
    static let fileName = "cleaner-checkpoint"
    private static let magic = "aseed-cleaner-checkpoint 1"

    /// The first dirty offset saved in `directory`, nil when there is none or it is corrupt.
    static func read(directory: String) -> Int64? {
        guard let bytes = FileSystem.readSmallFile(directory + "/" + fileName, limit: 256) else { return nil }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        // The trailing empty line proves the file was written whole.
        guard lines.count == 3, lines[0] == magic, lines[2].isEmpty, let offset = Int64(lines[1]), offset >= 0 else {
            return nil
        }
        return offset
    }

    /// Saves `firstDirtyOffset` in `directory`, durably.
    static func write(_ firstDirtyOffset: Int64, directory: String) throws {
        let text = magic + "\n" + String(firstDirtyOffset) + "\n"
        try FileSystem.writeAtomically(Array(text.utf8), to: directory + "/" + fileName, directory: directory)
    }
}
