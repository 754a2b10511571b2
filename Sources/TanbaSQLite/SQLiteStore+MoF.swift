import Foundation
import GRDB
import TanbaErrors
import TanbaStore

/// The Ministry of Finance export on SQLite: events paged by (day, seq) off their index, exports and their
/// acknowledgements.
extension Connection {
    static let mofEventColumns = "seq, day, at, kind, document, snt, seller, buyer, quantities, fragment"
    static let mofExportColumns = """
        id, mode, from_day, to_day, created_at, counts, digest, size, ack_state, ack_at, ack_reason
        """

    static func mofEvent(_ row: Row) -> MoFEvent {
        MoFEvent(
            seq: row[0], day: row[1], at: Date(timeIntervalSince1970: row[2]),
            kind: MoFEventKind(rawValue: row[3]) ?? .withdrawal, document: row[4], snt: row[5], seller: row[6],
            buyer: row[7], quantities: row[8], fragment: [UInt8](row[9] as Data))
    }

    static func mofExport(_ row: Row) -> MoFExportRecord {
        MoFExportRecord(
            id: row[0], mode: MoFExportMode(rawValue: row[1]) ?? .onDemand, fromDay: row[2], toDay: row[3],
            createdAt: Date(timeIntervalSince1970: row[4]), counts: MoFExportRecord.counts(row[5]), digest: row[6],
            size: row[7], ackState: MoFAckState(rawValue: row[8]) ?? .pending,
            ackAt: (row[9] as Double?).map(Date.init(timeIntervalSince1970:)), ackReason: row[10])
    }

    func mofEvents(from: String, to: String, after: MoFEvent.Position, limit: Int) throws -> [MoFEvent] {
        // Two seeks on the (day, seq) index, never a scan: the rest of `after`'s day, then the following days. (One
        // query with `(day, seq) > (?, ?)` made SQLite walk the period from its start on every page: a million events
        // took fifty times as long as a hundred thousand.)
        var page: [MoFEvent] = []
        if after.day >= from && after.day <= to {
            page = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT \(Self.mofEventColumns) FROM mof_events WHERE day = ? AND seq > ? ORDER BY seq LIMIT ?"
                ),
                arguments: [after.day, after.seq, limit]
            ).map(Self.mofEvent)
        }
        guard page.count < limit else { return page }
        page += try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.mofEventColumns) FROM mof_events WHERE day > ? AND day >= ? AND day <= ?
                    ORDER BY day, seq LIMIT ?
                    """),
            arguments: [after.day, from, to, limit - page.count]
        ).map(Self.mofEvent)
        return page
    }

    func mofExportPage(after: MoFExportCursor?, limit: Int) throws -> MoFExportPage {
        try mofPage(of: "mof_exports", columns: Self.mofExportColumns, createdAt: 4, after: after, limit: limit) {
            Self.mofExport($0)
        }
    }

    /// One page of a list of the Ministry's records (`mof_exports`, `mof_reconciliations`, `mof_snt_lists`: the
    /// hub's own names, never input) whose creation time is column `createdAt` of `columns` and whose unique key is
    /// the column `key`; with `period`, only the records whose period (`from_day`…`to_day`) meets it. Keyset paging:
    /// `(created_at, key) < cursor`, newest first, one row more than asked (`MoFPage(read:limit:)`). The index on
    /// `created_at` takes the range where there is one; the few records of one instant (an export a day, a few
    /// reports a period) are put in key order as they are read, and the SNT lists, a few a day at most, are sorted
    /// whole.
    func mofPage<Record>(
        of table: String, columns: String, createdAt: Int, key: String = "id",
        period: (from: String, to: String)? = nil, after: MoFCursor<Record>?, limit: Int, _ record: (Row) -> Record
    ) throws -> MoFPage<Record> {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let period {
            conditions.append("from_day <= ? AND to_day >= ?")
            arguments += [period.to, period.from]
        }
        if let after {
            conditions.append("(created_at, \(key)) < (?, ?)")
            arguments += [after.createdAt, after.id]
        }
        arguments += [limit + 1]
        let sql =
            "SELECT \(columns) FROM \(table)"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY created_at DESC, \(key) DESC LIMIT ?"
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
        return MoFPage(read: rows.map { (record: record($0), createdAt: $0[createdAt] as Double) }, limit: limit)
    }

    func mofExport(id: String) throws -> MoFExportRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.mofExportColumns) FROM mof_exports WHERE id = ?"), arguments: [id]
        ).map(Self.mofExport)
    }

    func dailyMoFExport(day: String) throws -> MoFExportRecord? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(Self.mofExportColumns) FROM mof_exports WHERE mode = 'daily' AND from_day = ?"),
            arguments: [day]
        ).map(Self.mofExport)
    }

    func lastDailyMoFDay() throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT max(from_day) FROM mof_exports WHERE mode = 'daily'"))
    }

    func save(_ events: [MoFEvent]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO mof_events (day, at, kind, document, snt, seller, buyer, quantities, fragment)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for event in events {
            try statement.execute(arguments: [
                event.day, event.at.timeIntervalSince1970, event.kind.rawValue, event.document, event.snt,
                event.seller, event.buyer, event.quantities, Data(event.fragment),
            ])
        }
    }

    func save(_ export: MoFExportRecord) throws {
        do {
            try db.cachedStatement(
                sql: """
                    INSERT INTO mof_exports (\(Self.mofExportColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                export.id, export.mode.rawValue, export.fromDay, export.toDay, export.createdAt.timeIntervalSince1970,
                export.countsText, export.digest, export.size, export.ackState.rawValue,
                export.ackAt?.timeIntervalSince1970, export.ackReason,
            ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TanbaError(.mofDayExported, "the day \(export.fromDay) was exported by the daily export already")
        }
    }

    func acknowledge(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        try recordAcknowledgement(in: "mof_exports", id, state: state, at: at, reason: reason)
    }

    /// The Ministry's acknowledgement on row `id` of `table` (`mof_exports`, `mof_reconciliations`: the hub's own
    /// names, never input), only while it is pending: of two copies applied at once, one changes the row.
    func recordAcknowledgement(in table: String, _ id: String, state: MoFAckState, at: Date, reason: String?) throws
        -> Bool
    {
        try db.cachedStatement(
            sql: """
                UPDATE \(table) SET ack_state = ?, ack_at = ?, ack_reason = ?
                WHERE id = ? AND ack_state = 'pending'
                """
        ).execute(arguments: [state.rawValue, at.timeIntervalSince1970, reason, id])
        return db.changesCount == 1
    }
}
