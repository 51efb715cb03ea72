/// The records of the dirty batches the map pass read, in log order: per batch its base
/// offset, per record its key's map entry and its offset. With them the rewrite decides what
/// stays without decompressing a batch again; only a batch that keeps some of its records
/// and drops others must be decoded and re-encoded.
struct MappedRecords {
    /// One mapped batch: its records are `first..<first + count`.
    struct Batch {
        let baseOffset: Int64
        let first: Int
        var count: Int
    }

    /// Memory per record (entry and offset) and per batch, counted against the map's limit.
    static let bytesPerRecord = 12
    static let bytesPerBatch = 24
    /// Marks a record without a key: it never stays.
    static let noKey: OffsetMap.Entry = -1

    private(set) var batches: [Batch] = []
    private var entries: [OffsetMap.Entry] = []
    private var offsets: [Int64] = []

    var estimatedBytes: Int { entries.count * Self.bytesPerRecord + batches.count * Self.bytesPerBatch }

    /// Starts the next batch; `add` then appends its records.
    mutating func beginBatch(baseOffset: Int64) {
        batches.append(Batch(baseOffset: baseOffset, first: entries.count, count: 0))
    }

    /// Appends a record of the batch begun last.
    mutating func add(entry: OffsetMap.Entry, offset: Int64) {
        entries.append(entry)
        offsets.append(offset)
        batches[batches.count - 1].count += 1
    }

    /// Per record of `batch`, whether it stays: it has a key and is that key's newest record.
    func keeps(_ batch: Batch, map: OffsetMap) -> [Bool] {
        (batch.first..<batch.first + batch.count).map { index in
            entries[index] != Self.noKey && map.newestOffset(of: entries[index]) == offsets[index]
        }
    }

    /// Finds the mapped batches of a walk in log order: `next(baseOffset:)` returns the batch
    /// with that base offset, if it was mapped, moving past the ones before it.
    struct Walk {
        let records: MappedRecords
        private var index = 0

        init(_ records: MappedRecords) {
            self.records = records
        }

        mutating func next(baseOffset: Int64) -> Batch? {
            let batches = records.batches
            while index < batches.count && batches[index].baseOffset < baseOffset { index += 1 }
            guard index < batches.count, batches[index].baseOffset == baseOffset else { return nil }
            index += 1
            return batches[index - 1]
        }
    }
}
