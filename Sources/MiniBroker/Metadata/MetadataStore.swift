import SQLite
import Synchronization

/// The broker's durable metadata in `<data>/metadata.sqlite`: topics and their configs,
/// committed consumer offsets, the producer id counter, and per-partition checkpoints
/// (recovery point and producer state) of the logs.
///
/// Durability: SQLite in WAL mode with `synchronous=NORMAL`. Every method returns after its
/// transaction committed to the WAL file, so a commit survives kill -9. A power cut can lose
/// the last commits (consumers then re-read a little: at-least-once), except producer id
/// allocation, which is committed with a full sync so an id is never handed out twice.
///
/// Thread-safe: one connection behind a lock; every call is short.
public final class MetadataStore: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "metadata.sqlite"

    /// Guards `connection`: SQLite connections are opened without their own mutex.
    private let lock = Mutex(())
    /// Touched only inside `withDatabase`, under `lock`.
    nonisolated(unsafe) private let connection: SQLiteDatabase

    /// Opens (creating) `<dataDirectory>/metadata.sqlite` and brings its schema up to date.
    public convenience init(dataDirectory: String) throws {
        try FileSystem.createDirectory(dataDirectory)
        try self.init(path: dataDirectory + "/" + Self.fileName)
    }

    /// Opens (creating) the database file at `path` and brings its schema up to date.
    public init(path: String) throws {
        let database = try SQLiteDatabase(path: path)
        try Self.migrate(database)
        self.connection = database
    }

    /// Runs `body` with the connection, under the lock.
    func withDatabase<Result>(_ body: (SQLiteDatabase) throws -> Result) throws -> Result {
        try lock.withLock { _ in try body(connection) }
    }
}
