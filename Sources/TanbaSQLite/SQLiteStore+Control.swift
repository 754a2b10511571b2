import Foundation
import GRDB
import TanbaDomain
import TanbaStore

/// The public side's tables (migration v13): origins, violation reports and their steps, the check journal.
extension Connection {
    static let violationColumns = """
        reference, source, kind, code, gtin, product_group, participant, region, shop, address, latitude, longitude,
        description, contact, status, created_at, updated_at, signal_key
        """

    static func violation(_ row: Row) -> ViolationReport {
        var report = ViolationReport(
            reference: row[0], source: ViolationSource(rawValue: row[1]) ?? .report,
            kind: ViolationKind(rawValue: row[2]) ?? .other, status: ViolationStatus(rawValue: row[14]) ?? .new,
            createdAt: Date(timeIntervalSince1970: row[15]))
        report.code = row[3]
        report.gtin = row[4]
        report.productGroup = row[5]
        report.participant = row[6]
        report.region = row[7]
        report.shop = row[8]
        report.address = row[9]
        report.latitude = row[10]
        report.longitude = row[11]
        report.description = row[12]
        report.contact = row[13]
        report.updatedAt = Date(timeIntervalSince1970: row[16])
        report.signalKey = row[17]
        return report
    }

    func origin(document: String, gtin: String) throws -> GoodsOrigin? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT kind, introducer, production_date, expiry_date, batch, country FROM goods_origins
                    WHERE document = ? AND gtin = ?
                    """), arguments: [document, gtin]
        ).map {
            GoodsOrigin(
                document: document, gtin: gtin, kind: GoodsOrigin.Kind(rawValue: $0[0]) ?? .production,
                introducer: $0[1], productionDate: $0[2], expiryDate: $0[3], batch: $0[4], country: $0[5])
        }
    }

    func violation(_ reference: String) throws -> ViolationReport? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(Self.violationColumns), photo, photo_type FROM violations WHERE reference = ?"),
            arguments: [reference]
        ).map { row in
            var report = Self.violation(row)
            report.photo = (row[18] as Data?).map { [UInt8]($0) }
            report.photoType = row[19]
            return report
        }
    }

    func violations(_ filter: ViolationFilter) throws -> ViolationPage {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        func equal(_ column: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append("\(column) = ?")
            arguments += [value]
        }
        equal("kind", filter.kind?.rawValue)
        equal("status", filter.status?.rawValue)
        equal("source", filter.source?.rawValue)
        equal("region", filter.region)
        equal("product_group", filter.productGroup)
        equal("participant", filter.participant)
        equal("code", filter.code)
        if let from = filter.from {
            conditions.append("created_at >= ?")
            arguments += [from.timeIntervalSince1970]
        }
        if let until = filter.until {
            conditions.append("created_at < ?")
            arguments += [until.timeIntervalSince1970]
        }
        if let after = filter.after {
            conditions.append("(created_at, reference) < (?, ?)")
            arguments += [after.createdAt, after.reference]
        }
        let sql = """
            SELECT \(Self.violationColumns) FROM violations
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, reference DESC LIMIT \(filter.limit + 1)
            """
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        let reports = rows.prefix(filter.limit).map(Self.violation)
        let next =
            rows.count > filter.limit
            ? reports.last.map {
                ViolationCursor(createdAt: $0.createdAt.timeIntervalSince1970, reference: $0.reference)
            }
            : nil
        return ViolationPage(reports: Array(reports), next: next)
    }

    func steps(of reference: String) throws -> [ViolationStep] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT at, status, comment, inspector FROM violation_steps WHERE reference = ? ORDER BY at, rowid"
            ),
            arguments: [reference]
        ).map {
            ViolationStep(
                reference: reference, at: Date(timeIntervalSince1970: $0[0]),
                status: ViolationStatus(rawValue: $0[1]) ?? .new, comment: $0[2], inspector: $0[3])
        }
    }

    func introduction(of id: String) throws -> String? {
        // A public check has just read the code in this transaction: its row number spares a second descent of
        // the codes' index.
        if let seq = rowNumbers[id] {
            return try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT e.document FROM code_history h JOIN events e ON e.id = h.event_id
                        WHERE h.code_seq = ? AND e.operation = 'introduce' ORDER BY h.event_id DESC LIMIT 1
                        """), arguments: [seq])
        }
        return try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT e.document FROM code_history h JOIN events e ON e.id = h.event_id
                    WHERE h.code_seq = (SELECT seq FROM codes WHERE id = ?) AND e.operation = 'introduce'
                    ORDER BY h.event_id DESC LIMIT 1
                    """), arguments: [id])
    }

    func issuedCodes(order: String, after: String?, limit: Int) throws -> [CodeRecord] {
        try CodeRows(
            db.cachedStatement(
                sql: "SELECT \(Self.codeColumns) FROM codes WHERE origin = ? AND id > ? ORDER BY id LIMIT ?"),
            arguments: [order, after ?? "", limit], numbered: false
        ).all().map { $0.record }
    }

    /// A code's located checks since a time (served by the partial index `public_checks_located`).
    static let locatedChecksQuery = """
        SELECT at, address, outcome, latitude, longitude FROM public_checks
        WHERE code = ? AND at >= ? AND latitude IS NOT NULL ORDER BY at LIMIT ?
        """

    func locatedChecks(of code: String, since: Date, limit: Int) throws -> [PublicCheckEntry] {
        try Row.fetchAll(
            db.cachedStatement(sql: Self.locatedChecksQuery), arguments: [code, since.timeIntervalSince1970, limit]
        ).map {
            PublicCheckEntry(
                code: code, at: Date(timeIntervalSince1970: $0[0]), address: $0[1], outcome: $0[2], latitude: $0[3],
                longitude: $0[4])
        }
    }

    func save(_ origins: [GoodsOrigin]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO goods_origins
                (document, gtin, kind, introducer, production_date, expiry_date, batch, country)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(document, gtin) DO NOTHING
                """)
        for origin in origins {
            try statement.execute(arguments: [
                origin.document, origin.gtin, origin.kind.rawValue, origin.introducer, origin.productionDate,
                origin.expiryDate, origin.batch, origin.country,
            ])
        }
    }

    func file(_ report: ViolationReport) throws -> Bool {
        try db.execute(
            sql: """
                INSERT INTO violations (\(Self.violationColumns), photo, photo_type)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(signal_key) DO NOTHING
                """,
            arguments: [
                report.reference, report.source.rawValue, report.kind.rawValue, report.code, report.gtin,
                report.productGroup, report.participant, report.region, report.shop, report.address,
                report.latitude, report.longitude, report.description, report.contact, report.status.rawValue,
                report.createdAt.timeIntervalSince1970, report.updatedAt.timeIntervalSince1970, report.signalKey,
                report.photo.map { Data($0) }, report.photoType,
            ])
        guard db.changesCount == 1 else { return false }
        try db.execute(
            sql: "INSERT INTO violation_steps (reference, at, status, comment, inspector) VALUES (?, ?, ?, NULL, NULL)",
            arguments: [report.reference, report.createdAt.timeIntervalSince1970, report.status.rawValue])
        return true
    }

    func setStatus(of reference: String, expected: ViolationStatus, to step: ViolationStep) throws -> Bool {
        try db.execute(
            sql: "UPDATE violations SET status = ?, updated_at = ? WHERE reference = ? AND status = ?",
            arguments: [step.status.rawValue, step.at.timeIntervalSince1970, reference, expected.rawValue])
        guard db.changesCount == 1 else { return false }
        try db.execute(
            sql: "INSERT INTO violation_steps (reference, at, status, comment, inspector) VALUES (?, ?, ?, ?, ?)",
            arguments: [reference, step.at.timeIntervalSince1970, step.status.rawValue, step.comment, step.inspector])
        return true
    }

    /// A batch of checks in one statement: its rows travel as one JSON array, as binding six values per row
    /// through GRDB cost several times SQLite's own insert (the journal writes thousands a second).
    func record(_ checks: [PublicCheckEntry]) throws {
        guard !checks.isEmpty else { return }
        var rows = JSONRows()
        for check in checks {
            rows.row { row in
                row.string(check.code)
                row.double(check.at.timeIntervalSince1970)
                row.string(check.address)
                row.string(check.outcome)
                row.double(check.latitude)
                row.double(check.longitude)
            }
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO public_checks (code, at, address, outcome, latitude, longitude)
                SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?)
                """
        ).execute(arguments: [rows.finished()])
    }
}
