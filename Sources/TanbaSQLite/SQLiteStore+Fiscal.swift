import Foundation
import GRDB
import TanbaDomain
import TanbaErrors
import TanbaStore

/// Cash receipts relayed by OFDs (migration v17), in the ledger's file: a receipt changes codes, and its row and
/// the codes' new states commit together or not at all.
enum FiscalSchema {
    /// v17: one row per receipt, keyed by `FR-<register>-<fiscal sign>` (the primary key is what applies a receipt
    /// once, whatever number of requests carry it), one row per line, found by code (a code's receipts) and by
    /// receipt. Receipts are found by the time they were recorded for the repair of violations' filing.
    static let sql = """
        CREATE TABLE fiscal_receipts (
            id TEXT PRIMARY KEY NOT NULL, register TEXT NOT NULL, register_serial TEXT, fiscal_sign TEXT NOT NULL,
            ofd TEXT NOT NULL, batch TEXT NOT NULL, seller TEXT NOT NULL, kind TEXT NOT NULL,
            issued_at REAL NOT NULL, received_at REAL NOT NULL, digest TEXT NOT NULL, violations INTEGER NOT NULL);
        CREATE INDEX fiscal_receipts_violations ON fiscal_receipts(received_at) WHERE violations > 0;
        CREATE TABLE fiscal_lines (
            receipt TEXT NOT NULL, line INTEGER NOT NULL, code TEXT NOT NULL, gtin TEXT NOT NULL, price TEXT NOT NULL,
            violation TEXT, message TEXT, PRIMARY KEY (receipt, line));
        CREATE INDEX fiscal_lines_code ON fiscal_lines(code);
        """

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17: fiscal receipts") { db in try db.execute(sql: sql) }
    }

    /// A line is found by its code through the code's own history when it applied (its receipt is the history
    /// entry's document) and through this partial index when it is a violation (which changes no code). Why: an
    /// index of every line's code took a random page of its B-tree per line — 2,000 pages dirtied and written to
    /// the log per batch of 2,000 lines, about as much as the withdrawals themselves (`tanba-bench fiscal`: the
    /// apply phase's CPU fell by ~40% without it, docs/PERFORMANCE.md).
    static func registerLineIndex(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v22: fiscal lines indexed by code where a violation") { db in
            try db.execute(
                sql: """
                    DROP INDEX fiscal_lines_code;
                    CREATE INDEX fiscal_lines_violation_code ON fiscal_lines(code) WHERE violation IS NOT NULL;
                    """)
        }
    }
}

extension Connection {
    static let receiptColumns = """
        id, register, register_serial, fiscal_sign, ofd, batch, seller, kind, issued_at, received_at, digest
        """

    /// Receipts of `sql` (selecting `receiptColumns`), each with its lines.
    private func receipts(_ sql: String, _ arguments: StatementArguments) throws -> [FiscalReceiptRecord] {
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        guard !rows.isEmpty else { return [] }
        var ids = JSONRows()
        for row in rows { ids.value(row[0]) }
        var lines: [String: [FiscalLineRecord]] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT receipt, line, code, gtin, price, violation, message FROM fiscal_lines
                    WHERE receipt IN (SELECT value FROM json_each(?)) ORDER BY receipt, line
                    """), arguments: [ids.finished()])
        {
            lines[row[0], default: []].append(
                FiscalLineRecord(
                    line: row[1], code: row[2], gtin: row[3], price: row[4],
                    violation: (row[5] as String?).flatMap(ViolationKind.init(rawValue:)), message: row[6]))
        }
        return rows.map { row in
            FiscalReceiptRecord(
                register: row[1], registerSerial: row[2], fiscalSign: row[3], ofd: row[4], batch: row[5],
                seller: row[6], kind: FiscalReceiptKind(rawValue: row[7]) ?? .sale,
                issuedAt: Date(timeIntervalSince1970: row[8]), receivedAt: Date(timeIntervalSince1970: row[9]),
                digest: row[10], lines: lines[row[0]] ?? [])
        }
    }

    func fiscalReceipts(ids: [String]) throws -> [String: FiscalReceiptRecord] {
        guard !ids.isEmpty else { return [:] }
        var list = JSONRows()
        for id in ids { list.value(id) }
        let found = try receipts(
            "SELECT \(Self.receiptColumns) FROM fiscal_receipts WHERE id IN (SELECT value FROM json_each(?))",
            [list.finished()])
        return Dictionary(found.map { ($0.id, $0) }) { first, _ in first }
    }

    /// Receipts with a line naming `code`. A line either applied, and the code's history names its receipt (a
    /// unit's entry or, for a package sold whole, the package's own), or is a violation, in the partial index
    /// (`fiscal_lines_violation_code`); the receipt is then checked to name the code itself (a box's receipt is in
    /// the history of what was inside it, but names only the box).
    func fiscalReceipts(code: String, limit: Int) throws -> [FiscalReceiptRecord] {
        try receipts(
            """
            SELECT \(Self.receiptColumns) FROM fiscal_receipts r
            WHERE r.id IN (
                SELECT receipt FROM fiscal_lines WHERE code = ?1 AND violation IS NOT NULL
                UNION
                SELECT e.document FROM code_history h JOIN events e ON e.id = h.event_id
                WHERE h.code_seq = (SELECT seq FROM codes WHERE id = ?1))
              AND EXISTS (SELECT 1 FROM fiscal_lines l WHERE l.receipt = r.id AND l.code = ?1)
            ORDER BY issued_at DESC, id DESC LIMIT ?2
            """, [code, limit])
    }

    func fiscalReceiptsWithViolations(since: Date, limit: Int) throws -> [FiscalReceiptRecord] {
        try receipts(
            """
            SELECT \(Self.receiptColumns) FROM fiscal_receipts
            WHERE violations > 0 AND received_at >= ? ORDER BY received_at, id LIMIT ?
            """, [since.timeIntervalSince1970, limit])
    }

    /// Receipts, then their lines, many rows to a statement (`RowInserter`): a statement's run per row paid its
    /// per-statement work for every row, and a row through JSON (`value->>N` reads the row's text once per column)
    /// cost SQLite five times the insert itself. A receipt stored already is skipped by its insert, which then
    /// changes fewer rows than it was given: `STORE_CONFLICT` naming it (found among the rows older than this
    /// insert), and the savepoint of this transaction's body rolls back.
    func save(_ receipts: [FiscalReceiptRecord]) throws {
        guard !receipts.isEmpty else { return }
        let before = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM fiscal_receipts") ?? 0
        let inserted = try Self.receiptRows.insert(receipts.count, in: db) { index, values in
            let record = receipts[index]
            values(record.id)
            values(record.register)
            values(record.registerSerial)
            values(record.fiscalSign)
            values(record.ofd)
            values(record.batch)
            values(record.seller)
            values(record.kind.rawValue)
            values(record.issuedAt.timeIntervalSince1970)
            values(record.receivedAt.timeIntervalSince1970)
            values(record.digest)
            values(record.lines.count(where: { $0.violation != nil }))
        }
        guard inserted == receipts.count else {
            var ids = JSONRows()
            for record in receipts { ids.value(record.id) }
            let stored = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM fiscal_receipts WHERE id IN (SELECT value FROM json_each(?)) AND rowid <= ?
                    ORDER BY id
                    """, arguments: [ids.finished(), before])
            throw TanbaError(
                .storeConflict,
                "the fiscal receipt\(stored.count == 1 ? "" : "s") \(stored.joined(separator: ", ")) "
                    + "\(stored.count == 1 ? "was" : "were") recorded meanwhile")
        }
        // The lines need no check of their own: their receipts' rows, inserted above, were new.
        var lines: [(receipt: String, line: FiscalLineRecord)] = []
        lines.reserveCapacity(receipts.reduce(0) { $0 + $1.lines.count })
        for record in receipts {
            for line in record.lines { lines.append((record.id, line)) }
        }
        try Self.lineRows.insert(lines.count, in: db) { index, values in
            let (receipt, item) = lines[index]
            values(receipt)
            values(item.line)
            values(item.code)
            values(item.gtin)
            values(item.price)
            values(item.violation?.rawValue)
            values(item.message)
        }
    }

    static let receiptRows = RowInserter(
        """
        INSERT INTO fiscal_receipts
        (id, register, register_serial, fiscal_sign, ofd, batch, seller, kind, issued_at, received_at, digest, violations)
        """, columns: 12, rowsPerStatement: 50, suffix: "ON CONFLICT(id) DO NOTHING")
    static let lineRows = RowInserter(
        "INSERT INTO fiscal_lines (receipt, line, code, gtin, price, violation, message)", columns: 7)
}
