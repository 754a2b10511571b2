import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The operators' list of reconciliation reports (`HubCore.mofReconciliations`, the one function behind the API, the
/// web page and `tanba mof reconciliations`), on both stores. Failure modes: a report repeated or skipped between
/// pages (two queued in the same instant, a page ending between them), a last page that promises another, a cursor
/// the list did not give out (the exports' list's among them) read as some position, someone who is no operator
/// reading every participant's shipments, a report's delivery and acknowledgement not shown, and the lists' JSON
/// changing shape now that both share their status fields.
@Suite struct MoFReconciliationListTests {
    /// A core over a store holding `MoFExportFixture.threeReconciliations`, and one of the hub's operators.
    static func pagedList(_ backend: TestBackend) throws -> (CoreFixture, Caller, [MoFReconciliationRecord]) {
        let fixture = try CoreFixture(backend)
        try fixture.store.write {
            try $0.save(
                try Participant(id: CoreFixture.inspector, name: "Оператор", isOrganisation: true, roles: [.operator]))
        }
        return (
            fixture, Caller(participant: CoreFixture.inspector),
            try MoFExportFixture.threeReconciliations(in: fixture.store)
        )
    }

    @Test(arguments: TestBackend.available)
    func threeReportsPagedTwoAtATimeComeEachOnceNewestFirstAndTheLastPageHasNoNext(_ backend: TestBackend) throws {
        let (fixture, caller, reports) = try Self.pagedList(backend)
        var pages: [[String]] = []
        var after: String?
        repeat {
            let page = try fixture.core.mofReconciliations(
                [("limit", "2")] + (after.map { [("after", $0)] } ?? []), as: caller)
            pages.append(page.reconciliations.map(\.id))
            after = page.next
        } while after != nil && pages.count < 10
        #expect(pages.map(\.count) == [2, 1])
        #expect(pages.flatMap { $0 } == reports.map(\.id))
        // Exactly as many as asked for is the last page too; "no more pages" is written as null.
        let whole = try fixture.core.mofReconciliations([("limit", "3")], as: caller)
        #expect(whole.reconciliations.map(\.id) == reports.map(\.id) && whole.next == nil)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(whole)) as? [String: Any]
        #expect(json?["next"] is NSNull && (json?["reconciliations"] as? [Any])?.count == 3)
        // The store's page itself, as the other channels have it.
        let stored = try fixture.store.read { try $0.mofReconciliationPage(after: nil, limit: 2) }
        #expect(stored.reports.map(\.id) == Array(reports.prefix(2).map(\.id)) && stored.next != nil)
    }

    @Test(arguments: TestBackend.available)
    func aCursorTheListDidNotGiveOutABadLimitAndANonOperatorAreRefusedByTheirCodes(_ backend: TestBackend) throws {
        let (fixture, caller, _) = try Self.pagedList(backend)
        let real = try #require(try fixture.core.mofReconciliations([("limit", "2")], as: caller).next)
        for (what, cursor) in MoFExportFixture.badCursors(from: real, of: MoFReconciliationRecord.self) + [
            ("empty", "")
        ] {
            let error = expectCode(.requestParameterInvalid, what) {
                _ = try fixture.core.mofReconciliations([("limit", "2"), ("after", cursor)], as: caller)
            }
            #expect(error?.message.hasPrefix("query parameter 'after'") == true, "\(what): \(error?.message ?? "")")
        }
        for limit in ["0", "201", "two"] {
            let error = expectCode(.requestParameterInvalid, limit) {
                _ = try fixture.core.mofReconciliations([("limit", limit)], as: caller)
            }
            #expect(error?.message.hasPrefix("query parameter 'limit'") == true, "\(error?.message ?? "")")
        }
        expectCode(.requestParameterInvalid) {
            _ = try fixture.core.mofReconciliations([("state", "dead")], as: caller)
        }
        #expect(try fixture.core.mofReconciliations([("after", real)], as: caller).reconciliations.count == 1)
        // The operator check comes first: a participant learns nothing of the list, not even its refusals.
        expectCode(.authForbidden) {
            _ = try fixture.core.mofReconciliations(
                [("after", "not a cursor!")], as: Caller(participant: CoreFixture.seller))
        }
    }

    /// Both lists write their records flat, as before they shared `MoFStatusView`: the same keys, the nil ones left
    /// out, the status's beside the record's own.
    @Test(arguments: TestBackend.available)
    func aReportsDeliveryAndAcknowledgementAreShownFlatBesideItsFindings(_ backend: TestBackend) throws {
        let (fixture, caller, reports) = try Self.pagedList(backend)
        let compared = try #require(reports.last)
        try fixture.store.write {
            _ = try $0.acknowledgeReconciliation(compared.id, state: .rejected, at: Date(), reason: "not reconciled")
            try $0.enqueue([
                OutboundMessage(
                    channel: "mof", kind: "MOF.RECONCILIATION.1", idempotencyKey: compared.id,
                    body: Array("<r/>".utf8))
            ])
        }
        let clock = Date() + 5
        let taken = try fixture.store.write {
            try $0.claim(channel: "mof", limit: 1, worker: "w", now: clock, leaseUntil: clock + 60)
        }
        try fixture.store.write {
            _ = try $0.markFailed(taken[0].seq, error: "HTTP 503 from the Ministry", retryAt: clock, dead: false)
        }
        let page = try fixture.core.mofReconciliations([], as: caller)
        let shown = try #require(page.reconciliations.last)
        #expect(shown.id == compared.id && shown.acknowledgement == "rejected" && shown.reason == "not reconciled")
        #expect(shown.delivery == "pending (1 failed)" && shown.lastError == "HTTP 503 from the Ministry")
        #expect(shown.sntWithoutShipment == 4 && shown.quantitiesDiffer == 5 && shown.partiesDiffer == 6)
        let json = try #require(
            (try JSONSerialization.jsonObject(with: JSONEncoder().encode(page)) as? [String: Any])?["reconciliations"]
                as? [[String: Any]])
        #expect(
            Set(json[2].keys) == [
                "id", "from", "to", "createdAt", "withoutSNT", "sntWithoutShipment", "quantitiesDiffer",
                "partiesDiffer", "sha256", "acknowledgement", "acknowledgedAt", "reason", "delivery", "deliveryState",
                "failedAttempts", "lastError",
            ])
        #expect(json[2]["failedAttempts"] as? Int == 1 && json[2]["deliveryState"] as? String == "pending")
        // Nothing compared, nothing queued, no answer: those keys are left out, as before.
        #expect(
            Set(json[0].keys) == [
                "id", "from", "to", "createdAt", "withoutSNT", "sha256", "acknowledgement",
                "failedAttempts",
            ])
        let export = MoFExportView(
            MoFExportRecord(
                id: "e", mode: .daily, fromDay: "2026-11-20", toDay: "2026-11-20", createdAt: Date(),
                counts: [.withdrawal: 2], digest: "d", size: 9),
            message: nil)
        let exportJSON = try JSONSerialization.jsonObject(with: JSONEncoder().encode(export)) as? [String: Any]
        #expect(
            Set((exportJSON ?? [:]).keys) == [
                "id", "mode", "from", "to", "createdAt", "counts", "total", "sha256", "size", "acknowledgement",
                "failedAttempts",
            ])
    }
}
