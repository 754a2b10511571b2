import Foundation
import PostgresNIO
import TanbaDomain
import TanbaErrors
import TanbaStore

/// Cash receipts relayed by OFDs on PostgreSQL, as the SQLite store keeps them (migration v17). The primary key
/// decides between two requests recording one receipt at once: the second insert waits for the first to commit,
/// then inserts nothing, and the second request decides again.
extension PostgresSession {
    static let receiptColumns = """
        id, register, register_serial, fiscal_sign, ofd, batch, seller, kind, issued_at, received_at, digest
        """

    private func receipts(_ statement: Statement) throws -> [FiscalReceiptRecord] {
        let rows = try run(statement)
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.get(0, as: String.self) }
        var lines: [String: [FiscalLineRecord]] = [:]
        var s = Statement()
        s.sql = """
            SELECT receipt, line, code, gtin, price, violation, message FROM fiscal_lines
            WHERE receipt = ANY(\(s.bind(ids))) ORDER BY receipt, line
            """
        for row in try run(s) {
            lines[try row.get(0), default: []].append(
                FiscalLineRecord(
                    line: Int(try row.get(1, as: Int32.self)), code: try row.get(2), gtin: try row.get(3),
                    price: try row.get(4),
                    violation: try row.get(5, as: String?.self).flatMap(ViolationKind.init(rawValue:)),
                    message: try row.get(6)))
        }
        return try rows.map { row in
            let id: String = try row.get(0)
            return FiscalReceiptRecord(
                register: try row.get(1), registerSerial: try row.get(2), fiscalSign: try row.get(3),
                ofd: try row.get(4), batch: try row.get(5), seller: try row.get(6),
                kind: FiscalReceiptKind(rawValue: try row.get(7)) ?? .sale,
                issuedAt: Date(timeIntervalSince1970: try row.get(8)),
                receivedAt: Date(timeIntervalSince1970: try row.get(9)), digest: try row.get(10),
                lines: lines[id] ?? [])
        }
    }

    func fiscalReceipts(ids: [String]) throws -> [String: FiscalReceiptRecord] {
        guard !ids.isEmpty else { return [:] }
        var s = Statement()
        s.sql = "SELECT \(Self.receiptColumns) FROM fiscal_receipts WHERE id = ANY(\(s.bind(ids)))"
        return Dictionary(try receipts(s).map { ($0.id, $0) }) { first, _ in first }
    }

    /// As the SQLite store's: an applied line through the code's history, a violation through the partial index.
    func fiscalReceipts(code: String, limit: Int) throws -> [FiscalReceiptRecord] {
        var s = Statement()
        let bound = s.bind(code)
        s.sql = """
            SELECT \(Self.receiptColumns) FROM fiscal_receipts
            WHERE id IN (
                SELECT receipt FROM fiscal_lines WHERE code = \(bound) AND violation IS NOT NULL
                UNION
                SELECT e.document COLLATE "C" FROM code_history h JOIN events e ON e.id = h.event_id
                WHERE h.code_seq = (SELECT seq FROM codes WHERE id = \(bound)))
              AND EXISTS (
                SELECT 1 FROM fiscal_lines l WHERE l.receipt = fiscal_receipts.id AND l.code = \(bound))
            ORDER BY issued_at DESC, id DESC LIMIT \(s.bind(limit))
            """
        return try receipts(s)
    }

    func fiscalReceiptsWithViolations(since: Date, limit: Int) throws -> [FiscalReceiptRecord] {
        var s = Statement()
        s.sql = """
            SELECT \(Self.receiptColumns) FROM fiscal_receipts
            WHERE violations > 0 AND received_at >= \(s.bind(since.timeIntervalSince1970))
            ORDER BY received_at, id LIMIT \(s.bind(limit))
            """
        return try receipts(s)
    }

    /// Receipts and lines in two statements, their rows as one JSON parameter each.
    func save(_ receipts: [FiscalReceiptRecord]) throws {
        guard !receipts.isEmpty else { return }
        func json(_ rows: [[Any]]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: rows), as: UTF8.self)
        }
        let receiptRows: [[Any]] = receipts.map { receipt in
            [
                receipt.id, receipt.register, receipt.registerSerial ?? NSNull(), receipt.fiscalSign, receipt.ofd,
                receipt.batch, receipt.seller, receipt.kind.rawValue, receipt.issuedAt.timeIntervalSince1970,
                receipt.receivedAt.timeIntervalSince1970, receipt.digest,
                receipt.lines.filter { $0.violation != nil }.count,
            ]
        }
        let lineRows: [[Any]] = receipts.flatMap { receipt in
            receipt.lines.map { line -> [Any] in
                [
                    receipt.id, line.line, line.code, line.gtin, line.price, line.violation?.rawValue ?? NSNull(),
                    line.message ?? NSNull(),
                ]
            }
        }
        var s = Statement()
        s.sql = """
            INSERT INTO fiscal_receipts
            (id, register, register_serial, fiscal_sign, ofd, batch, seller, kind, issued_at, received_at, digest,
             violations)
            SELECT e->>0, e->>1, e->>2, e->>3, e->>4, e->>5, e->>6, e->>7, (e->>8)::double precision,
                   (e->>9)::double precision, e->>10, (e->>11)::integer
            FROM jsonb_array_elements(\(s.bind(try json(receiptRows)))::jsonb) e
            ON CONFLICT (id) DO NOTHING
            RETURNING id
            """
        let inserted = Set(try run(s).map { row -> String in try row.get(0) })
        guard inserted.count == receipts.count else {
            // The receipts skipped are those another decision recorded since this one read: named, as SQLite names them.
            let stored = receipts.map(\.id).filter { !inserted.contains($0) }.sorted()
            throw TanbaError(
                .storeConflict,
                "the fiscal receipt\(stored.count == 1 ? "" : "s") \(stored.joined(separator: ", ")) "
                    + "\(stored.count == 1 ? "was" : "were") recorded meanwhile")
        }
        var lines = Statement()
        lines.sql = """
            INSERT INTO fiscal_lines (receipt, line, code, gtin, price, violation, message)
            SELECT e->>0, (e->>1)::integer, e->>2, e->>3, e->>4, e->>5, e->>6
            FROM jsonb_array_elements(\(lines.bind(try json(lineRows)))::jsonb) e
            """
        try run(lines)
    }
}

extension PostgresSchema {
    /// v17, as the SQLite store's (`FiscalSchema`).
    static let fiscalReceipts: (name: String, sql: [String]) = (
        "v17: fiscal receipts",
        [
            """
            CREATE TABLE fiscal_receipts (
                id text COLLATE "C" PRIMARY KEY NOT NULL, register text NOT NULL, register_serial text,
                fiscal_sign text NOT NULL, ofd text NOT NULL, batch text NOT NULL, seller text NOT NULL,
                kind text NOT NULL, issued_at double precision NOT NULL, received_at double precision NOT NULL,
                digest text NOT NULL, violations integer NOT NULL)
            """,
            "CREATE INDEX fiscal_receipts_violations ON fiscal_receipts(received_at) WHERE violations > 0",
            """
            CREATE TABLE fiscal_lines (
                receipt text COLLATE "C" NOT NULL, line integer NOT NULL, code text COLLATE "C" NOT NULL,
                gtin text NOT NULL, price text NOT NULL, violation text, message text, PRIMARY KEY (receipt, line))
            """,
            "CREATE INDEX fiscal_lines_code ON fiscal_lines(code)",
        ]
    )
}
