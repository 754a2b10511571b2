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

    /// Inserts `rows`, each of `columns` values, in order.
    ///
    /// Each row comes as its own array-literal `StatementArguments`, joined here: GRDB converts an array literal's
    /// values through a specialised path, and any other sequence through an unspecialised one at 1,300–1,700
    /// instructions a value.
    /// - Returns: how many rows the statements changed (fewer than `rows` when the suffix let some be skipped).
    @discardableResult
    func insert(_ rows: [StatementArguments], in db: Database) throws -> Int {
        var start = 0
        var changed = 0
        while start < rows.count {
            let count = min(rowsPerStatement, rows.count - start)
            let statement =
                count == rowsPerStatement
                ? try db.cachedStatement(sql: fullSQL)
                : try db.makeStatement(sql: Self.sql(prefix, columns: columns, rows: count, suffix: suffix))
            var arguments = StatementArguments()
            for row in rows[start..<(start + count)] { arguments += row }
            statement.setUncheckedArguments(arguments)
            try statement.execute()
            changed += db.changesCount
            start += count
        }
        return changed
    }
}
