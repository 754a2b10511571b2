import Foundation
public import TanbaStore

/// The Ministry's SNT lists kept, to page through, and cursors the SNTs' list never gave out: one fixture for the
/// SNT view's tests on every channel (the store, the core, the API, the web page, the command line).
public struct SNTFixture: Sendable {
    /// The lists kept, in the order they are listed: newest first (creation time, then digest, both descending).
    public let lists: [SNTListRecord]
    /// The SNTs in force, in the order they are listed: by day, then number (byte order: `b-7` after `D-2`).
    public let inForce: [SNTRecord]
    /// The SNT of the older list whose day the newer list took over: never in force.
    public let replaced: SNTRecord
    /// The days each list still holds, by digest.
    public let daysInForce: [String: Int]

    static let seller = "050140001238"
    static let buyer = "031240500125"

    /// Three lists, each kept by its own transaction as an import keeps it (`SNTWriter.save`):
    /// - `older`, 2026-11-20…22, made at Kazakhstan's noon of the 22nd (to a fraction of a second): A-1 (20th), B-2
    ///   (21st, two lines, one quantity a fraction) and C-3 (22nd);
    /// - `empty`, 2026-11-10 alone, made at the same instant as `older` (the tie is broken by the digest), no SNT;
    /// - `newer`, 2026-11-22…23, an hour later: C-9 (22nd: it replaces C-3), then D-2, b-7 and D-1 (23rd), given
    ///   out of order.
    /// In force, by day and number: A-1, B-2, C-9, D-1, D-2, b-7 — two lists' SNTs interleaved by day, three of one
    /// day, so that a page of two or four ends inside a day.
    public static func three(in store: any HubStore) throws -> SNTFixture {
        let made = MoFEvent.start(of: "2026-11-22")! + 12 * 3600 + 0.123_456_7
        func snt(_ number: String, _ day: String, _ list: String, _ quantities: [String: String]) -> SNTRecord {
            SNTRecord(number: number, day: day, seller: seller, buyer: buyer, quantities: quantities, list: list)
        }
        func list(_ digest: String, _ from: String, _ to: String, _ createdAt: Date, _ count: Int) -> SNTListRecord {
            SNTListRecord(
                digest: digest, fromDay: from, toDay: to, createdAt: createdAt, importedAt: createdAt + 60, count: count
            )
        }
        let older = list(String(repeating: "a1", count: 32), "2026-11-20", "2026-11-22", made, 3)
        let empty = list(String(repeating: "c3", count: 32), "2026-11-10", "2026-11-10", made, 0)
        let newer = list(String(repeating: "b2", count: 32), "2026-11-22", "2026-11-23", made + 3600, 4)
        let gtin = "04870001000011"
        let olderSNTs = [
            snt("A-1", "2026-11-20", older.digest, [gtin: "1"]),
            snt("B-2", "2026-11-21", older.digest, ["04870001000028": "7", gtin: "2.5"]),
            snt("C-3", "2026-11-22", older.digest, [gtin: "3"]),
        ]
        let newerSNTs = [
            snt("C-9", "2026-11-22", newer.digest, [gtin: "9"]),
            snt("D-2", "2026-11-23", newer.digest, [gtin: "2"]),
            snt("b-7", "2026-11-23", newer.digest, [gtin: "7"]),
            snt("D-1", "2026-11-23", newer.digest, [gtin: "1"]),
        ]
        try store.write { try $0.save(older, days: ["2026-11-20", "2026-11-21", "2026-11-22"], snts: olderSNTs) }
        try store.write { try $0.save(empty, days: ["2026-11-10"], snts: []) }
        try store.write { try $0.save(newer, days: ["2026-11-22", "2026-11-23"], snts: newerSNTs) }
        return SNTFixture(
            lists: [newer, empty, older],
            inForce: [olderSNTs[0], olderSNTs[1], newerSNTs[0], newerSNTs[3], newerSNTs[1], newerSNTs[2]],
            replaced: olderSNTs[2], daysInForce: [newer.digest: 2, empty.digest: 1, older.digest: 2])
    }

    /// `count` lists of one day each, 2026-01-01 onwards, each made a minute after the one before: more lists than
    /// one answer shows.
    @discardableResult
    public static func manyLists(_ count: Int, in store: any HubStore) throws -> [SNTListRecord] {
        var day = "2026-01-01"
        var lists: [SNTListRecord] = []
        for index in 0..<count {
            let createdAt = MoFEvent.start(of: day)! + Double(index) * 60
            let hex = String(index + 1, radix: 16)
            let digest = String(repeating: "0", count: 64 - hex.count) + hex
            lists.append(
                SNTListRecord(
                    digest: digest, fromDay: day, toDay: day, createdAt: createdAt, importedAt: createdAt, count: 0))
            day = MoFEvent.next(day)!
        }
        try store.write { tx in
            for list in lists { try tx.save(list, days: [list.fromDay], snts: []) }
        }
        return lists.reversed()
    }

    /// The numbers of `snts`, in order.
    public static func numbers(_ snts: [SNTRecord]) -> [String] { snts.map(\.number) }

    /// Strings that are not a cursor of the SNTs' list, each with what is wrong with it, made from `real`, a cursor
    /// the list gave out: garbage, a damaged or altered one, a day that is not one, and other lists' cursors (the
    /// Ministry's other lists', a document list's).
    public static func badCursors(from real: String) -> [(what: String, cursor: String)] {
        let cursor = SNTCursor(encoded: real)!
        let opaque = MoFExportFixture.opaque
        let id = UUID().uuidString.lowercased()
        return MoFExportFixture.damaged(real) + [
            ("a day that does not exist", opaque("snt1|2026-02-30|\(cursor.number)")),
            ("a day that is not a date", opaque("snt1|yesterday|\(cursor.number)")),
            ("a time instead of a day", opaque("snt1|1795000000.5|\(cursor.number)")),
            ("no number", opaque("snt1|\(cursor.day)|")),
            ("tag of another version", opaque("snt2|\(cursor.day)|\(cursor.number)")),
            ("an export list's cursor", MoFExportCursor(createdAt: 1_795_000_000, id: id).encoded),
            ("a reconciliation list's cursor", MoFReconciliationCursor(createdAt: 1_795_000_000, id: id).encoded),
            ("a document list's cursor", DocumentCursor(receivedAt: 1_795_000_000, id: cursor.number).encoded),
        ]
    }
}
