import Foundation
import GRDB
import TanbaDomain

/// A cursor over rows of `Connection.readColumns` or `codeColumns` (the code's columns, then optionally its row
/// number) that decodes each step straight from the statement's columns.
///
/// Why not `Row`: GRDB builds a `Row` cursor's table of lower-cased column names for every fetch and decodes each
/// value through a generic conversion; for the hub's point reads (one code per public check) and its bulk reads (a
/// 100,000-code document) that was most of the time spent outside SQLite (4 µs a row, `tanba-bench public`).
final class CodeRows: DatabaseCursor {
    typealias Element = (record: CodeRecord, seq: Int64?)
    let _statement: Statement
    var _isDone = false
    /// Whether the statement's last column is the row number.
    private let numbered: Bool

    /// Binds `arguments` to `statement` (resetting it) for iteration from the first row.
    init(_ statement: Statement, arguments: StatementArguments, numbered: Bool) throws {
        _statement = statement
        self.numbered = numbered
        try statement.setArguments(arguments)
    }

    func _element(sqliteStatement: SQLiteStatement) throws -> Element {
        func text(_ index: CInt) -> String? { String.fromStatement(sqliteStatement, atUncheckedIndex: index) }
        let record = CodeRecord(
            id: text(0) ?? "",
            level: PackagingLevel(rawValue: Int(Int64.fromStatement(sqliteStatement, atUncheckedIndex: 1) ?? 0))
                ?? .unit,
            gtin: text(2), status: text(3).flatMap(CodeStatus.init(rawValue:)) ?? .issued, owner: text(4) ?? "",
            emitter: text(5) ?? "", withdrawalReason: text(6).flatMap(WithdrawalReason.init(rawValue:)),
            lockedBy: text(7), parent: text(8), keyID: text(9), verificationCode: text(10),
            issuedAt: Date(timeIntervalSince1970: Double.fromStatement(sqliteStatement, atUncheckedIndex: 11) ?? 0))
        return (record, numbered ? Int64.fromStatement(sqliteStatement, atUncheckedIndex: 12) : nil)
    }

    /// Every row, in order.
    func all() throws -> [Element] {
        var rows: [Element] = []
        while let row = try next() { rows.append(row) }
        return rows
    }
}
