import Crypto
import Foundation
import TanbaCore
import TanbaErrors
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

/// The hub's reconciliation reports as recorded, and the Ministry's acknowledgements of them, on both stores.
/// Failure modes: a report queued without its record (or recorded twice for the same findings), its digest not the
/// bytes queued; an acknowledgement that is malformed, not ours (an export's), unsigned, signed by another, of a
/// report the hub never made, of another report than the delivery's, of other bytes, dated before the report, or
/// replayed — each must be refused by its code, change nothing and be audited; two copies at once recorded twice.
@Suite struct MoFReconciliationAckTests {
    static let noon = MoFExportTests.at("2026-11-20", "12:00:00")

    /// A store with one shipment without an SNT on 2026-11-20 and that day's report queued (at noon + 1 h).
    struct Setup {
        let location: String
        let store: any HubStore
        let sent: MoFReconciliation.Sent

        init(_ backend: TestBackend) throws {
            location = try backend.makeLocation()
            store = try TestBackend.open(location)
            try store.write {
                try $0.save([
                    MoFEvent(
                        day: "2026-11-20", at: MoFReconciliationAckTests.noon, kind: .ownershipTransfer,
                        document: "no-snt", snt: nil,
                        seller: "050140001238", buyer: "031240500125", quantities: "04870001000011=1",
                        fragment: Array("<OwnershipTransfer/>\n".utf8))
                ])
            }
            sent = try MoFReconciliation.make(store: store, from: "2026-11-20", to: "2026-11-20")
                .send(
                    signer: MoFExportTests.hub, store: store, at: MoFReconciliationAckTests.noon + 3600, source: "test")
        }

        var record: MoFReconciliationRecord {
            get throws { try #require(try store.read { try $0.mofReconciliation(id: sent.report.reportId) }) }
        }

        func apply(_ bytes: [UInt8], answering: String? = nil) throws -> MoFReconciliationRecord {
            try MoFAnswers.apply(
                bytes, .reconciliation, pinned: MoFExportTests.ministry.certificate, store: store, source: "test",
                answering: answering)
        }
    }

    static func ack(
        _ report: MoFReconciliationRecord, accepted: Bool = true, digest: String? = nil, id: String? = nil,
        at: Date? = nil, by signer: DocumentSigner? = MoFExportTests.ministry
    ) throws -> [UInt8] {
        let xml = MoFReconciliationAcknowledgement(
            reportId: id ?? report.id, sha256: digest ?? report.digest, accepted: accepted,
            reason: accepted ? nil : "period not reconciled", acknowledgedAt: at ?? Date()
        ).xml()
        return try signer.map { try $0.sign(xml) } ?? xml
    }

    @Test(arguments: TestBackend.available)
    func aReportIsRecordedOnceWhenQueuedWithTheDigestOfTheBytesQueued(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        #expect(!setup.sent.queuedBefore)
        let again = try MoFReconciliation.make(store: setup.store, from: "2026-11-20", to: "2026-11-20")
            .send(signer: MoFExportTests.hub, store: setup.store, at: Self.noon + 7200, source: "test")
        #expect(again.queuedBefore)
        let reports = try setup.store.read { try $0.mofReconciliationPage(after: nil, limit: 10).reports }
        try #require(reports.count == 1)
        let queued = try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }
        try #require(queued.count == 1)
        let record = reports[0]
        #expect(record.id == setup.sent.report.reportId && record.id == queued[0].idempotencyKey)
        #expect(record.digest == SHA256.hash(data: queued[0].body).map { String(format: "%02x", $0) }.joined())
        #expect(record.fromDay == "2026-11-20" && record.toDay == "2026-11-20" && record.withoutSNT == 1)
        #expect(record.sntWithoutShipment == nil && record.quantitiesDiffer == nil && record.partiesDiffer == nil)
        #expect(record.ackState == .pending && record.ackAt == nil)
        #expect(abs(record.createdAt.timeIntervalSince(Self.noon + 3600)) < 0.001)
        // The format: valid against the schema, read back by the strict parser.
        let good = try Self.ack(record)
        let document = try XMLDocument.parse(good)
        try SchemaSet(directory: CoreFixture.repository.appendingPathComponent("xsd/mof")).validate(document)
        let read = try MoFReconciliationAcknowledgement.parse(document.root)
        #expect(read.reportId == record.id && read.sha256 == record.digest && read.accepted)
    }

    @Test(arguments: TestBackend.available)
    func anAcceptedAcknowledgementIsRecordedAndShownBesideTheDelivery(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let record = try setup.record
        let recorded = try setup.apply(try Self.ack(record), answering: record.id)
        #expect(recorded.ackState == .accepted && recorded.ackAt != nil)
        #expect(try setup.record.ackState == .accepted)
        let audit = try setup.store.read { try $0.lastAudit() }
        #expect(audit?.action == "mof-reconcile-ack" && audit?.channel == "mof" && audit?.result == "accepted")
        #expect(audit?.object == record.id)
        let listed = try MoFReconciliationView.list(store: setup.store).reconciliations
        #expect(listed.map(\.id) == [record.id])
        #expect(listed.first?.acknowledgement == "accepted" && listed.first?.deliveryState == "pending")
        #expect(listed.first?.sha256 == record.digest && listed.first?.withoutSNT == 1)
    }

    @Test(arguments: TestBackend.available)
    func aRejectedAcknowledgementIsRecordedWithItsReason(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let recorded = try setup.apply(try Self.ack(try setup.record, accepted: false))
        #expect(recorded.ackState == .rejected && recorded.ackReason == "period not reconciled")
        #expect(try setup.record.ackReason == "period not reconciled")
    }

    @Test(arguments: TestBackend.available)
    func everyBadReconciliationAcknowledgementIsRefusedByItsOwnCodeChangesNothingAndIsAudited(
        _ backend: TestBackend
    ) throws {
        let setup = try Setup(backend)
        // Another report the hub made (other findings), to be named by an answer to the first one's delivery.
        let other = try MoFReconciliation.make(
            store: setup.store, from: "2026-11-20", to: "2026-11-20",
            list: SNTList(from: "2026-11-20", to: "2026-11-20", createdAt: Self.noon, entries: [])
        ).send(signer: MoFExportTests.hub, store: setup.store, at: Self.noon + 3600, source: "test")
        let report = try setup.record
        let otherRecord = try #require(try setup.store.read { try $0.mofReconciliation(id: other.report.reportId) })
        let exportAck = try MoFExportTests.ministry.sign(
            MoFAcknowledgement(exportId: report.id, sha256: report.digest, accepted: true, acknowledgedAt: Date())
                .xml())
        let fingerprint = try setup.store.contentFingerprint()
        let cases: [(String, [UInt8], String?, ErrorCode)] = [
            ("malformed", Array("<MoFReconciliationAcknowledgement".utf8), nil, .mofAckInvalid),
            ("an export's acknowledgement", exportAck, nil, .mofAckInvalid),
            ("unsigned", try Self.ack(report, by: nil), nil, .mofAckUnsigned),
            ("wrong signer", try Self.ack(report, by: MoFExportTests.impostor), nil, .mofAckWrongSigner),
            ("unknown report", try Self.ack(report, id: UUID().uuidString.lowercased()), nil, .mofAckUnknownReport),
            ("another report's answer", try Self.ack(otherRecord), report.id, .mofAckUnknownReport),
            (
                "wrong digest", try Self.ack(report, digest: String(repeating: "ab", count: 32)), nil,
                .mofAckDigestMismatch
            ),
            ("before the report", try Self.ack(report, at: report.createdAt - 3600), nil, .mofAckOutOfOrder),
        ]
        for (name, bytes, answering, code) in cases {
            let before = try setup.store.read { try $0.lastAudit()?.seq ?? 0 }
            let error = expectCode(code, name) { _ = try setup.apply(bytes, answering: answering) }
            _ = error
            #expect(try setup.store.contentFingerprint() == fingerprint, "\(name) changed the ledger")
            let audited = try setup.store.read { try $0.audit(after: before, limit: 10) }
            #expect(audited.map(\.result) == ["refused \(code)"], "\(name)")
            #expect(audited.first?.action == "mof-reconcile-ack" && audited.first?.channel == "mof", "\(name)")
        }
        // The good one is recorded; replayed — the same again, or a later rejection — it is refused: the first
        // stands, nothing changes, the refusal is audited.
        _ = try setup.apply(try Self.ack(report), answering: report.id)
        let afterGood = try setup.store.contentFingerprint()
        for replay in [try Self.ack(report), try Self.ack(report, accepted: false)] {
            let before = try setup.store.read { try $0.lastAudit()?.seq ?? 0 }
            expectCode(.mofAckReplayed, "replayed") { _ = try setup.apply(replay) }
            let audited = try setup.store.read { try $0.audit(after: before, limit: 10) }
            #expect(audited.map(\.result) == ["refused MOF_ACK_REPLAYED"])
        }
        let stands = try setup.record
        #expect(stands.ackState == .accepted && stands.ackReason == nil)
        #expect(try setup.store.read { try $0.mofReconciliation(id: otherRecord.id) }?.ackState == .pending)
        #expect(try setup.store.contentFingerprint() == afterGood, "a replay changed the ledger")
        #expect(try setup.store.read { try $0.mofExportPage(after: nil, limit: 5) }.exports.isEmpty)
    }

    /// Two copies of one acknowledgement arriving at once (the transport's and an operator's): one records it.
    @Test(arguments: TestBackend.available)
    func oneReconciliationAcknowledgementAppliedFourTimesAtOnceIsRecordedOnce(_ backend: TestBackend) async throws {
        let setup = try Setup(backend)
        let good = try Self.ack(try setup.record)
        let (pinned, location) = (MoFExportTests.ministry.certificate, setup.location)
        let outcomes = await MoFExportTests.fourAtOnce {
            _ = try MoFAnswers.apply(
                good, .reconciliation, pinned: pinned, store: try TestBackend.open(location), source: "race")
        }
        #expect(outcomes == ["MOF_ACK_REPLAYED", "MOF_ACK_REPLAYED", "MOF_ACK_REPLAYED", "ok"])
        let recorded = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-ack" && $0.result == "accepted"
        }
        #expect(recorded.count == 1)
    }
}
