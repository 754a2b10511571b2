import Foundation
import PostgresNIO
import TanbaErrors
import TanbaStore

/// The hub's reconciliation reports to the Ministry on PostgreSQL, as the SQLite store's.
extension PostgresSession {
    static let mofReconciliationColumns = """
        id, from_day, to_day, created_at, digest, without_snt, snt_without_shipment, quantities_differ,
        parties_differ, ack_state, ack_at, ack_reason
        """

    static func mofReconciliation(_ row: PostgresRandomAccessRow) throws -> MoFReconciliationRecord {
        MoFReconciliationRecord(
            id: try row.get(0), fromDay: try row.get(1), toDay: try row.get(2),
            createdAt: Date(timeIntervalSince1970: try row.get(3)), digest: try row.get(4),
            withoutSNT: try row.get(5), sntWithoutShipment: try row.get(6, as: Int?.self),
            quantitiesDiffer: try row.get(7, as: Int?.self), partiesDiffer: try row.get(8, as: Int?.self),
            ackState: MoFAckState(rawValue: try row.get(9)) ?? .pending,
            ackAt: try row.get(10, as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            ackReason: try row.get(11))
    }

    func mofReconciliation(id: String) throws -> MoFReconciliationRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.mofReconciliationColumns) FROM mof_reconciliations WHERE id = \(s.bind(id))"
        return try run(s).first.map(Self.mofReconciliation)
    }

    func mofReconciliationPage(after: MoFReconciliationCursor?, limit: Int) throws -> MoFReconciliationPage {
        try mofPage(
            of: "mof_reconciliations", columns: Self.mofReconciliationColumns, createdAt: 3, after: after, limit: limit
        ) { try Self.mofReconciliation($0) }
    }

    func save(_ report: MoFReconciliationRecord) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO mof_reconciliations (\(Self.mofReconciliationColumns))
            VALUES (\(s.bind(report.id)), \(s.bind(report.fromDay)), \(s.bind(report.toDay)),
                    \(s.bind(report.createdAt.timeIntervalSince1970)), \(s.bind(report.digest)),
                    \(s.bind(report.withoutSNT)), \(s.bind(report.sntWithoutShipment)),
                    \(s.bind(report.quantitiesDiffer)), \(s.bind(report.partiesDiffer)),
                    \(s.bind(report.ackState.rawValue)), \(s.bind(report.ackAt?.timeIntervalSince1970)),
                    \(s.bind(report.ackReason)))
            """
        do { try run(s) } catch let error where PostgresFailure.sqlState(error) == "23505" {
            throw TanbaError(.storeConflict, "reconciliation report \(report.id) was recorded meanwhile")
        }
    }

    func acknowledgeReconciliation(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        try recordAcknowledgement(in: "mof_reconciliations", id, state: state, at: at, reason: reason)
    }
}
