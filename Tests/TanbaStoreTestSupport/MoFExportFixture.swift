import Foundation
public import TanbaStore

/// Exports and reconciliation reports to page through, and cursors their lists never gave out: one fixture for the
/// lists' tests on every channel (the core, the API, the web page, the command line).
public enum MoFExportFixture {
    /// Five exports saved to `store` in an order of their own, returned in the list's order (newest first: creation
    /// time, then id, both descending). The second and third newest share an instant, so that a page of two ends
    /// between them; the times have fractions finer than a millisecond, so that a cursor whose time were rounded
    /// would repeat or skip one of them.
    public static func five(in store: any HubStore) throws -> [MoFExportRecord] {
        let base = Date(timeIntervalSince1970: 1_795_000_000.123_456_7)
        let exports = [0.0, 60, 120, 120, 180].enumerated().map { index, offset in
            MoFExportRecord(
                id: UUID().uuidString.lowercased(), mode: .onDemand, fromDay: "2026-11-1\(index)",
                toDay: "2026-11-1\(index)", createdAt: base + offset, counts: [.withdrawal: index + 1],
                digest: String(repeating: "\(index)", count: 64), size: Int64(100 + index))
        }
        try store.write { tx in
            for export in [exports[2], exports[0], exports[4], exports[3], exports[1]] { try tx.save(export) }
        }
        return exports.sorted {
            ($0.createdAt, $0.id) > ($1.createdAt, $1.id)
        }
    }

    /// Three reconciliation reports saved to `store` in an order of their own, returned in the list's order (newest
    /// first), as `five` makes exports: the two newest share an instant, so that a page of two ends between them
    /// when the second is the one whose id is smaller; each has findings of its own (the oldest compared with an SNT
    /// list, the others not).
    public static func threeReconciliations(in store: any HubStore) throws -> [MoFReconciliationRecord] {
        let base = Date(timeIntervalSince1970: 1_795_000_000.123_456_7)
        let reports = [0.0, 60, 60].enumerated().map { index, offset in
            MoFReconciliationRecord(
                id: UUID().uuidString.lowercased(), fromDay: "2026-11-1\(index)", toDay: "2026-11-1\(index)",
                createdAt: base + offset, digest: String(repeating: "\(index)", count: 64), withoutSNT: index + 1,
                sntWithoutShipment: index == 0 ? 4 : nil, quantitiesDiffer: index == 0 ? 5 : nil,
                partiesDiffer: index == 0 ? 6 : nil)
        }
        try store.write { tx in
            for report in [reports[1], reports[0], reports[2]] { try tx.save(report) }
        }
        return reports.sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
    }

    /// `plain` as a cursor's opaque form (base64url without padding): what a client could make up.
    public static func opaque(_ plain: String) -> String {
        Data(plain.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Strings that are no list's cursor, each with what is wrong with it, made from `real`, a cursor a list gave
    /// out: garbage, base64 of something else, and `real` damaged.
    public static func damaged(_ real: String) -> [(what: String, cursor: String)] {
        [
            ("garbage", "not a cursor!"),
            ("base64 of nothing the hub writes", opaque("hello")),
            ("truncated", String(real.dropLast(6))),
            ("padded", real + "="),
            ("too long", String(repeating: "A", count: 600)),
        ]
    }

    /// Strings that are not a cursor of the list of `Record`s (the exports' unless told), each with what is wrong
    /// with it, made from `real`, a cursor the list gave out: garbage, a damaged or altered one, and another list's
    /// (the other Ministry list's, a document list's).
    public static func badCursors<Record: MoFListedRecord>(
        from real: String, of _: Record.Type = MoFExportRecord.self
    ) -> [(what: String, cursor: String)] {
        let cursor = MoFCursor<Record>(encoded: real)!
        let others = [
            MoFExportCursor(createdAt: cursor.createdAt, id: cursor.id).encoded,
            MoFReconciliationCursor(createdAt: cursor.createdAt, id: cursor.id).encoded,
        ].filter { $0 != real }
        return damaged(real) + [
            ("time not a number", opaque("\(Record.cursorTag)|yesterday|\(cursor.id)")),
            ("tag of another version", opaque("\(Record.cursorTag.dropLast())2|\(cursor.createdAt)|\(cursor.id)")),
            ("id not a record's", MoFCursor<Record>(createdAt: cursor.createdAt, id: "DOC-1").encoded),
            ("id in upper case", MoFCursor<Record>(createdAt: cursor.createdAt, id: cursor.id.uppercased()).encoded),
            ("a document list's cursor", DocumentCursor(receivedAt: cursor.createdAt, id: cursor.id).encoded),
        ] + others.map { ("the other Ministry list's cursor", $0) }
    }
}
