public import Foundation
public import TanbaStore

/// A reconciliation report as operators see it (`tanba mof reconciliations`, `GET /v1/operator/mof/reconciliations`,
/// the web page `/operator/mof`): its period, what it found, the digest of the signed report, the state of its
/// delivery (its outbox message, found by the report's id as an export's is) and the Ministry's acknowledgement
/// (`MoFListItem`).
public typealias MoFReconciliationView = MoFListItem<MoFReconciliationFields>

/// What the list of reconciliation reports shows of a report, beside its status.
public struct MoFReconciliationFields: MoFListFields {
    public let id: String
    public let from: String
    public let to: String
    public let createdAt: Date
    public let withoutSNT: Int
    /// Nil when no SNT list was compared.
    public let sntWithoutShipment: Int?
    public let quantitiesDiffer: Int?
    public let partiesDiffer: Int?
    public let sha256: String

    public static var listName: String { "reconciliations" }

    public init(_ report: MoFReconciliationRecord) {
        id = report.id
        from = report.fromDay
        to = report.toDay
        createdAt = report.createdAt
        withoutSNT = report.withoutSNT
        sntWithoutShipment = report.sntWithoutShipment
        quantitiesDiffer = report.quantitiesDiffer
        partiesDiffer = report.partiesDiffer
        sha256 = report.digest
    }

    public static func page(in tx: any StoreReader, after: MoFReconciliationCursor?, limit: Int) throws
        -> MoFReconciliationPage
    {
        try tx.mofReconciliationPage(after: after, limit: limit)
    }
}

extension PageJSON where Item == MoFReconciliationView {
    /// The page's reports, newest first.
    public var reconciliations: [MoFReconciliationView] { items }
}
