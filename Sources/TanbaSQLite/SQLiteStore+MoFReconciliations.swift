import Foundation
import GRDB
import TanbaErrors
import TanbaStore

/// The hub's reconciliation reports to the Ministry on SQLite (table `mof_reconciliations`, migration v20).
extension Connection {
    static let mofReconciliationColumns = """
        id, from_day, to_day, created_at, digest, without_snt, snt_without_shipment, quantities_differ,
        parties_differ, ack_state, ack_at, ack_reason
        """

    static func mofReconciliation(_ row: Row) -> MoFReconciliationRecord {
        MoFReconciliationRecord(
            id: row[0], fromDay: row[1], toDay: row[2], createdAt: Date(timeIntervalSince1970: row[3]), digest: row[4],
            withoutSNT: row[5], sntWithoutShipment: row[6], quantitiesDiffer: row[7], partiesDiffer: row[8],
            ackState: MoFAckState(rawValue: row[9]) ?? .pending,
            ackAt: (row[10] as Double?).map(Date.init(timeIntervalSince1970:)), ackReason: row[11])
    }

    func mofReconciliation(id: String) throws -> MoFReconciliationRecord? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT \(Self.mofReconciliationColumns) FROM mof_reconciliations WHERE id = ?"),
            arguments: [id]
        ).map(Self.mofReconciliation)
    }

    func mofReconciliationPage(after: MoFReconciliationCursor?, limit: Int) throws -> MoFReconciliationPage {
        try mofPage(
            of: "mof_reconciliations", columns: Self.mofReconciliationColumns, createdAt: 3, after: after, limit: limit
        ) { Self.mofReconciliation($0) }
    }

    func save(_ report: MoFReconciliationRecord) throws {
        do {
            try db.cachedStatement(
                sql: """
                    INSERT INTO mof_reconciliations (\(Self.mofReconciliationColumns))
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                report.id, report.fromDay, report.toDay, report.createdAt.timeIntervalSince1970, report.digest,
                report.withoutSNT, report.sntWithoutShipment, report.quantitiesDiffer, report.partiesDiffer,
                report.ackState.rawValue, report.ackAt?.timeIntervalSince1970, report.ackReason,
            ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TanbaError(.storeConflict, "reconciliation report \(report.id) was recorded meanwhile")
        }
    }

    func acknowledgeReconciliation(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        try recordAcknowledgement(in: "mof_reconciliations", id, state: state, at: at, reason: reason)
    }
}
