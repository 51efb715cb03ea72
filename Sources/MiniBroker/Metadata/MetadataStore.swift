import SQLite
import Synchronization

/// The broker's durable metadata in `<data>/metadata.sqlite`: topics and their configs,
/// committed consumer offsets, the producer id counter, and per-partition checkpoints
/// (recovery point and producer state) of the logs; and beside it the transaction
/// coordinator's state, in `<data>/transaction-state.log` (`TransactionStateLog`).
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
    /// Touched only inside `withTransactionLog`, under `lock`.
    nonisolated(unsafe) private let transactionLog: TransactionStateLog

    /// Opens (creating) `<dataDirectory>/metadata.sqlite` and brings its schema up to date.
    public convenience init(dataDirectory: String) throws {
        try FileSystem.createDirectory(dataDirectory)
        try self.init(path: dataDirectory + "/" + Self.fileName)
    }

    /// Opens (creating) the database file at `path`, brings its schema up to date, and opens
    /// the transaction state log in the same directory.
    public init(path: String) throws {
        let database = try SQLiteDatabase(path: path)
        try Self.migrate(database)
        self.connection = database
        self.transactionLog = try Self.openTransactionLog(
            at: TransactionStateLog.path(besideDatabase: path),
            database: database
        )
    }

    /// Runs `body` with the connection, under the lock.
    func withDatabase<Result>(_ body: (SQLiteDatabase) throws -> Result) throws -> Result {
        try lock.withLock { _ in try body(connection) }
    }

    /// Runs `body` with the connection and the transaction state log, under the lock.
    func withTransactionLog<Result>(_ body: (SQLiteDatabase, TransactionStateLog) throws -> Result) throws -> Result {
        try lock.withLock { _ in try body(connection, transactionLog) }
    }
}
