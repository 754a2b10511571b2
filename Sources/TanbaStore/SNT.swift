public import Foundation
public import TanbaErrors

/// One SNT list of the Ministry as imported (table `mof_snt_lists`, migration v21): its period, its creation time
/// (which orders the lists of a period), the SHA-256 of its bytes (a list is imported once), when it was imported,
/// and how many SNTs it carried.
public struct SNTListRecord: Sendable, Hashable, Codable {
    /// SHA-256 (hex, lower case) of the signed list's bytes: the list's key.
    public let digest: String
    public let fromDay: String
    public let toDay: String
    public let createdAt: Date
    public let importedAt: Date
    public let count: Int

    public init(digest: String, fromDay: String, toDay: String, createdAt: Date, importedAt: Date, count: Int) {
        self.digest = digest
        self.fromDay = fromDay
        self.toDay = toDay
        self.createdAt = createdAt
        self.importedAt = importedAt
        self.count = count
    }
}

/// One SNT as the store keeps it (table `mof_snts`, its lines in `mof_snt_lines`): the list it came with.
public struct SNTRecord: Sendable, Hashable, Codable {
    public let number: String
    /// The SNT's day (`YYYY-MM-DD`): it belongs to the list in force for that day.
    public let day: String
    public let seller: String
    public let buyer: String
    /// Quantity per GTIN, as the list wrote it (a decimal in text, so that nothing is rounded).
    public let quantities: [String: String]
    /// The digest of the list it came with.
    public let list: String

    public init(number: String, day: String, seller: String, buyer: String, quantities: [String: String], list: String)
    {
        self.number = number
        self.day = day
        self.seller = seller
        self.buyer = buyer
        self.quantities = quantities
        self.list = list
    }
}

extension SNTListRecord: MoFListedRecord {
    /// The list's key in the operators' list of the lists kept: its digest.
    public var id: String { digest }
    public static var cursorTag: String { "mofl1" }
    /// A list's digest: SHA-256 in lower-case hex.
    public static func isKey(_ key: String) -> Bool {
        key.utf8.count == 64 && key.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// A position in the SNTs in force (by day, then number, both ascending: the day is the SNT's, and one list holds a
/// day, so no two SNTs in force share both): the last SNT a page showed. Clients see it as an opaque string
/// (`OpaqueCursor`, tag `snt1`, the day as its position and the number as its key).
public struct SNTCursor: Sendable, Hashable {
    public let day: String
    public let number: String

    public init(day: String, number: String) {
        self.day = day
        self.number = number
    }

    /// The opaque form: base64url (no padding) of `snt1|<day>|<number>`.
    public var encoded: String { OpaqueCursor.encode(tag: "snt1", position: day, key: number) }

    /// Reads a cursor a page gave out; nil for anything else: a damaged or made-up string, another list's cursor,
    /// or one whose day is not a calendar day `YYYY-MM-DD`.
    public init?(encoded text: String) {
        guard let decoded = OpaqueCursor.decodePosition(text, tag: "snt1"), MoFEvent.start(of: decoded.position) != nil
        else { return nil }
        self.init(day: decoded.position, number: decoded.key)
    }
}

/// An SNT in force as read: the SNT, and the `CreatedAt` of the list it came with (the list in force for its day).
public struct SNTInForce: Sendable, Hashable {
    public let snt: SNTRecord
    public let listCreatedAt: Date

    public init(_ snt: SNTRecord, listCreatedAt: Date) {
        self.snt = snt
        self.listCreatedAt = listCreatedAt
    }
}

/// One page of the SNTs in force: at most the limit asked, and where the next page starts (nil on the last).
public struct SNTPage: Sendable {
    public let snts: [SNTInForce]
    public let next: SNTCursor?

    /// The page of `limit` SNTs from what a store read for it: at most `limit + 1` SNTs in the list's order. The row
    /// beyond `limit` only says that a next page exists, without a second query or an empty last page.
    public init(read rows: [SNTInForce], limit: Int) {
        let shown = rows.prefix(limit)
        snts = Array(shown)
        next = rows.count > limit ? shown.last.map { SNTCursor(day: $0.snt.day, number: $0.snt.number) } : nil
    }
}

/// A position in the SNT lists kept (tag `mofl1`).
public typealias SNTListCursor = MoFCursor<SNTListRecord>
/// One page of the SNT lists kept, newest first.
public typealias SNTListPage = MoFPage<SNTListRecord>

extension MoFPage where Record == SNTListRecord {
    /// The page's lists, newest first.
    public var lists: [SNTListRecord] { records }
}

/// The Ministry's SNT lists as stored, read.
public protocol SNTReader {
    /// The list with this digest, if it was imported.
    func sntList(digest: String) throws -> SNTListRecord?
    /// The list in force for each day of `from`…`to` that one covers: day → the list's digest and creation time.
    func sntCoverage(from: String, to: String) throws -> [String: (list: String, createdAt: Date)]
    /// One page of the lists imported whose period meets `from`…`to`, newest first (creation time, then digest,
    /// both descending): those strictly after `after` in that order, at most `limit`.
    func sntListPage(from: String, to: String, after: SNTListCursor?, limit: Int) throws -> SNTListPage
    /// One page of the SNTs of the lists in force dated `from`…`to`, by day then number: those strictly after `after`
    /// in that order, at most `limit`, each with its lines.
    func sntPage(from: String, to: String, after: SNTCursor?, limit: Int) throws -> SNTPage
}

extension SNTReader {
    /// Every SNT of the lists in force dated `from`…`to`, by day then number: the pages read one after another, in
    /// the caller's transaction (reconciliation compares a period's SNTs whole).
    public func snts(from: String, to: String) throws -> [SNTRecord] {
        var all: [SNTRecord] = []
        var after: SNTCursor?
        repeat {
            let page = try sntPage(from: from, to: to, after: after, limit: 1000)
            all += page.snts.map(\.snt)
            after = page.next
        } while after != nil
        return all
    }
}

/// The Ministry's SNT lists as stored, written.
public protocol SNTWriter: SNTReader {
    /// Stores `list` and its `snts` in place of what older lists held for its days: the list's row (`digest`
    /// unique), each day of its period taken over only from an older list (a conditional upsert, so the order holds
    /// even against an import that committed after this one's decision was made), the SNTs dated in its period
    /// replaced by `snts`.
    /// - Throws: `STORE_CONFLICT` when the same list was stored meanwhile; `MOF_SNT_LIST_OUT_OF_ORDER` naming the
    ///   first day a list as new or newer holds. Either way the transaction must be rolled back.
    func save(_ list: SNTListRecord, days: [String], snts: [SNTRecord]) throws
}

/// The refusal of a list that is not newer than the one held for a day: one sentence for the core's check and for
/// the stores' conditional upsert, which catches what the check could not see (an import committed meanwhile).
public enum SNTOrder {
    public static func outOfOrder(_ list: SNTListRecord, day: String) -> TanbaError {
        TanbaError(
            .mofSNTListOutOfOrder,
            "the SNT list of \(list.fromDay)…\(list.toDay) created \(ISO8601DateFormatter().string(from: list.createdAt)) is not newer than the list the "
                + "hub holds for \(day)", path: "/SNTList/CreatedAt")
    }
}
