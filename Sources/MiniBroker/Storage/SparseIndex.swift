import NIOCore

/// One fixed-size entry of a sparse index file, ordered by `key`.
protocol SparseIndexEntry: Equatable {
    /// Bytes per entry in the file.
    static var size: Int { get }
    /// The value entries are sorted and searched by (relative offset, timestamp).
    var key: Int64 { get }
    init(reading buffer: inout ByteBuffer)
    func write(to buffer: inout ByteBuffer)
    /// Whether this entry may follow `previous` in a segment of `logSize` bytes; a torn or
    /// stale index file fails this and is rebuilt from the log.
    func canFollow(_ previous: Self?, logSize: Int) -> Bool
}

/// A sparse index of one segment: an append-only file of fixed-size entries, mirrored in
/// memory so lookups are a binary search (O(log n)) without touching the disk.
///
/// Appends reach the file in groups: at `sync()` (a flush, a roll), at `close()`, or once
/// `pendingLimit` entries wait, instead of one write per entry, which would be a system call
/// per indexed batch. Entries the file does not have yet after a crash cost nothing but
/// sparseness: the index stays valid without them (each entry only points into the log), and
/// a segment whose data is in doubt is re-indexed from the log anyway (`LogSegment.recover`).
struct SparseIndex<Entry: SparseIndexEntry> {
    private(set) var entries: [Entry] = []
    /// How many of `entries` the file holds; the rest wait for `writePending()`.
    private var written = 0
    private let file: SegmentFile
    /// Entries kept in memory before they are written anyway.
    static var pendingLimit: Int { 64 }

    init(path: String, readOnly: Bool = false) throws {
        file = try SegmentFile(path: path, readOnly: readOnly)
    }

    var path: String { file.path }
    var last: Entry? { entries.last }

    /// Reads the file into memory. Returns false, leaving the index empty, when the file is
    /// torn (a partial entry) or its entries are out of order or point past the log.
    mutating func load(logSize: Int) throws -> Bool {
        entries = []
        let size = try file.size()
        guard size % Entry.size == 0 else { return false }
        var buffer = try file.read(at: 0, count: size)
        var loaded: [Entry] = []
        loaded.reserveCapacity(size / Entry.size)
        while buffer.readableBytes >= Entry.size {
            let entry = Entry(reading: &buffer)
            guard entry.canFollow(loaded.last, logSize: logSize) else { return false }
            loaded.append(entry)
        }
        entries = loaded
        written = loaded.count
        return true
    }

    /// Appends an entry to memory, and to the file once `pendingLimit` entries wait.
    mutating func append(_ entry: Entry) throws {
        entries.append(entry)
        if pendingCount >= Self.pendingLimit { try writePending() }
    }

    /// How many entries the file does not have yet.
    var pendingCount: Int { entries.count - written }

    /// Writes the entries the file does not have yet, in one write.
    mutating func writePending() throws {
        guard written < entries.count else { return }
        var buffer = ByteBufferAllocator().buffer(capacity: pendingCount * Entry.size)
        for entry in entries[written...] { entry.write(to: &buffer) }
        try file.write(buffer, at: written * Entry.size)
        written = entries.count
    }

    /// The last entry whose key is <= `key`.
    func lastEntry(atOrBelow key: Int64) -> Entry? {
        let index = partitionPoint { $0.key > key }
        return index > 0 ? entries[index - 1] : nil
    }

    /// The last entry whose key is < `key`.
    func lastEntry(below key: Int64) -> Entry? {
        let index = partitionPoint { $0.key >= key }
        return index > 0 ? entries[index - 1] : nil
    }

    /// Keeps the first `count` entries, on disk too (an append rolled back).
    mutating func truncate(toCount count: Int) throws {
        guard count < entries.count else { return }
        entries.removeLast(entries.count - count)
        if count < written {
            try file.truncate(to: count * Entry.size)
            written = count
        }
    }

    /// Empties the index, on disk too.
    mutating func reset() throws {
        try file.truncate(to: 0)
        entries = []
        written = 0
    }

    /// Writes the pending entries and fsyncs the file.
    mutating func sync() throws {
        try writePending()
        try file.sync()
    }

    func rename(to path: String) throws { try file.rename(to: path) }

    /// Writes the pending entries and closes the file. Should the write fail, the file keeps
    /// the entries before them, which is a valid, sparser index.
    mutating func close() {
        try? writePending()
        file.close()
    }

    /// First index whose entry satisfies `isAfter` (entries are sorted, so it is monotonic).
    func partitionPoint(_ isAfter: (Entry) -> Bool) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(entries[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension SparseIndex where Entry == OffsetIndexEntry {
    /// The last entry at or before file position `position`: a batch boundary.
    func lastEntry(atOrBeforePosition position: Int) -> Entry? {
        let index = partitionPoint { Int($0.position) > position }
        return index > 0 ? entries[index - 1] : nil
    }
}
