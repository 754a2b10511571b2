import GRDB

/// Inserts many rows of one table through multi-row `INSERT … VALUES (…), (…), …` statements of up to
/// `rowsPerStatement` rows.
///
/// Why: a statement's run per row paid GRDB's and SQLite's per-statement work (reset, clearing the bindings, the
/// program's start) for every row; for a fiscal batch's 2,000 lines and 500 history events that was about a third
/// of what their inserts cost. Full statements are prepared once and cached; the last, shorter one is prepared for
/// its run only, so the cache holds one statement per table.
struct RowInserter {
    let prefix: String
    let columns: Int
    let rowsPerStatement: Int
    /// The full statement's text, made once.
    private let fullSQL: String

    /// What follows the rows, e.g. `ON CONFLICT(id) DO NOTHING`.
    let suffix: String

    /// - Parameters:
    ///   - prefix: the statement up to `VALUES`, e.g. `INSERT INTO events (id, at)`.
    ///   - columns: how many values each row has.
    ///   - suffix: what follows the rows.
    init(_ prefix: String, columns: Int, rowsPerStatement: Int = 100, suffix: String = "") {
        self.prefix = prefix
        self.columns = columns
        self.suffix = suffix
        // SQLite 3.32+ takes 32,766 parameters per statement; stay far below it.
        self.rowsPerStatement = max(1, min(rowsPerStatement, 30_000 / columns))
        fullSQL = Self.sql(prefix, columns: columns, rows: self.rowsPerStatement, suffix: suffix)
    }

    private static func sql(_ prefix: String, columns: Int, rows: Int, suffix: String) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return prefix + " VALUES " + Array(repeating: row, count: rows).joined(separator: ", ") + " " + suffix
    }

    /// Inserts `count` rows, each of `columns` values, in order: `bind` gives row `row`'s values to `values`.
    ///
    /// Values are bound straight into the prepared statement (GRDB's public `StatementBinding`), not gathered into
    /// `StatementArguments` first: making the arguments cost 4,800 instructions a row of a fiscal batch and binding
    /// them through GRDB's checks 1,250 a value, more than SQLite's insert of the row.
    /// - Returns: how many rows the statements changed (fewer than `count` when the suffix let some be skipped).
    @discardableResult
    func insert(_ count: Int, in db: Database, _ bind: (_ row: Int, _ values: inout RowValues) -> Void) throws -> Int {
        var start = 0
        var changed = 0
        while start < count {
            let rows = min(rowsPerStatement, count - start)
            let statement =
                rows == rowsPerStatement
                ? try db.cachedStatement(sql: fullSQL)
                : try db.makeStatement(sql: Self.sql(prefix, columns: columns, rows: rows, suffix: suffix))
            // Resets the statement and clears its earlier bindings; the values are bound below, and `execute()`
            // then runs it with them (GRDB takes empty arguments set this way as bound).
            statement.setUncheckedArguments(StatementArguments())
            var values = RowValues(statement.sqliteStatement)
            for row in start..<(start + rows) { bind(row, &values) }
            if let failure = values.failure {
                throw DatabaseError(resultCode: ResultCode(rawValue: failure), message: "a value could not be bound")
            }
            guard values.bound == rows * columns else {
                throw DatabaseError(
                    resultCode: .SQLITE_MISUSE,
                    message: "\(values.bound) values bound for \(rows) rows of \(columns) columns")
            }
            try statement.execute()
            changed += db.changesCount
            start += rows
        }
        return changed
    }
}

/// The values of the rows being inserted, bound in order as they are given.
struct RowValues {
    private let statement: SQLiteStatement
    /// How many values were bound.
    private(set) var bound: CInt = 0
    /// The first binding's failure (an SQLite result code), if any.
    private(set) var failure: CInt?

    init(_ statement: SQLiteStatement) { self.statement = statement }

    mutating func callAsFunction(_ value: some StatementBinding) {
        bound += 1
        let code = value.bind(to: statement, at: bound)
        if code != 0, failure == nil { failure = code }
    }

    /// Nil is bound as NULL.
    mutating func callAsFunction(_ value: (some StatementBinding)?) {
        guard let value else {
            self(DatabaseValue.null)
            return
        }
        self(value)
    }
}
