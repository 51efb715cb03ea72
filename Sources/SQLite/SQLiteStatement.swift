import CSQLite

/// A value bound to, or read from, a statement parameter.
public enum SQLiteValue {
    /// A 64-bit signed integer.
    case integer(Int64)
    /// UTF-8 text.
    case text(String)
    /// Bytes, stored as they are.
    case blob([UInt8])
    /// Bytes stored without a copy: the memory must stay valid until the statement has run
    /// (bind and step in one `run` call inside `withUnsafeBytes`).
    case borrowedBlob(UnsafeRawBufferPointer)
    /// SQL NULL.
    case null
}

/// A prepared statement. Not thread-safe; owned by one `SQLiteDatabase`.
public final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    public let sql: String

    init(connection: OpaquePointer, sql: String) throws {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to parameters 1, 2, ...
    public func bind(_ values: [SQLiteValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            let code: Int32
            switch value {
            case .integer(let number): code = sqlite3_bind_int64(handle, position, number)
            case .text(let text): code = sqlite3_bind_text(handle, position, text, -1, sqliteTransient)
            case .blob(let bytes):
                code = bytes.withUnsafeBytes {
                    sqlite3_bind_blob64(
                        handle,
                        position,
                        $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                        UInt64($0.count),
                        sqliteTransient
                    )
                }
            case .borrowedBlob(let bytes):
                code = sqlite3_bind_blob64(
                    handle,
                    position,
                    bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                    UInt64(bytes.count),
                    nil
                )
            case .null: code = sqlite3_bind_null(handle, position)
            }
            guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: connection, sql: sql) }
        }
    }

    /// Advances to the next row: true when there is one, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            sqlite3_reset(handle)
            throw SQLiteError(code: code, connection: connection, sql: sql)
        }
    }

    /// Binds `values` and runs the statement to completion (INSERT, UPDATE, DELETE).
    public func run(_ values: [SQLiteValue] = []) throws {
        try bind(values)
        while try step() {}
    }

    /// Binds `values` and maps every result row.
    public func rows<Row>(_ values: [SQLiteValue] = [], _ map: (SQLiteStatement) throws -> Row) throws -> [Row] {
        try bind(values)
        var rows: [Row] = []
        while try step() { rows.append(try map(self)) }
        return rows
    }

    /// The integer in result column `column` (0-based) of the current row.
    public func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// Whether result column `column` of the current row is NULL.
    public func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The text in result column `column` of the current row; nil for NULL.
    public func string(at column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: text)
    }

    /// The bytes in result column `column` of the current row (empty for NULL).
    public func blob(at column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

/// SQLite's SQLITE_TRANSIENT: copy the bound bytes now. The C macro is not imported.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
