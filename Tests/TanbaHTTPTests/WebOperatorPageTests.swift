import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaXML

/// The operators' outbox page, on both stores, in each language. Failure modes: a participant who is no operator
/// seeing every participant's messages; a delivered or never-failed message sent again (a duplicate to a state
/// system); a misspelt filter taken as no filter; a page with a phrase of another language.
@Suite struct WebOperatorPageTests {
    typealias Browser = WebPageTests.Browser

    @Test(arguments: TestBackend.available)
    func anOperatorSeesTheQueueAndSendsADeadMessageAgainOnce(_ backend: TestBackend) async throws {
        let hub = try HTTPTests.hub(backend)
        try hub.store.write { tx in
            try tx.save(
                try Participant(id: TestPKI.operatorBIN, name: "Оператор", isOrganisation: true, roles: [.operator]))
            try tx.enqueue(
                (0..<3).map {
                    OutboundMessage(
                        channel: "eaeu", kind: "P.LS.03.MSG.001", idempotencyKey: "web-\($0)", body: Array("<m/>".utf8))
                })
        }
        let now = Date()
        let taken = try hub.store.write {
            try $0.claim(channel: "eaeu", limit: 2, worker: "w", now: now, leaseUntil: now + 60)
        }
        try hub.store.write {
            _ = try $0.markFailed(taken[0].seq, error: "refused: wrong signer", retryAt: now, dead: true)
            _ = try $0.markDelivered(taken[1].seq, reply: nil, at: now)
        }
        try await WebPageTests.application(hub).test(.live) { client in
            let operatorBrowser = Browser(client)
            try await operatorBrowser.logIn(as: .hub)
            for (language, dead) in [("kk", "тоқтатылды (өлі)"), ("ru", "отложено (мёртвое)"), ("en", "given up")] {
                operatorBrowser.language = language
                let page = try await operatorBrowser.open("/operator/outbox?state=dead")
                #expect(page.status == .ok, "\(page.body)")
                #expect(page.body.contains("data-seq=\"\(taken[0].seq)\"") && page.body.contains(dead))
                #expect(page.body.contains("refused: wrong signer") && page.body.contains("id=\"outbox-counts\""))
                #expect(!page.body.contains("data-seq=\"\(taken[1].seq)\""))
                try WebPageTests.expectOneLanguage(page.body, language, path: "/operator/outbox")
            }
            operatorBrowser.language = "en"
            let page = try await operatorBrowser.open("/operator/outbox?state=dead")
            let token = try #require(WebPageTests.formToken(in: page.body))
            let resent = try await operatorBrowser.open(
                "/operator/outbox/\(taken[0].seq)/resend", method: .post, form: [("form_token", token)])
            #expect(resent.status == .seeOther && resent.location == "/operator/outbox?state=pending")
            let pending = try hub.store.read { try $0.queued(OutboxFilter(state: .pending)) }
            #expect(pending.map(\.seq).contains(taken[0].seq) && pending.allSatisfy { $0.attempts == 0 })
            // Again, and a delivered one: refused by name, nothing changed.
            for seq in [taken[0].seq, taken[1].seq] {
                let again = try await operatorBrowser.open(
                    "/operator/outbox/\(seq)/resend", method: .post, form: [("form_token", token)])
                #expect(again.status == .badRequest && again.body.contains("OUTBOX_NOT_RESENDABLE"), "\(again.body)")
            }
            #expect(try hub.store.read { try $0.queued(OutboxFilter(state: .delivered)) }.map(\.seq) == [taken[1].seq])
            let misspelt = try await operatorBrowser.open("/operator/outbox?state=lost")
            #expect(
                misspelt.status == .badRequest && misspelt.body.contains("REQUEST_PARAMETER_INVALID"),
                "\(misspelt.body)")

            // A participant is no operator: neither the page nor sending again.
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            #expect(try await seller.open("/operator/outbox").status == .forbidden)
            let sellerPage = try await seller.open("/inbox")
            let sellerToken = try #require(WebPageTests.formToken(in: sellerPage.body))
            let forbidden = try await seller.open(
                "/operator/outbox/\(taken[0].seq)/resend", method: .post, form: [("form_token", sellerToken)])
            #expect(forbidden.status == .forbidden)
        }
    }
}
