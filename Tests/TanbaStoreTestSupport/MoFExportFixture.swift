import Foundation
public import TanbaStore

/// Exports to page through, and cursors their list never gave out: one fixture for the list's tests on every
/// channel (the core, the API, the web page, the command line).
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

    /// Strings that are not a cursor of the exports' list, each with what is wrong with it, made from `real`, a
    /// cursor the list gave out: garbage, a damaged or altered one, and another list's.
    public static func badCursors(from real: String) -> [(what: String, cursor: String)] {
        let cursor = MoFExportCursor(encoded: real)!
        func opaque(_ plain: String) -> String {
            Data(plain.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return [
            ("garbage", "not a cursor!"),
            ("base64 of nothing the hub writes", opaque("hello")),
            ("truncated", String(real.dropLast(6))),
            ("padded", real + "="),
            ("too long", String(repeating: "A", count: 600)),
            ("time not a number", opaque("mof1|yesterday|\(cursor.id)")),
            ("tag of another version", opaque("mof2|\(cursor.createdAt)|\(cursor.id)")),
            ("id not an export's", MoFExportCursor(createdAt: cursor.createdAt, id: "DOC-1").encoded),
            ("id in upper case", MoFExportCursor(createdAt: cursor.createdAt, id: cursor.id.uppercased()).encoded),
            ("a document list's cursor", DocumentCursor(receivedAt: cursor.createdAt, id: cursor.id).encoded),
        ]
    }
}
