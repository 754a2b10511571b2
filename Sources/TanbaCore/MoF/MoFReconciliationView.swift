public import Foundation
public import TanbaStore

/// A reconciliation report as operators see it (`tanba mof reconciliations`): its period, what it found, the
/// digest of the signed report, the state of its delivery (its outbox message, found by the report's id as
/// `MoFExportView` finds an export's) and the Ministry's acknowledgement.
public struct MoFReconciliationView: Sendable, Encodable, Hashable {
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
    /// `pending`, `accepted` or `rejected`, when, and why.
    public let acknowledgement: String
    public let acknowledgedAt: Date?
    public let reason: String?
    /// The outbox message's state with its failed attempts (`delivered (1 failed)`); nil when not in the outbox.
    public let delivery: String?
    public let deliveryState: String?
    public let failedAttempts: Int
    public let lastError: String?

    public init(_ report: MoFReconciliationRecord, message: QueuedMessage?) {
        id = report.id
        from = report.fromDay
        to = report.toDay
        createdAt = report.createdAt
        withoutSNT = report.withoutSNT
        sntWithoutShipment = report.sntWithoutShipment
        quantitiesDiffer = report.quantitiesDiffer
        partiesDiffer = report.partiesDiffer
        sha256 = report.digest
        acknowledgement = report.ackState.rawValue
        acknowledgedAt = report.ackAt
        reason = report.ackReason
        delivery = message?.deliverySummary
        deliveryState = message?.state.rawValue
        failedAttempts = message?.attempts ?? 0
        lastError = message?.lastError
    }

    /// The most reports one list holds.
    public static let maxLimit = 200

    /// The newest `limit` reports (1…`maxLimit`), newest first, each with its outbox message, read in one
    /// transaction so that a report and its delivery are seen at one moment.
    public static func list(store: any HubStore, limit: Int = 50) throws -> [MoFReconciliationView] {
        try store.read { tx in
            let reports = try tx.mofReconciliations(limit: min(max(1, limit), maxLimit))
            let messages = try MoFExportView.messages(of: Set(reports.map(\.id)), in: tx)
            return reports.map { MoFReconciliationView($0, message: messages[$0.id]) }
        }
    }
}
