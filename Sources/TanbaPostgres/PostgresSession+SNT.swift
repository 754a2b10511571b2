import Foundation
import PostgresNIO
import TanbaErrors
import TanbaStore

/// The Ministry's SNT lists on PostgreSQL, as the SQLite store's (migration v21). Under READ COMMITTED a day's
/// conditional upsert waits for another import holding that day and then judges against what it committed, so
/// the order of two imports racing is the database's.
extension PostgresSession {
    static let sntListColumns = "digest, from_day, to_day, created_at, imported_at, count"

    static func sntList(_ row: PostgresRandomAccessRow) throws -> SNTListRecord {
        SNTListRecord(
            digest: try row.get(0), fromDay: try row.get(1), toDay: try row.get(2),
            createdAt: Date(timeIntervalSince1970: try row.get(3)),
            importedAt: Date(timeIntervalSince1970: try row.get(4)), count: try row.get(5))
    }

    func sntList(digest: String) throws -> SNTListRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.sntListColumns) FROM mof_snt_lists WHERE digest = \(s.bind(digest))"
        return try run(s).first.map(Self.sntList)
    }

    func sntCoverage(from: String, to: String) throws -> [String: (list: String, createdAt: Date)] {
        var s = Statement()
        s.sql = "SELECT day, list, created_at FROM mof_snt_days WHERE day BETWEEN \(s.bind(from)) AND \(s.bind(to))"
        var coverage: [String: (list: String, createdAt: Date)] = [:]
        for row in try run(s) {
            coverage[try row.get(0)] = (try row.get(1), Date(timeIntervalSince1970: try row.get(2)))
        }
        return coverage
    }

    func sntListPage(from: String, to: String, after: SNTListCursor?, limit: Int) throws -> SNTListPage {
        try mofPage(
            of: "mof_snt_lists", columns: Self.sntListColumns, createdAt: 3, key: "digest", period: (from, to),
            after: after, limit: limit
        ) { try Self.sntList($0) }
    }

    /// As on SQLite: the page's SNTs in force, then the lines of exactly those (the same range, up to the last SNT
    /// shown).
    func sntPage(from: String, to: String, after: SNTCursor?, limit: Int) throws -> SNTPage {
        /// The SNTs in force of the page's range, bound in `s`.
        func inForce(_ s: inout Statement) -> String {
            var range = """
                JOIN mof_snt_days d ON d.day = s.day AND d.list = s.list
                WHERE s.day BETWEEN \(s.bind(from)) AND \(s.bind(to))
                """
            if let after { range += " AND (s.day, s.number) > (\(s.bind(after.day)), \(s.bind(after.number)))" }
            return range
        }
        var q = Statement()
        q.sql = """
            SELECT s.list, s.number, s.day, s.seller, s.buyer, d.created_at FROM mof_snts s \(inForce(&q))
            ORDER BY s.day, s.number LIMIT \(q.bind(limit + 1))
            """
        let rows = try run(q)
        var lines: [String: [String: String]] = [:]
        if let last = rows.prefix(limit).last {
            let day: String = try last.get(2)
            let number: String = try last.get(1)
            var s = Statement()
            s.sql = """
                SELECT l.list, l.number, l.gtin, l.quantity FROM mof_snt_lines l
                JOIN mof_snts s ON s.list = l.list AND s.number = l.number \(inForce(&s))
                AND (s.day, s.number) <= (\(s.bind(day)), \(s.bind(number)))
                """
            for row in try run(s) {
                lines[(try row.get(0, as: String.self)) + "\n" + (try row.get(1, as: String.self)), default: [:]][
                    try row.get(2)] = try row.get(3)
            }
        }
        return SNTPage(
            read: try rows.map { row in
                let list: String = try row.get(0)
                let number: String = try row.get(1)
                return SNTInForce(
                    SNTRecord(
                        number: number, day: try row.get(2), seller: try row.get(3), buyer: try row.get(4),
                        quantities: lines[list + "\n" + number] ?? [:], list: list),
                    listCreatedAt: Date(timeIntervalSince1970: try row.get(5))
                )
            }, limit: limit)
    }

    func save(_ list: SNTListRecord, days: [String], snts: [SNTRecord]) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO mof_snt_lists (\(Self.sntListColumns))
            VALUES (\(s.bind(list.digest)), \(s.bind(list.fromDay)), \(s.bind(list.toDay)),
                    \(s.bind(list.createdAt.timeIntervalSince1970)), \(s.bind(list.importedAt.timeIntervalSince1970)),
                    \(s.bind(list.count)))
            """
        do { try run(s) } catch let error where PostgresFailure.sqlState(error) == "23505" {
            throw TanbaError(.storeConflict, "SNT list \(list.digest) was imported meanwhile")
        }
        // Days in ascending order: two imports of overlapping periods take their rows' locks in one order.
        for day in days.sorted() {
            var take = Statement()
            take.sql = """
                INSERT INTO mof_snt_days (day, list, created_at)
                VALUES (\(take.bind(day)), \(take.bind(list.digest)), \(take.bind(list.createdAt.timeIntervalSince1970)))
                ON CONFLICT (day) DO UPDATE SET list = excluded.list, created_at = excluded.created_at
                WHERE excluded.created_at > mof_snt_days.created_at
                RETURNING day
                """
            guard try run(take).count == 1 else { throw SNTOrder.outOfOrder(list, day: day) }
        }
        var lines = Statement()
        lines.sql = """
            DELETE FROM mof_snt_lines WHERE (list, number) IN (
                SELECT list, number FROM mof_snts WHERE day BETWEEN \(lines.bind(list.fromDay)) AND \(lines.bind(list.toDay)))
            """
        try run(lines)
        var old = Statement()
        old.sql = "DELETE FROM mof_snts WHERE day BETWEEN \(old.bind(list.fromDay)) AND \(old.bind(list.toDay))"
        try run(old)
        for entry in snts {
            var insert = Statement()
            insert.sql = """
                INSERT INTO mof_snts (list, number, day, seller, buyer)
                VALUES (\(insert.bind(list.digest)), \(insert.bind(entry.number)), \(insert.bind(entry.day)),
                        \(insert.bind(entry.seller)), \(insert.bind(entry.buyer)))
                """
            try run(insert)
            for (gtin, quantity) in entry.quantities.sorted(by: { $0.key < $1.key }) {
                var line = Statement()
                line.sql = """
                    INSERT INTO mof_snt_lines (list, number, gtin, quantity)
                    VALUES (\(line.bind(list.digest)), \(line.bind(entry.number)), \(line.bind(gtin)),
                            \(line.bind(quantity)))
                    """
                try run(line)
            }
        }
    }
}
