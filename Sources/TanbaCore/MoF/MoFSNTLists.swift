import Crypto
public import Foundation
import TanbaErrors
public import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// The Ministry's signed SNT lists: verified against its pinned certificate, kept in the store (a newer list for a
/// day replaces an older one's SNTs of that day), and read back for reconciliation. Every import is audited
/// (channel `mof`, action `mof-snt-import`): imported, unchanged, or `refused CODE`.
public enum MoFSNTLists {
    /// The audit entry's action.
    public static let action = "mof-snt-import"
    /// The longest period one list may cover: a year. A list is kept day by day, and a made-up period of centuries
    /// must not become millions of rows.
    public static let maxDays = 366

    /// What one import did.
    public struct Imported: Sendable, Encodable {
        public let list: SNTListRecord
        /// True when the same list (the same bytes) was imported before: nothing changed.
        public let unchanged: Bool
        /// Days of its period an older list held before (as read when the import was decided).
        public let replacedDays: Int
    }

    /// The list's fields, once it is known to be XML signed by `pinned`:
    /// 1. safe, well-formed XML (`MOF_SNT_LIST_INVALID`, with the XML core's code in the message);
    /// 2. signed (`MOF_SNT_LIST_UNSIGNED`) by `pinned`, the signature verifying (`MOF_SNT_LIST_WRONG_SIGNER`: another
    ///    signer, or bytes altered since the signature);
    /// 3. our schema's `SNTList` (`MOF_SNT_LIST_INVALID` naming the element), its period real days, at most
    ///    `maxDays`.
    /// The same checks, in the same order, as the Ministry's acknowledgements (`MoFAnswers.signedByMinistry`).
    public static func verify(_ bytes: [UInt8], pinned: Certificate, at now: Date = Date()) throws -> SNTList {
        let document = try MoFAnswers.signedByMinistry(
            bytes, pinned: pinned, at: now, counterpart: "SNT list", invalid: .mofSNTListInvalid,
            unsigned: .mofSNTListUnsigned, wrongSigner: .mofSNTListWrongSigner)
        let list = try SNTList.parse(document.root)
        guard (try days(list)).count <= maxDays else {
            throw TanbaError(
                .mofSNTListInvalid, "an SNT list covers at most \(maxDays) days, not \(list.from)…\(list.to)",
                path: "/SNTList")
        }
        return list
    }

    /// Every day of the list's period, in order.
    static func days(_ list: SNTList) throws -> [String] {
        guard MoFEvent.start(of: list.from) != nil, MoFEvent.start(of: list.to) != nil else {
            throw TanbaError(
                .mofSNTListInvalid, "the period \(list.from)…\(list.to) is not two calendar days", path: "/SNTList")
        }
        var days: [String] = []
        var day = list.from
        while day <= list.to, days.count <= maxDays, let next = MoFEvent.next(day) {
            days.append(day)
            day = next
        }
        return days
    }

    /// Verifies (`verify`) and keeps a list: decided on a snapshot — the same bytes imported before are unchanged;
    /// a list not newer (`CreatedAt`) than the one held for a day of its period is `MOF_SNT_LIST_OUT_OF_ORDER` —
    /// then applied in one transaction with its audit entry, where the database holds the order: the list's digest
    /// is unique, and each day passes to it only from an older list (`SNTWriter.save`). An import that lost a race
    /// to the same list is unchanged; to a newer one, out of order. A refusal changes nothing and is audited.
    public static func `import`(
        _ bytes: [UInt8], pinned: Certificate, store: any HubStore, at now: Date = Date(), source: String
    ) throws -> Imported {
        var digest: String?
        do {
            let list = try verify(bytes, pinned: pinned, at: now)
            let days = try days(list)
            let key = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            digest = key
            let record = SNTListRecord(
                digest: key, fromDay: list.from, toDay: list.to, createdAt: list.createdAt,
                // To the millisecond, as the audit keeps its times.
                importedAt: Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded() / 1000),
                count: list.entries.count)
            let snts = list.entries.map {
                SNTRecord(
                    number: $0.number, day: $0.date, seller: $0.seller, buyer: $0.buyer,
                    quantities: $0.quantities.mapValues(MoFReconciliation.text), list: key)
            }
            let replaced = try store.read { reader -> Int? in
                if try reader.sntList(digest: key) != nil { return nil }
                let coverage = try reader.sntCoverage(from: list.from, to: list.to)
                if let day = days.first(where: { day in
                    coverage[day].map { held in held.createdAt >= list.createdAt } ?? false
                }) {
                    throw SNTOrder.outOfOrder(record, day: day)
                }
                return coverage.count
            }
            guard let replaced else { return try unchanged(key, store: store, at: now, source: source) }
            do {
                try store.write { tx in
                    try tx.save(record, days: days, snts: snts)
                    try Audit.append(
                        Audit.Event(
                            address: source, channel: MoFExporter.channel, action: action, object: key,
                            result: "imported \(list.from)…\(list.to): \(snts.count) SNT(s), \(replaced) day(s) "
                                + "replaced"),
                        at: now, in: tx)
                }
            } catch let error as TanbaError where error.code == .storeConflict {
                // The same list, imported by another process since the decision.
                return try unchanged(key, store: store, at: now, source: source)
            }
            return Imported(list: record, unchanged: false, replacedDays: replaced)
        } catch let error as TanbaError where error.category != .internal {
            try? Audit.record(
                Audit.Event(
                    address: source, channel: MoFExporter.channel, action: action, object: digest,
                    result: "refused \(error.code)"), in: store, at: now)
            throw error
        }
    }

    /// The list with digest `key`, held already: audited as unchanged.
    static func unchanged(_ key: String, store: any HubStore, at now: Date, source: String) throws -> Imported {
        guard let held = try store.read({ try $0.sntList(digest: key) }) else {
            throw TanbaError(.storeConflict, "SNT list \(key) was neither imported nor found")
        }
        try Audit.record(
            Audit.Event(
                address: source, channel: MoFExporter.channel, action: action, object: key,
                result: "unchanged: imported before"), in: store, at: now)
        return Imported(list: held, unchanged: true, replacedDays: 0)
    }

    /// The stored SNTs of `from`…`to`, as a list to reconcile with, when any list covers a day of it; nil when none
    /// does (there is nothing to compare with, which is not the same as an empty list).
    public static func stored(store: any HubStore, from: String, to: String) throws -> Stored? {
        try store.read { reader -> Stored? in
            let coverage = try reader.sntCoverage(from: from, to: to)
            guard !coverage.isEmpty else { return nil }
            var seen: Set<String> = []
            let entries = try reader.snts(from: from, to: to).compactMap { snt -> SNTList.Entry? in
                guard seen.insert(snt.number).inserted else { return nil }
                return SNTList.Entry(
                    number: snt.number, date: snt.day, seller: snt.seller, buyer: snt.buyer,
                    quantities: snt.quantities.compactMapValues { Decimal(string: $0) })
            }
            let lists = Set(coverage.values.map { $0.list }).sorted()
            let newest = coverage.values.map { $0.createdAt }.max() ?? Date(timeIntervalSince1970: 0)
            return Stored(
                list: SNTList(from: from, to: to, createdAt: newest, entries: entries), lists: lists,
                daysCovered: coverage.count)
        }
    }

    /// The stored SNTs of a period, and where they come from.
    public struct Stored: Sendable {
        public let list: SNTList
        /// The digests of the lists in force for the period's days.
        public let lists: [String]
        /// How many days of the period a list covers.
        public let daysCovered: Int
    }
}
