public import Foundation
public import TanbaStore

/// An SNT in force as operators see it (`tanba mof snt list`, `GET /v1/operator/mof/snts`, the web page
/// `/operator/mof/snts`): its number, day and parties, its lines, and the list it came with.
public struct MoFSNTView: Sendable, Encodable, Hashable {
    public let number: String
    /// The SNT's day (`YYYY-MM-DD`): a day of its list's period.
    public let date: String
    public let seller: String
    public let buyer: String
    public let lineCount: Int
    /// Its lines in GTIN order, each quantity as the list wrote it (a decimal in text, never rounded).
    public let lines: [Line]
    /// The SHA-256 of the list it came with, and that list's `CreatedAt` (which made it the list in force).
    public let list: String
    public let listCreatedAt: Date

    /// A line of an SNT: a GTIN and its quantity.
    public struct Line: Sendable, Encodable, Hashable {
        public let gtin: String
        public let quantity: String
    }

    public init(_ snt: SNTRecord, listCreatedAt: Date) {
        number = snt.number
        date = snt.day
        seller = snt.seller
        buyer = snt.buyer
        lines = snt.quantities.sorted { $0.key < $1.key }.map { Line(gtin: $0.key, quantity: $0.value) }
        lineCount = lines.count
        list = snt.list
        self.listCreatedAt = listCreatedAt
    }
}

/// An SNT list kept, as operators see it beside the SNTs: its period, when the Ministry made it and when the hub
/// imported it, its SHA-256, its SNTs, and how many days of its period it still holds (0 when newer lists cover them
/// all: it was replaced).
public struct MoFSNTListView: Sendable, Encodable, Hashable {
    public let sha256: String
    public let from: String
    public let to: String
    public let createdAt: Date
    public let importedAt: Date
    /// The SNTs it carried when imported.
    public let count: Int
    public let daysInForce: Int

    public init(_ list: SNTListRecord, daysInForce: Int) {
        sha256 = list.digest
        from = list.fromDay
        to = list.toDay
        createdAt = list.createdAt
        importedAt = list.importedAt
        count = list.count
        self.daysInForce = daysInForce
    }
}

/// What operators see of the Ministry's SNTs kept for a period, a page at a time: the lists kept whose period meets
/// it (newest first, at most `listLimit`), and a page of the SNTs in force dated in it (by day, then number) with the
/// cursor of the next page. One function (`read`) makes it for every channel: `tanba mof snt list`, the API
/// (`GET /v1/operator/mof/snts`) and the web page `/operator/mof/snts` (through `HubCore.mofSNTs`, which adds the
/// operator check), each reading its parameters with `asked`.
public struct MoFSNTPage: Sendable, Encodable {
    public let lists: [MoFSNTListView]
    /// True when more lists meet the period than `lists` shows (a shorter period shows the others).
    public let moreLists: Bool
    public let snts: [MoFSNTView]
    /// The cursor of the next page of SNTs (`SNTCursor.encoded`), null on the last.
    public let next: String?

    /// The most SNTs one page holds, and how many when `limit` is not given.
    public static let maxLimit = 500
    public static let defaultLimit = 100
    /// The most lists one answer shows: a year of daily lists is a few hundred, and a period of weeks a few dozen.
    public static let listLimit = 50

    /// The page a channel asked for, its parameters read (`asked`).
    public struct Asked: Sendable {
        /// The period's first and last days, `YYYY-MM-DD`; nil for no bound.
        public let from: String?
        public let to: String?
        public let limit: Int
        public let after: SNTCursor?
    }

    /// The page `query` asks for: `from` and `to` (days, both optional, `to` not before `from`), `limit`
    /// (1…`maxLimit`, `defaultLimit`) and `after` (a page's `next`), read alike for every channel, each naming the
    /// parameters its own way (`HubCore.mofSNTParameters` are the names). Read before the store is asked: a bad
    /// parameter is refused before any work.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the parameter that does not parse (`to` when it is before
    ///   `from`; `after` for a string that is not a cursor of this list).
    public static func asked(_ query: QueryText) throws -> Asked {
        let from = try query.date("from")
        let to = try query.date("to")
        if let from, let to, to < from {
            throw query.invalid("to", "(\(to)) is before \(query.naming("from")) (\(from))")
        }
        return Asked(
            from: from, to: to, limit: try query.integer("limit", in: 1...maxLimit, default: defaultLimit),
            after: try query.cursor("after", SNTCursor.init(encoded:)))
    }

    /// The lists and the page of SNTs `asked` names, read in one transaction so that the lists and the SNTs in force
    /// are seen at one moment.
    public static func read(store: any HubStore, _ asked: Asked) throws -> MoFSNTPage {
        // Days compare as text: the missing bounds are below and above every real day.
        let from = asked.from ?? "0000-01-01"
        let to = asked.to ?? "9999-12-31"
        return try store.read { tx in
            let lists = try tx.sntListPage(from: from, to: to, after: nil, limit: listLimit)
            var inForce: [String: Int] = [:]
            if let first = lists.lists.map(\.fromDay).min(), let last = lists.lists.map(\.toDay).max() {
                for (_, held) in try tx.sntCoverage(from: first, to: last) { inForce[held.list, default: 0] += 1 }
            }
            let page = try tx.sntPage(from: from, to: to, after: asked.after, limit: asked.limit)
            return MoFSNTPage(
                lists: lists.lists.map { MoFSNTListView($0, daysInForce: inForce[$0.digest] ?? 0) },
                moreLists: lists.next != nil,
                snts: page.snts.map { MoFSNTView($0.snt, listCreatedAt: $0.listCreatedAt) },
                next: page.next?.encoded)
        }
    }

    enum CodingKeys: String, CodingKey {
        case lists, moreLists, snts, next
    }

    /// `next` is written as null on the last page, not left out, as every page of the API writes it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lists, forKey: .lists)
        try container.encode(moreLists, forKey: .moreLists)
        try container.encode(snts, forKey: .snts)
        try container.encode(next, forKey: .next)
    }
}
