import SQLite

/// The analyzer's checkpoints in SQLite (`checkpoint.sqlite`): aggregates and the next offset
/// of every partition, written together in one transaction at each trigger, so after a crash
/// the analyzer resumes exactly where a committed transaction left it.
///
/// Tables: `state` (one row: the aggregation settings and the body), `closed_windows` (one
/// row per closed window, written once), `hash_chunks` (the sets, as chunks of fingerprints
/// tagged with their owner: `customers` and `window:<start>` of 8 bytes, `dedup:<generation>`
/// of 16).
final class CheckpointStore {
    /// Bumped when the body layout changes; an older checkpoint is refused with advice.
    static let formatVersion: Int64 = 1

    private let database: SQLiteDatabase

    /// Opens (creating) the checkpoint database at `path`.
    init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS state (
                id INTEGER PRIMARY KEY CHECK (id = 1), format INTEGER NOT NULL, rules BLOB NOT NULL,
                body BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS closed_windows (start INTEGER PRIMARY KEY, body BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS hash_chunks (
                id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, hashes BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS hash_chunks_by_owner ON hash_chunks (owner);
            """
        )
    }

    /// The checkpointed state, or nil when there is none yet.
    ///
    /// - Throws: `CheckpointError` when the checkpoint is damaged, from another format, or was
    ///   written with other aggregation settings (its figures would not mean the same).
    func load(rules: AggregationRules) throws -> AnalyticsState? {
        let rows = try database.statement("SELECT format, rules, body FROM state WHERE id = 1").rows { row in
            (row.int64(at: 0), row.blob(at: 1), row.blob(at: 2))
        }
        guard let (format, storedRules, body) = rows.first else { return nil }
        guard format == Self.formatVersion else {
            throw CheckpointError(
                """
                the checkpoint \(database.path) has format \(format), this version writes \(Self.formatVersion); \
                remove it to recount from the start of the topic
                """
            )
        }
        guard storedRules == Self.encode(rules) else {
            throw CheckpointError(
                """
                the checkpoint \(database.path) was computed with other window, watermark, dedup or ranking \
                settings; use those again, or remove the file to recount with the new ones
                """
            )
        }
        var state = AnalyticsState(rules: rules)
        try state.decodeBody(body)
        state.closedWindows = try database.statement("SELECT body FROM closed_windows ORDER BY start").rows { row in
            var reader = CheckpointReader(row.blob(at: 0))
            return try AnalyticsState.decodeWindow(from: &reader)
        }
        try loadSets(into: &state)
        return state
    }

    private func loadSets(into state: inout AnalyticsState) throws {
        var current = FingerprintSet<UInt128>()
        var previous = FingerprintSet<UInt128>()
        let generation = state.dedup.generation
        let chunks = try database.statement("SELECT owner, hashes FROM hash_chunks ORDER BY id").rows { row in
            (row.string(at: 0) ?? "", row.blob(at: 1))
        }
        for (owner, blob) in chunks {
            if owner == "customers" {
                state.customers.formUnion(try CheckpointReader.fingerprints(blob, as: UInt64.self))
            } else if owner == "dedup:\(generation)" {
                current.formUnion(try CheckpointReader.fingerprints(blob, as: UInt128.self))
            } else if owner == "dedup:\(generation - 1)" {
                previous.formUnion(try CheckpointReader.fingerprints(blob, as: UInt128.self))
            } else if owner.hasPrefix("window:"), let start = Int64(owner.dropFirst("window:".count)),
                let index = state.openWindows.firstIndex(where: { $0.start == start })
            {
                state.openWindows[index].customers!.formUnion(try CheckpointReader.fingerprints(blob, as: UInt64.self))
            }
        }
        state.dedup = OrderDeduplicator(
            capacity: state.rules.dedupGenerationCapacity,
            current: current,
            previous: previous,
            generation: generation,
            generationStartMicros: state.dedup.generationStartMicros
        )
    }

    /// Writes the state in one transaction and clears its pending journal entries.
    func save(_ state: inout AnalyticsState) throws {
        let dedupJournal = state.dedup.takeJournal()
        do {
            try database.transaction {
                try database.statement("INSERT OR REPLACE INTO state (id, format, rules, body) VALUES (1, ?, ?, ?)")
                    .run([.integer(Self.formatVersion), .blob(Self.encode(state.rules)), .blob(state.encodeBody())])
                try saveWindows(state)
                try appendChunk(owner: "customers", state.newCustomers)
                for (generation, ids) in dedupJournal.added { try appendChunk(owner: "dedup:\(generation)", ids) }
                for generation in dedupJournal.dropped { try deleteChunks(owner: "dedup:\(generation)") }
                for window in state.openWindows where !window.newCustomers.isEmpty {
                    try appendChunk(owner: "window:\(window.start)", window.newCustomers)
                }
            }
        } catch {
            // Nothing was written: keep the journal for the next attempt.
            state.dedup.giveBack(dedupJournal)
            throw error
        }
        state.newCustomers.removeAll(keepingCapacity: true)
        state.windowsClosedSinceCheckpoint = []
        state.windowsDroppedSinceCheckpoint = []
        for index in state.openWindows.indices { state.openWindows[index].newCustomers.removeAll() }
    }

    private func saveWindows(_ state: AnalyticsState) throws {
        let closed = Set(state.windowsClosedSinceCheckpoint)
        for window in state.closedWindows.reversed() where closed.contains(window.start) {
            var writer = CheckpointWriter()
            AnalyticsState.encode(window, into: &writer)
            try database.statement("INSERT OR REPLACE INTO closed_windows (start, body) VALUES (?, ?)")
                .run([.integer(window.start), .blob(writer.bytes)])
        }
        for start in state.windowsClosedSinceCheckpoint { try deleteChunks(owner: "window:\(start)") }
        for start in state.windowsDroppedSinceCheckpoint {
            try database.statement("DELETE FROM closed_windows WHERE start = ?").run([.integer(start)])
            try deleteChunks(owner: "window:\(start)")
        }
    }

    /// Appends fingerprints as one chunk, straight from the array's memory (little-endian
    /// hosts: the integers' bytes are the stored layout).
    private func appendChunk<Fingerprint: FixedWidthInteger>(owner: String, _ fingerprints: [Fingerprint]) throws {
        guard !fingerprints.isEmpty else { return }
        let statement = try database.statement("INSERT INTO hash_chunks (owner, hashes) VALUES (?, ?)")
        try fingerprints.withUnsafeBytes { bytes in
            try statement.run([.text(owner), .borrowedBlob(bytes)])
        }
    }

    private func deleteChunks(owner: String) throws {
        try database.statement("DELETE FROM hash_chunks WHERE owner = ?").run([.text(owner)])
    }

    /// The settings a checkpoint's figures depend on, as bytes to compare.
    private static func encode(_ rules: AggregationRules) -> [UInt8] {
        var writer = CheckpointWriter()
        for value in [
            rules.watermarkDelayMicros, rules.windowMicros, rules.windowRetentionMicros, rules.dedupHorizonMicros,
            Int64(rules.dedupGenerationCapacity), Int64(rules.topN), Int64(rules.recentOrders), Int64(rules.alertsKept),
        ] {
            writer.int64(value)
        }
        return writer.bytes
    }
}
