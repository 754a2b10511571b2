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

/// The Ministry's SNT lists as stored, read.
public protocol SNTReader {
    /// The list with this digest, if it was imported.
    func sntList(digest: String) throws -> SNTListRecord?
    /// The list in force for each day of `from`…`to` that one covers: day → the list's digest and creation time.
    func sntCoverage(from: String, to: String) throws -> [String: (list: String, createdAt: Date)]
    /// The lists imported whose period meets `from`…`to`, newest first (creation time, then digest).
    func sntLists(from: String, to: String) throws -> [SNTListRecord]
    /// The SNTs of the lists in force dated `from`…`to`, by day then number.
    func snts(from: String, to: String) throws -> [SNTRecord]
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
