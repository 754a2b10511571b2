import Foundation
import NIOCore
import PostgresNIO
import TanbaErrors
import TanbaStore

/// The Ministry of Finance export on PostgreSQL, as the SQLite store's `Connection+MoF`.
extension PostgresSession {
    static let mofEventColumns = "seq, day, at, kind, document, snt, seller, buyer, quantities, fragment"
    static let mofExportColumns = """
        id, mode, from_day, to_day, created_at, counts, digest, size, ack_state, ack_at, ack_reason
        """

    static func mofEvent(_ row: PostgresRandomAccessRow) throws -> MoFEvent {
        MoFEvent(
            seq: try row.get(0), day: try row.get(1), at: Date(timeIntervalSince1970: try row.get(2)),
            kind: MoFEventKind(rawValue: try row.get(3)) ?? .withdrawal, document: try row.get(4),
            snt: try row.get(5), seller: try row.get(6), buyer: try row.get(7), quantities: try row.get(8),
            fragment: try row.bytes(9))
    }

    static func mofExport(_ row: PostgresRandomAccessRow) throws -> MoFExportRecord {
        MoFExportRecord(
            id: try row.get(0), mode: MoFExportMode(rawValue: try row.get(1)) ?? .onDemand, fromDay: try row.get(2),
            toDay: try row.get(3), createdAt: Date(timeIntervalSince1970: try row.get(4)),
            counts: MoFExportRecord.counts(try row.get(5)), digest: try row.get(6), size: try row.get(7),
            ackState: MoFAckState(rawValue: try row.get(8)) ?? .pending,
            ackAt: try row.get(9, as: Double?.self).map(Date.init(timeIntervalSince1970:)), ackReason: try row.get(10))
    }

    func mofEvents(from: String, to: String, after: MoFEvent.Position, limit: Int) throws -> [MoFEvent] {
        // As on SQLite: the rest of `after`'s day, then the following days, each a seek on the (day, seq) index.
        var page: [MoFEvent] = []
        if after.day >= from && after.day <= to {
            var s = Statement()
            s.sql = """
                SELECT \(Self.mofEventColumns) FROM mof_events
                WHERE day = \(s.bind(after.day)) AND seq > \(s.bind(after.seq)) ORDER BY seq LIMIT \(s.bind(limit))
                """
            page = try run(s).map(Self.mofEvent)
        }
        guard page.count < limit else { return page }
        var s = Statement()
        s.sql = """
            SELECT \(Self.mofEventColumns) FROM mof_events
            WHERE day > \(s.bind(after.day)) AND day >= \(s.bind(from)) AND day <= \(s.bind(to))
            ORDER BY day, seq LIMIT \(s.bind(limit - page.count))
            """
        return page + (try run(s).map(Self.mofEvent))
    }

    func mofExportPage(after: MoFExportCursor?, limit: Int) throws -> MoFExportPage {
        try mofPage(of: "mof_exports", columns: Self.mofExportColumns, createdAt: 4, after: after, limit: limit) {
            try Self.mofExport($0)
        }
    }

    /// As on SQLite: one page of a list of the Ministry's records (`table`, `columns` and `key` the hub's own, the
    /// creation time column `createdAt` of them; with `period`, the records whose period meets it),
    /// `(created_at, key) < cursor`, newest first, one row more than asked.
    func mofPage<Record>(
        of table: String, columns: String, createdAt: Int, key: String = "id",
        period: (from: String, to: String)? = nil, after: MoFCursor<Record>?, limit: Int,
        _ record: (PostgresRandomAccessRow) throws -> Record
    ) throws -> MoFPage<Record> {
        var s = Statement()
        var conditions: [String] = []
        if let period { conditions.append("from_day <= \(s.bind(period.to)) AND to_day >= \(s.bind(period.from))") }
        if let after { conditions.append("(created_at, \(key)) < (\(s.bind(after.createdAt)), \(s.bind(after.id)))") }
        s.sql =
            "SELECT \(columns) FROM \(table)"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY created_at DESC, \(key) DESC LIMIT \(s.bind(limit + 1))"
        return MoFPage(
            read: try run(s).map { (record: try record($0), createdAt: try $0.get(createdAt, as: Double.self)) },
            limit: limit)
    }

    func mofExport(id: String) throws -> MoFExportRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.mofExportColumns) FROM mof_exports WHERE id = \(s.bind(id))"
        return try run(s).first.map(Self.mofExport)
    }

    func dailyMoFExport(day: String) throws -> MoFExportRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.mofExportColumns) FROM mof_exports WHERE mode = 'daily' AND from_day = \(s.bind(day))"
        return try run(s).first.map(Self.mofExport)
    }

    func lastDailyMoFDay() throws -> String? {
        try run(Statement("SELECT max(from_day) FROM mof_exports WHERE mode = 'daily'")).first?.get(0, as: String?.self)
    }

    /// Many rows per statement (the bench's million, a decision's few): a round trip per event would make the
    /// network the pace.
    func save(_ events: [MoFEvent]) throws {
        var start = 0
        while start < events.count {
            let chunk = events[start..<min(events.count, start + 500)]
            start += chunk.count
            var s = Statement()
            let rows = chunk.map { event in
                "(\(s.bind(event.day)), \(s.bind(event.at.timeIntervalSince1970)), \(s.bind(event.kind.rawValue)), "
                    + "\(s.bind(event.document)), \(s.bind(event.snt)), \(s.bind(event.seller)), "
                    + "\(s.bind(event.buyer)), \(s.bind(event.quantities)), \(s.bind(bytes: event.fragment)))"
            }
            s.sql = """
                INSERT INTO mof_events (day, at, kind, document, snt, seller, buyer, quantities, fragment)
                VALUES \(rows.joined(separator: ", "))
                """
            try run(s)
        }
    }

    func save(_ export: MoFExportRecord) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO mof_exports (\(Self.mofExportColumns))
            VALUES (\(s.bind(export.id)), \(s.bind(export.mode.rawValue)), \(s.bind(export.fromDay)),
                    \(s.bind(export.toDay)), \(s.bind(export.createdAt.timeIntervalSince1970)),
                    \(s.bind(export.countsText)), \(s.bind(export.digest)), \(s.bind(export.size)),
                    \(s.bind(export.ackState.rawValue)), \(s.bind(export.ackAt?.timeIntervalSince1970)),
                    \(s.bind(export.ackReason)))
            """
        do { try run(s) } catch let error where PostgresFailure.sqlState(error) == "23505" {
            throw TanbaError(.mofDayExported, "the day \(export.fromDay) was exported by the daily export already")
        }
    }

    func acknowledge(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        try recordAcknowledgement(in: "mof_exports", id, state: state, at: at, reason: reason)
    }

    /// As on SQLite: the acknowledgement on row `id` of `table` (the hub's own names), only while it is pending.
    func recordAcknowledgement(in table: String, _ id: String, state: MoFAckState, at: Date, reason: String?) throws
        -> Bool
    {
        var s = Statement()
        s.sql = """
            UPDATE \(table) SET ack_state = \(s.bind(state.rawValue)), ack_at = \(s.bind(at.timeIntervalSince1970)),
                                 ack_reason = \(s.bind(reason))
            WHERE id = \(s.bind(id)) AND ack_state = 'pending'
            RETURNING id
            """
        return try run(s).count == 1
    }
}
