import SQLite
import Synchronization

/// Consumer groups' lag samples in `<data-dir>/dashboard/lag-history.sqlite`, the last
/// `retentionMillis` of them (24 hours), so a group's history survives a restart.
///
/// Thread-safe: one connection behind a lock.
public final class LagHistoryStore: Sendable {
    /// The file name inside the dashboard's data directory.
    public static let fileName = "lag-history.sqlite"
    /// How long samples are kept.
    public let retentionMillis: Int64

    private let lock = Mutex(())
    /// Touched only under `lock`.
    nonisolated(unsafe) private let database: SQLiteDatabase

    /// Opens (creating) the store at `path`.
    public init(path: String, retentionMillis: Int64 = 24 * 3_600_000) throws {
        database = try SQLiteDatabase(path: path)
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS lag_samples (
                at_ms INTEGER NOT NULL,
                group_id TEXT NOT NULL,
                topic TEXT NOT NULL,
                partition INTEGER NOT NULL,
                committed INTEGER NOT NULL,
                latest INTEGER NOT NULL,
                ms_behind INTEGER
            );
            CREATE INDEX IF NOT EXISTS lag_samples_by_group ON lag_samples (group_id, at_ms);
            CREATE INDEX IF NOT EXISTS lag_samples_by_time ON lag_samples (at_ms);
            """
        )
        self.retentionMillis = retentionMillis
    }

    /// Stores one round of samples and forgets those older than the retention, in one commit.
    public func append(_ samples: [LagSample], nowMillis: Int64) throws {
        try lock.withLock { _ in
            try database.transaction {
                let insert = try database.statement(
                    """
                    INSERT INTO lag_samples (at_ms, group_id, topic, partition, committed, latest, ms_behind)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
                )
                for sample in samples {
                    try insert.run([
                        .integer(sample.atMillis), .text(sample.group), .text(sample.topic),
                        .integer(Int64(sample.partition)), .integer(sample.committed), .integer(sample.latest),
                        sample.millisBehind.map { .integer($0) } ?? .null,
                    ])
                }
                try database.statement("DELETE FROM lag_samples WHERE at_ms < ?")
                    .run([.integer(nowMillis - retentionMillis)])
            }
        }
    }

    /// A group's samples taken at or after `sinceMillis`, oldest first.
    public func samples(group: String, sinceMillis: Int64) throws -> [LagSample] {
        try lock.withLock { _ in
            try database.statement(
                """
                SELECT at_ms, topic, partition, committed, latest, ms_behind FROM lag_samples
                WHERE group_id = ? AND at_ms >= ? ORDER BY at_ms, topic, partition
                """
            ).rows([.text(group), .integer(sinceMillis)]) { row in
                LagSample(
                    atMillis: row.int64(at: 0),
                    group: group,
                    topic: row.string(at: 1) ?? "",
                    partition: Int32(truncatingIfNeeded: row.int64(at: 2)),
                    committed: row.int64(at: 3),
                    latest: row.int64(at: 4),
                    millisBehind: row.isNull(at: 5) ? nil : row.int64(at: 5)
                )
            }
        }
    }
}
