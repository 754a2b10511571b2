import Crypto
public import Foundation
import TanbaErrors
public import TanbaIntegrations
import TanbaPipeline
public import TanbaStore
public import TanbaXML

/// The hub's reconciliation report going to the Ministry: signed by the hub, queued on the `mof` channel, and
/// delivered by the channel's worker (`MoFTransport`) as the exports are.
extension MoFReconciliation {
    /// The outbox message's kind.
    public static let kind = "MOF.RECONCILIATION.1"

    /// What happened to a report given to `send`.
    public struct Sent: Sendable {
        /// The report as signed and queued (or as it would have been, when it was queued before).
        public let report: MoFReconciliationReport
        /// True when the same report (same period, same findings) was in the outbox already: nothing was queued.
        public let queuedBefore: Bool
    }

    /// This report as the document sent to the Ministry, made at `createdAt`, its id from its period and findings.
    public func document(createdAt: Date) -> MoFReconciliationReport {
        let transfers = withoutSNT.map { transfer in
            MoFReconciliationReport.Transfer(
                document: transfer.document, day: transfer.day, seller: transfer.seller, buyer: transfer.buyer,
                lines: transfer.quantities.sorted { $0.key < $1.key }.map { (gtin: $0.key, quantity: $0.value) })
        }
        var comparison: MoFReconciliationReport.Comparison?
        if let missing = sntWithoutShipment {
            comparison = MoFReconciliationReport.Comparison(
                sntWithoutShipment: missing,
                differences: (differences ?? []).map {
                    MoFReconciliationReport.Difference(
                        snt: $0.snt, gtin: $0.gtin, hubQuantity: $0.hub, sntQuantity: $0.snt_)
                }, partiesDiffer: partiesDiffer ?? [])
        }
        var report = MoFReconciliationReport(
            reportId: "", from: from, to: to, createdAt: createdAt, withoutSNT: transfers, comparison: comparison)
        report.reportId = Self.reportId(from: from, to: to, findings: report.findings())
        return report
    }

    /// A name-based UUID of the period and the SHA-256 of the findings: the same report made again (by a second
    /// `--send`, by another operator) has the same id, which is the outbox message's idempotency key — the store's
    /// unique key holds it once, and the Ministry deduplicates by it. A report whose findings changed (a shipment
    /// accepted since, another SNT list) is another report.
    public static func reportId(from: String, to: String, findings: String) -> String {
        let digest = SHA256.hash(data: Array(findings.utf8)).map { String(format: "%02x", $0) }.joined()
        return DocumentPipeline.nameBasedUUID("tanba:mof-reconciliation:\(from):\(to):\(digest)")
    }

    /// Signs the report with the hub's key and queues it for the Ministry with its record (`mof_reconciliations`:
    /// the period, the counts, the SHA-256 of the signed bytes queued, the acknowledgement pending) and its audit
    /// entry (channel `mof`, action `mof-reconcile-send`) in one transaction: a report is recorded exactly when it
    /// is queued. The same report queued before is not queued again (the outbox's unique idempotency key refuses
    /// it, and the record's key); that is audited too, and said in `Sent.queuedBefore`.
    public func send(signer: DocumentSigner, store: any HubStore, at now: Date = Date(), source: String) throws
        -> Sent
    {
        let report = document(createdAt: now)
        let signed = try signer.sign(report.xml())
        let record = MoFReconciliationRecord(
            id: report.reportId, fromDay: from, toDay: to, createdAt: now,
            digest: SHA256.hash(data: signed).map { String(format: "%02x", $0) }.joined(), withoutSNT: withoutSNT.count,
            sntWithoutShipment: sntWithoutShipment?.count, quantitiesDiffer: differences?.count,
            partiesDiffer: partiesDiffer?.count)
        let summary =
            "\(from)…\(to): \(withoutSNT.count) without SNT"
            + (sntWithoutShipment.map { ", \($0.count) SNT without shipment" } ?? "")
            + (differences.map { ", \($0.count) quantities differ" } ?? "")
            + (partiesDiffer.map { ", \($0.count) parties differ" } ?? "")
        do {
            try store.write { tx in
                try tx.enqueue([
                    OutboundMessage(
                        channel: MoFExporter.channel, kind: Self.kind, idempotencyKey: report.reportId, body: signed)
                ])
                try tx.save(record)
                try Audit.append(
                    Audit.Event(
                        address: source, channel: MoFExporter.channel, action: "mof-reconcile-send",
                        object: report.reportId, result: "queued " + summary),
                    at: now, in: tx)
            }
            return Sent(report: report, queuedBefore: false)
        } catch let error as TanbaError where error.code == .storeConflict {
            // The rows this transaction inserts are keyed by the report's id (the message, the record): a conflict
            // is that id, queued before.
            try Audit.record(
                Audit.Event(
                    address: source, channel: MoFExporter.channel, action: "mof-reconcile-send",
                    object: report.reportId, result: "queued before " + summary), in: store, at: now)
            return Sent(report: report, queuedBefore: true)
        }
    }
}
