import Foundation
import GRDB
import TanbaErrors
import TanbaStore

/// The Ministry's SNT lists on SQLite (tables `mof_snt_lists`, `mof_snt_days`, `mof_snts`, `mof_snt_lines`,
/// migration v21).
extension Connection {
    static let sntListColumns = "digest, from_day, to_day, created_at, imported_at, count"

    static func sntList(_ row: Row) -> SNTListRecord {
        SNTListRecord(
            digest: row[0], fromDay: row[1], toDay: row[2], createdAt: Date(timeIntervalSince1970: row[3]),
            importedAt: Date(timeIntervalSince1970: row[4]), count: row[5])
    }

    func sntList(digest: String) throws -> SNTListRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.sntListColumns) FROM mof_snt_lists WHERE digest = ?"),
            arguments: [digest]
        ).map(Self.sntList)
    }

    func sntCoverage(from: String, to: String) throws -> [String: (list: String, createdAt: Date)] {
        var coverage: [String: (list: String, createdAt: Date)] = [:]
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT day, list, created_at FROM mof_snt_days WHERE day BETWEEN ? AND ?"),
            arguments: [from, to])
        {
            coverage[row[0]] = (row[1], Date(timeIntervalSince1970: row[2]))
        }
        return coverage
    }

    func sntListPage(from: String, to: String, after: SNTListCursor?, limit: Int) throws -> SNTListPage {
        try mofPage(
            of: "mof_snt_lists", columns: Self.sntListColumns, createdAt: 3, key: "digest", period: (from, to),
            after: after, limit: limit
        ) { Self.sntList($0) }
    }

    /// Only SNTs of the list in force for their day (the join): what an import replaced is deleted by it, and the
    /// join keeps that true for the reader even if it were not. The page's SNTs are read first (the index on
    /// `(day, number)` takes the range and the order), then the lines of exactly those: the same range, up to the
    /// last SNT shown.
    func sntPage(from: String, to: String, after: SNTCursor?, limit: Int) throws -> SNTPage {
        var range = "s.day BETWEEN ? AND ?"
        var arguments: StatementArguments = [from, to]
        if let after {
            range += " AND (s.day, s.number) > (?, ?)"
            arguments += [after.day, after.number]
        }
        let inForce = "JOIN mof_snt_days d ON d.day = s.day AND d.list = s.list WHERE \(range)"
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT s.list, s.number, s.day, s.seller, s.buyer, d.created_at FROM mof_snts s \(inForce)
                    ORDER BY s.day, s.number LIMIT ?
                    """),
            arguments: arguments + [limit + 1])
        var lines: [String: [String: String]] = [:]
        if let last = rows.prefix(limit).last {
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT l.list, l.number, l.gtin, l.quantity FROM mof_snt_lines l
                        JOIN mof_snts s ON s.list = l.list AND s.number = l.number \(inForce)
                        AND (s.day, s.number) <= (?, ?)
                        """),
                arguments: arguments + [last[2] as String, last[1] as String])
            {
                lines[(row[0] as String) + "\n" + (row[1] as String), default: [:]][row[2]] = row[3]
            }
        }
        return SNTPage(
            read: rows.map { row in
                SNTInForce(
                    SNTRecord(
                        number: row[1], day: row[2], seller: row[3], buyer: row[4],
                        quantities: lines[(row[0] as String) + "\n" + (row[1] as String)] ?? [:], list: row[0]),
                    listCreatedAt: Date(timeIntervalSince1970: row[5])
                )
            }, limit: limit)
    }

    func save(_ list: SNTListRecord, days: [String], snts: [SNTRecord]) throws {
        do {
            try db.cachedStatement(
                sql: "INSERT INTO mof_snt_lists (\(Self.sntListColumns)) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [
                list.digest, list.fromDay, list.toDay, list.createdAt.timeIntervalSince1970,
                list.importedAt.timeIntervalSince1970, list.count,
            ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TanbaError(.storeConflict, "SNT list \(list.digest) was imported meanwhile")
        }
        // A day changes hands only to a newer list: the condition is the database's, whatever was read before.
        let take = try db.cachedStatement(
            sql: """
                INSERT INTO mof_snt_days (day, list, created_at) VALUES (?, ?, ?)
                ON CONFLICT(day) DO UPDATE SET list = excluded.list, created_at = excluded.created_at
                WHERE excluded.created_at > mof_snt_days.created_at
                """)
        for day in days {
            try take.execute(arguments: [day, list.digest, list.createdAt.timeIntervalSince1970])
            guard db.changesCount == 1 else { throw SNTOrder.outOfOrder(list, day: day) }
        }
        try db.cachedStatement(
            sql: """
                DELETE FROM mof_snt_lines WHERE (list, number) IN (
                    SELECT list, number FROM mof_snts WHERE day BETWEEN ? AND ?)
                """
        ).execute(arguments: [list.fromDay, list.toDay])
        try db.cachedStatement(sql: "DELETE FROM mof_snts WHERE day BETWEEN ? AND ?").execute(arguments: [
            list.fromDay, list.toDay,
        ])
        let snt = try db.cachedStatement(
            sql: "INSERT INTO mof_snts (list, number, day, seller, buyer) VALUES (?, ?, ?, ?, ?)")
        let line = try db.cachedStatement(
            sql: "INSERT INTO mof_snt_lines (list, number, gtin, quantity) VALUES (?, ?, ?, ?)")
        for entry in snts {
            try snt.execute(arguments: [list.digest, entry.number, entry.day, entry.seller, entry.buyer])
            for (gtin, quantity) in entry.quantities.sorted(by: { $0.key < $1.key }) {
                try line.execute(arguments: [list.digest, entry.number, gtin, quantity])
            }
        }
    }
}
