import KafkaWire

/// Every batch the map pass read, in log order (base offset, size, CRC), and for the dirty
/// ones whose records the map decides, each record's key entry and offset. With them the
/// rewrite decides what stays without decompressing a batch again (only a batch that keeps
/// some records and drops others must be decoded and re-encoded), and checks that it reads
/// the very batches the map pass saw.
struct MappedRecords {
    /// One mapped batch: its records are `first..<first + count`.
    struct Batch {
        let baseOffset: Int64
        let size: Int
        let crc: UInt32
        /// Whether the map pass's entries decide its records (a dirty data batch); else the
        /// rewrite looks its keys up, or keeps it as it is (control and transactional batches).
        let isDecided: Bool
        let first: Int
        var count: Int
    }

    /// Memory per record (entry and offset) and per batch, counted against the map's limit.
    static let bytesPerRecord = 12
    static let bytesPerBatch = 48
    /// Marks a record without a key: it never stays.
    static let noKey: OffsetMap.Entry = -1

    private(set) var batches: [Batch] = []
    private var entries: [OffsetMap.Entry] = []
    private var offsets: [Int64] = []

    var estimatedBytes: Int { entries.count * Self.bytesPerRecord + batches.count * Self.bytesPerBatch }

    /// Starts the next batch; `add` then appends its records when `isDecided`.
    mutating func beginBatch(baseOffset: Int64, size: Int, crc: UInt32, isDecided: Bool) {
        batches.append(
            Batch(baseOffset: baseOffset, size: size, crc: crc, isDecided: isDecided, first: entries.count, count: 0)
        )
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

    /// The mapped batches in log order, each checked against the batch the rewrite reads.
    struct Walk {
        let records: MappedRecords
        private(set) var index = 0

        init(_ records: MappedRecords) {
            self.records = records
        }

        var isAtEnd: Bool { index == records.batches.count }

        /// The mapped batch for the batch `header` describes, which must be the next one.
        ///
        /// - Throws: `StorageError` `.corruptBatch` when it is not the batch the map pass saw.
        mutating func next(matching header: RecordBatchHeader) throws -> Batch {
            guard index < records.batches.count else { throw Self.mismatch(header) }
            let batch = records.batches[index]
            guard batch.baseOffset == header.baseOffset, batch.size == header.totalSize, batch.crc == header.crc
            else { throw Self.mismatch(header) }
            index += 1
            return batch
        }

        private static func mismatch(_ header: RecordBatchHeader) -> StorageError {
            StorageError(.corruptBatch, "batch \(header.baseOffset) is not the batch the cleaner's map pass saw")
        }
    }
}
