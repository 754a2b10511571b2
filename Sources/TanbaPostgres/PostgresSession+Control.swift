import Foundation
import NIOCore
import PostgresNIO
import TanbaDomain
import TanbaStore

/// The public side's tables (migration v13), as the SQLite store's `Connection+Control`.
extension PostgresSession {
    static let violationColumns = """
        reference, source, kind, code, gtin, product_group, participant, region, shop, address, latitude, longitude,
        description, contact, status, created_at, updated_at, signal_key
        """

    static func violation(_ row: PostgresRandomAccessRow) throws -> ViolationReport {
        var report = ViolationReport(
            reference: try row.get(0), source: ViolationSource(rawValue: try row.get(1)) ?? .report,
            kind: ViolationKind(rawValue: try row.get(2)) ?? .other,
            status: ViolationStatus(rawValue: try row.get(14)) ?? .new,
            createdAt: Date(timeIntervalSince1970: try row.get(15)))
        report.code = try row.get(3)
        report.gtin = try row.get(4)
        report.productGroup = try row.get(5)
        report.participant = try row.get(6)
        report.region = try row.get(7)
        report.shop = try row.get(8)
        report.address = try row.get(9)
        report.latitude = try row.get(10)
        report.longitude = try row.get(11)
        report.description = try row.get(12)
        report.contact = try row.get(13)
        report.updatedAt = Date(timeIntervalSince1970: try row.get(16))
        report.signalKey = try row.get(17)
        return report
    }

    func origin(document: String, gtin: String) throws -> GoodsOrigin? {
        var s = Statement()
        s.sql = """
            SELECT kind, introducer, production_date, expiry_date, batch, country FROM goods_origins
            WHERE document = \(s.bind(document)) AND gtin = \(s.bind(gtin))
            """
        return try run(s).first.map {
            GoodsOrigin(
                document: document, gtin: gtin, kind: GoodsOrigin.Kind(rawValue: try $0.get(0)) ?? .production,
                introducer: try $0.get(1), productionDate: try $0.get(2), expiryDate: try $0.get(3),
                batch: try $0.get(4), country: try $0.get(5))
        }
    }

    func violation(_ reference: String) throws -> ViolationReport? {
        var s = Statement()
        s.sql =
            "SELECT \(Self.violationColumns), photo, photo_type FROM violations WHERE reference = \(s.bind(reference))"
        return try run(s).first.map { row in
            var report = try Self.violation(row)
            report.photo = try row.get(18, as: ByteBuffer?.self).map { Array($0.readableBytesView) }
            report.photoType = try row.get(19)
            return report
        }
    }

    func violations(_ filter: ViolationFilter) throws -> ViolationPage {
        var s = Statement()
        var conditions: [String] = []
        func equal(_ column: String, _ value: String?) {
            guard let value else { return }
            conditions.append("\(column) = \(s.bind(value))")
        }
        equal("kind", filter.kind?.rawValue)
        equal("status", filter.status?.rawValue)
        equal("source", filter.source?.rawValue)
        equal("region", filter.region)
        equal("product_group", filter.productGroup)
        equal("participant", filter.participant)
        equal("code", filter.code)
        if let from = filter.from { conditions.append("created_at >= \(s.bind(from.timeIntervalSince1970))") }
        if let until = filter.until { conditions.append("created_at < \(s.bind(until.timeIntervalSince1970))") }
        if let after = filter.after {
            conditions.append("(created_at, reference) < (\(s.bind(after.createdAt)), \(s.bind(after.reference)))")
        }
        s.sql = """
            SELECT \(Self.violationColumns) FROM violations
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY created_at DESC, reference DESC LIMIT \(filter.limit + 1)
            """
        let rows = try run(s)
        let reports = try rows.prefix(filter.limit).map(Self.violation)
        let next =
            rows.count > filter.limit
            ? reports.last.map {
                ViolationCursor(createdAt: $0.createdAt.timeIntervalSince1970, reference: $0.reference)
            }
            : nil
        return ViolationPage(reports: reports, next: next)
    }

    func steps(of reference: String) throws -> [ViolationStep] {
        var s = Statement()
        s.sql = """
            SELECT at, status, comment, inspector FROM violation_steps WHERE reference = \(s.bind(reference))
            ORDER BY at, seq
            """
        return try run(s).map {
            ViolationStep(
                reference: reference, at: Date(timeIntervalSince1970: try $0.get(0)),
                status: ViolationStatus(rawValue: try $0.get(1)) ?? .new, comment: try $0.get(2),
                inspector: try $0.get(3))
        }
    }

    func introduction(of id: String) throws -> String? {
        var s = Statement()
        s.sql = """
            SELECT e.document FROM code_history h JOIN events e ON e.id = h.event_id
            WHERE h.code_seq = (SELECT seq FROM codes WHERE id = \(s.bind(id))) AND e.operation = 'introduce'
            ORDER BY h.event_id DESC LIMIT 1
            """
        return try run(s).first.map { try $0.get(0, as: String?.self) } ?? nil
    }

    func issuedCodes(order: String, after: String?, limit: Int) throws -> [CodeRecord] {
        var s = Statement()
        s.sql = """
            SELECT \(Self.codeColumns) FROM codes WHERE origin = \(s.bind(order)) AND id > \(s.bind(after ?? ""))
            ORDER BY id LIMIT \(s.bind(limit))
            """
        return try run(s).map(Self.record)
    }

    func locatedChecks(of code: String, since: Date, limit: Int) throws -> [PublicCheckEntry] {
        var s = Statement()
        s.sql = """
            SELECT at, address, outcome, latitude, longitude FROM public_checks
            WHERE code = \(s.bind(code)) AND at >= \(s.bind(since.timeIntervalSince1970)) AND latitude IS NOT NULL
            ORDER BY at LIMIT \(s.bind(limit))
            """
        return try run(s).map {
            PublicCheckEntry(
                code: code, at: Date(timeIntervalSince1970: try $0.get(0)), address: try $0.get(1),
                outcome: try $0.get(2), latitude: try $0.get(3), longitude: try $0.get(4))
        }
    }

    func save(_ origins: [GoodsOrigin]) throws {
        for origin in origins {
            var s = Statement()
            s.sql = """
                INSERT INTO goods_origins
                (document, gtin, kind, introducer, production_date, expiry_date, batch, country)
                VALUES (\(s.bind(origin.document)), \(s.bind(origin.gtin)), \(s.bind(origin.kind.rawValue)),
                \(s.bind(origin.introducer)), \(s.bind(origin.productionDate)), \(s.bind(origin.expiryDate)),
                \(s.bind(origin.batch)), \(s.bind(origin.country)))
                ON CONFLICT (document, gtin) DO NOTHING
                """
            try run(s)
        }
    }

    func file(_ report: ViolationReport) throws -> Bool {
        var s = Statement()
        let values = [
            s.bind(report.reference), s.bind(report.source.rawValue), s.bind(report.kind.rawValue),
            s.bind(report.code), s.bind(report.gtin), s.bind(report.productGroup), s.bind(report.participant),
            s.bind(report.region), s.bind(report.shop), s.bind(report.address), s.bind(report.latitude),
            s.bind(report.longitude), s.bind(report.description), s.bind(report.contact),
            s.bind(report.status.rawValue), s.bind(report.createdAt.timeIntervalSince1970),
            s.bind(report.updatedAt.timeIntervalSince1970), s.bind(report.signalKey),
            s.bind(report.photo.map { ByteBuffer(bytes: $0) }), s.bind(report.photoType),
        ]
        s.sql = """
            INSERT INTO violations (\(Self.violationColumns), photo, photo_type)
            VALUES (\(values.joined(separator: ", "))) ON CONFLICT (signal_key) DO NOTHING
            """
        guard try change(s) == 1 else { return false }
        var step = Statement()
        step.sql = """
            INSERT INTO violation_steps (reference, at, status)
            VALUES (\(step.bind(report.reference)), \(step.bind(report.createdAt.timeIntervalSince1970)),
            \(step.bind(report.status.rawValue)))
            """
        try run(step)
        return true
    }

    func setStatus(of reference: String, expected: ViolationStatus, to step: ViolationStep) throws -> Bool {
        var s = Statement()
        s.sql = """
            UPDATE violations SET status = \(s.bind(step.status.rawValue)), updated_at = \(s.bind(step.at.timeIntervalSince1970))
            WHERE reference = \(s.bind(reference)) AND status = \(s.bind(expected.rawValue))
            """
        guard try change(s) == 1 else { return false }
        var insert = Statement()
        insert.sql = """
            INSERT INTO violation_steps (reference, at, status, comment, inspector)
            VALUES (\(insert.bind(reference)), \(insert.bind(step.at.timeIntervalSince1970)),
            \(insert.bind(step.status.rawValue)), \(insert.bind(step.comment)), \(insert.bind(step.inspector)))
            """
        try run(insert)
        return true
    }

    func record(_ checks: [PublicCheckEntry]) throws {
        guard !checks.isEmpty else { return }
        // One statement per slice of the batch: rows of VALUES (six binds each, well under the protocol's 65,535).
        for slice in stride(from: 0, to: checks.count, by: 1_000).map({ checks[$0..<min($0 + 1_000, checks.count)] }) {
            var s = Statement()
            let rows = slice.map { check in
                "(\(s.bind(check.code)), \(s.bind(check.at.timeIntervalSince1970)), \(s.bind(check.address)), "
                    + "\(s.bind(check.outcome)), \(s.bind(check.latitude)), \(s.bind(check.longitude)))"
            }
            s.sql =
                "INSERT INTO public_checks (code, at, address, outcome, latitude, longitude) VALUES "
                + rows.joined(separator: ", ")
            try run(s)
        }
    }
}
