import CSQLite

/// A thin wrapper over one SQLite connection: WAL journal, busy timeout, cached prepared
/// statements and transactions. Not thread-safe: an owner keeps it behind a lock or in one task.
public final class SQLiteDatabase {
    private let connection: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    /// The database file.
    public let path: String

    /// Opens (creating) the database at `path`.
    ///
    /// WAL with `synchronous=NORMAL`: a commit is in the WAL file once `COMMIT` returns, so it
    /// survives the process being killed; after a power cut the last commits before the next
    /// checkpoint of the WAL may be lost (SQLite's documented trade-off for NORMAL).
    public init(path: String, busyTimeoutMilliseconds: Int32 = 5_000) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let error = SQLiteError(code: code, connection: connection)
            sqlite3_close_v2(connection)
            throw error
        }
        self.connection = connection
        self.path = path
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        statements = [:]
        sqlite3_close_v2(connection)
    }

    /// Runs one or more statements that take no parameters (schema, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(connection, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_free(message)
            throw SQLiteError(code: code, message: text, sql: sql)
        }
    }

    /// A prepared statement for `sql`, prepared once and reused.
    public func statement(_ sql: String) throws -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        let statement = try SQLiteStatement(connection: connection, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `body` in one transaction: all of it is committed, or none if it throws.
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a busy database fails at the start
    /// rather than in the middle.
    public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
        // Prepared once like any statement: busy writers (the transaction coordinator) would
        // otherwise parse these two on every transaction.
        try statement("BEGIN IMMEDIATE").run()
        do {
            let result = try body()
            try statement("COMMIT").run()
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The schema version kept in the database header (`PRAGMA user_version`).
    public func userVersion() throws -> Int {
        let statement = try statement("PRAGMA user_version")
        try statement.bind([])
        defer { try? statement.bind([]) }
        return try statement.step() ? Int(statement.int64(at: 0)) : 0
    }

    /// Sets the schema version kept in the database header.
    public func setUserVersion(_ version: Int) throws {
        try execute("PRAGMA user_version = \(version)")
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(connection)) }
}
