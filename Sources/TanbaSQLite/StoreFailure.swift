import GRDB

/// What a failed SQLite call means, in words an operator can act on.
///
/// GRDB's description of an error carries the SQL statement and its arguments: internals of the hub (and, for
/// arguments, possibly data) that must not reach a user, a log line or an HTTP answer. Only the result code's
/// meaning is told.
enum StoreFailure {
    static func reason(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            "the store stayed locked by another process for \(Int(SQLiteStore.busyTimeout)) s; try again"
        case .SQLITE_FULL: "the disk is full"
        case .SQLITE_READONLY: "the store is read-only (file or folder permissions)"
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            "the file cannot be opened (missing folder or permissions)"
        case .SQLITE_NOTADB: "the file is not a Tanba store (not an SQLite database)"
        case .SQLITE_CORRUPT: "the store is damaged (database disk image is malformed)"
        case .SQLITE_IOERR: "a disk read or write failed"
        case .SQLITE_CONSTRAINT: "a record conflicts with one already stored"
        default: "SQLite error \(error.resultCode.rawValue)"
        }
    }
}
