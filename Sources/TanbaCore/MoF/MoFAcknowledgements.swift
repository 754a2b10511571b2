public import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// The Ministry's acknowledgements of exports: verified, then recorded on the export — or refused, changing
/// nothing, with a specific code; both audited (channel `mof`, action `mof-ack`). The procedure is
/// `MoFAnswers.apply`, shared with the reconciliation reports' acknowledgements.
public enum MoFAcknowledgements {
    /// Verifies and records an export's acknowledgement (`MoFAnswers.apply` gives the order of the checks:
    /// `MOF_ACK_INVALID`, `MOF_ACK_UNSIGNED`, `MOF_ACK_WRONG_SIGNER`, `MOF_ACK_UNKNOWN_EXPORT`,
    /// `MOF_ACK_DIGEST_MISMATCH`, `MOF_ACK_OUT_OF_ORDER`, `MOF_ACK_REPLAYED`).
    /// - Returns: the export as acknowledged now.
    @discardableResult
    public static func apply(
        _ bytes: [UInt8], pinned: Certificate, store: any HubStore, at now: Date = Date(), source: String
    ) throws -> MoFExportRecord {
        try MoFAnswers.apply(bytes, .export, pinned: pinned, store: store, at: now, source: source)
    }

    /// The acknowledgement's fields, once its signature by `pinned` is verified.
    public static func verify(_ bytes: [UInt8], pinned: Certificate, at now: Date) throws -> MoFAcknowledgement {
        try MoFAnswers.verify(bytes, as: MoFAcknowledgement.self, pinned: pinned, at: now)
    }
}

/// Reconciliation of ownership transfers with the tax side's accompanying invoices (SNT), both ways.
public struct MoFReconciliation: Sendable, Encodable {
    /// An ownership transfer as reconciled.
    public struct Transfer: Sendable, Encodable, Hashable {
        public let document: String
        public let day: String
        public let seller: String?
        public let buyer: String?
        public let snt: String?
        public let quantities: [String: String]
    }

    /// A GTIN whose quantity differs between an SNT and the hub's transfers under it.
    public struct Difference: Sendable, Encodable, Hashable {
        public let snt: String
        public let gtin: String
        public let hub: String
        public let snt_: String

        enum CodingKeys: String, CodingKey {
            case snt, gtin, hub
            case snt_ = "sntQuantity"
        }
    }

    public let from: String
    public let to: String
    /// Transfers the hub recorded without an SNT.
    public let withoutSNT: [Transfer]
    /// SNT numbers in the Ministry's list that no transfer of the period names (nil when no list was given).
    public let sntWithoutShipment: [String]?
    /// Quantities that differ, per SNT and GTIN (nil when no list was given).
    public let differences: [Difference]?
    /// SNTs whose seller or buyer is not the transfer's.
    public let partiesDiffer: [String]?

    /// The hub's side for `from`…`to` (its transfers, streamed page by page), compared with `list` when given.
    /// - Throws: `MOF_PERIOD_INVALID`.
    public static func make(store: any HubStore, from: String, to: String, list: SNTList? = nil, pageSize: Int = 1000)
        throws -> MoFReconciliation
    {
        guard MoFEvent.start(of: from) != nil, MoFEvent.start(of: to) != nil, from <= to else {
            throw TanbaError(.mofPeriodInvalid, "the period \(from)…\(to) is not two days YYYY-MM-DD, first ≤ last")
        }
        var without: [Transfer] = []
        var bySNT: [String: (seller: String?, buyer: String?, quantities: [String: Decimal])] = [:]
        var after = MoFEvent.Position(day: from, seq: 0)
        while true {
            let page = try store.read { try $0.mofEvents(from: from, to: to, after: after, limit: pageSize) }
            for event in page where event.kind == .ownershipTransfer {
                let quantities = Self.quantities(event.quantities)
                if let snt = event.snt {
                    var entry = bySNT[snt] ?? (event.seller, event.buyer, [:])
                    for (gtin, quantity) in quantities { entry.quantities[gtin, default: 0] += quantity }
                    bySNT[snt] = entry
                } else {
                    without.append(
                        Transfer(
                            document: event.document, day: event.day, seller: event.seller, buyer: event.buyer,
                            snt: nil, quantities: quantities.mapValues(Self.text)))
                }
            }
            guard let last = page.last, page.count == pageSize else { break }
            after = last.position
        }
        guard let list else {
            return MoFReconciliation(
                from: from, to: to, withoutSNT: without, sntWithoutShipment: nil, differences: nil, partiesDiffer: nil)
        }
        var missing: [String] = []
        var differences: [Difference] = []
        var parties: [String] = []
        for entry in list.entries {
            guard let hub = bySNT[entry.number] else {
                missing.append(entry.number)
                continue
            }
            if hub.seller != entry.seller || hub.buyer != entry.buyer { parties.append(entry.number) }
            for gtin in Set(hub.quantities.keys).union(entry.quantities.keys).sorted() {
                let mine = hub.quantities[gtin] ?? 0
                let theirs = entry.quantities[gtin] ?? 0
                if mine != theirs {
                    differences.append(Difference(snt: entry.number, gtin: gtin, hub: text(mine), snt_: text(theirs)))
                }
            }
        }
        return MoFReconciliation(
            from: from, to: to, withoutSNT: without, sntWithoutShipment: missing, differences: differences,
            partiesDiffer: parties)
    }

    static func quantities(_ text: String?) -> [String: Decimal] {
        var result: [String: Decimal] = [:]
        for part in (text ?? "").split(separator: ";") {
            let pair = part.split(separator: "=")
            // No locale: `.` is the separator, whatever the process's locale.
            if pair.count == 2, let value = Decimal(string: String(pair[1])) {
                result[String(pair[0]), default: 0] += value
            }
        }
        return result
    }

    static func text(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: value).description(withLocale: Locale.posix)
    }
}
