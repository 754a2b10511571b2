import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaXML

/// Documents a clerk prepares in the browser: the preview decides without writing; the draft, signed as NCALayer
/// signs (inclusive C14N), goes through the pipeline like any document, and its effect is visible at once.
@Suite struct WebDraftTests {
    typealias Browser = WebPageTests.Browser

    /// Signs a preview page's draft as NCALayer would, and posts it from the page's signing form.
    static func signAndSend(_ preview: String, by participant: TestPKI.Participant, _ browser: Browser) async throws
        -> (status: HTTPResponse.Status, location: String?, body: String, headers: HTTPFields)
    {
        let draft = try #require(WebPageTests.textarea("draft", in: preview), "\(preview)")
        let signer = try DocumentSigner(
            keyFile: HTTPTests.pki.keyFile(participant), certificateFile: HTTPTests.pki.certificateFile(participant),
            profile: .ncaLayer)
        let signed = String(decoding: try signer.sign(Array(draft.utf8)), as: UTF8.self)
        return try await browser.open(
            "/upload", method: .post,
            form: [("form_token", try #require(WebPageTests.formToken(in: preview))), ("signed", signed)])
    }

    static func token(_ page: String) throws -> String { try #require(WebPageTests.formToken(in: page)) }

    @Test(arguments: TestBackend.available) func answerPartOfAShipmentAndSeeTheOwnersChange(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend)
        try await WebPageTests.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let upload = try await seller.open("/upload")
            let shipped = try await seller.open(
                "/upload", method: .post, form: [("form_token", try Self.token(upload.body))],
                file: Array(buffer: try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)))
            let id = try #require(
                shipped.body.range(of: "href=\"/documents/").map { start in
                    String(shipped.body[start.upperBound...].prefix { $0 != "\"" })
                })
            let buyer = Browser(client)
            try await buyer.logIn(as: .buyerHead)
            #expect(try await buyer.open("/documents/\(id)").body.contains("id=\"answer-link\""))
            let form = try await buyer.open("/documents/\(id)/answer")
            #expect(form.status == .ok)
            let before = try hub.store.contentFingerprint()
            // Rejected items need a reason: refused, nothing written.
            let noReason = try await buyer.open(
                "/documents/\(id)/answer", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "ANS-1"), ("line", "1"),
                    ("accept", hub.codes[0]),
                ])
            #expect(noReason.status == .badRequest)
            let preview = try await buyer.open(
                "/documents/\(id)/answer", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "ANS-1"), ("line", "1"),
                    ("accept", hub.codes[0]), ("accept", hub.codes[1]), ("reason", "Қаптамасы бүлінген"),
                ])
            #expect(preview.status == .ok, "\(preview.body)")
            #expect(preview.body.contains("id=\"preview-ok\""))
            // A line unticked refuses all of it, its codes ticked or not: the answer is then a rejection.
            let wholeLine = try await buyer.open(
                "/documents/\(id)/answer", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "ANS-2"), ("accept", hub.codes[0]),
                    ("reason", "Тауар жеткізілмеді"),
                ])
            #expect(
                try #require(WebPageTests.textarea("draft", in: wholeLine.body)).contains("<Decision>Reject</Decision>")
            )
            // The preview wrote nothing: no document, no change of owner, no audit of a decision.
            #expect(try hub.store.contentFingerprint() == before)
            let sent = try await Self.signAndSend(preview.body, by: .buyerHead, buyer)
            #expect(sent.status == .ok && sent.body.contains("id=\"result-ok\""), "\(sent.body)")
            let owners = try hub.store.read { tx in try hub.codes.map { try tx.code($0)!.owner } }
            #expect(owners == [HTTPTests.buyer, HTTPTests.buyer, HTTPTests.seller])
            let code = try await buyer.open("/codes/\(Browser.escape(hub.codes[0]))?lang=en")
            #expect(code.body.contains("id=\"code-owner\">\(HTTPTests.buyer)<"))
            // Answered: no second answer.
            #expect(try await buyer.open("/documents/\(id)/answer").status == .unprocessableContent)
            // The seller may not answer its own shipment.
            #expect(try await seller.open("/documents/\(id)/answer").status == .forbidden)
        }
    }

    @Test func createAShipmentFromStockThenCancelIt() async throws {
        let hub = try HTTPTests.hub()
        try await WebPageTests.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let form = try await seller.open("/create/shipment")
            for code in hub.codes { #expect(form.body.contains(WebPageTests.escapeHTML(code))) }
            // One code ticked from stock, one pasted as a scanner gives it (with the GS separator).
            let preview = try await seller.open(
                "/create/shipment", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "SHP-WEB-1"), ("buyer", HTTPTests.buyer),
                    ("price", "1500,00"), ("price_\(HTTPTests.shoes)", "2000,50"), ("vat", "12"),
                    ("code", hub.codes[0]), ("codes", hub.codes[1]),
                ])
            #expect(preview.status == .ok && preview.body.contains("id=\"preview-ok\""), "\(preview.body)")
            // The GTIN's own price, not the price for all; amount and VAT (12 %, included) computed from it.
            let draft = try #require(WebPageTests.textarea("draft", in: preview.body))
            #expect(draft.contains("<UnitPrice>2000.50</UnitPrice>") && draft.contains("<Amount>4001.00</Amount>"))
            #expect(draft.contains("<VATAmount>428.68</VATAmount>"))
            let sent = try await Self.signAndSend(preview.body, by: .companyHead, seller)
            #expect(sent.body.contains("id=\"result-ok\""), "\(sent.body)")
            let id = try #require(
                sent.body.range(of: "href=\"/documents/").map { start in
                    String(sent.body[start.upperBound...].prefix { $0 != "\"" })
                })
            let locked = try hub.store.read { tx in try hub.codes.map { try tx.code($0)!.lockedBy } }
            #expect(locked == [id, id, nil])
            // Cancelled before the buyer answers: the codes are free again.
            let page = try await seller.open("/documents/\(id)")
            #expect(page.body.contains("id=\"cancel-form\""))
            let cancel = try await seller.open(
                "/documents/\(id)/cancel", method: .post,
                form: [("form_token", try Self.token(page.body)), ("reason", "Көлік жоқ")])
            #expect(cancel.body.contains("id=\"preview-ok\""), "\(cancel.body)")
            #expect(try await Self.signAndSend(cancel.body, by: .companyHead, seller).body.contains("result-ok"))
            #expect(try hub.store.read { try $0.code(hub.codes[0])!.lockedBy } == nil)
            #expect(try hub.store.read { try $0.document(id: id)!.status } == .cancelled)
        }
    }

    @Test func withdrawACodeWithAReasonFromReferenceData() async throws {
        let hub = try HTTPTests.hub()
        try await WebPageTests.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let form = try await seller.open("/create/withdrawal?lang=ru")
            #expect(form.body.contains("value=\"damage\""))
            // Damage needs a basis document (reference data): the preview says so in Russian, nothing written.
            let before = try hub.store.contentFingerprint()
            let refused = try await seller.open(
                "/create/withdrawal", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "WDR-1"), ("reason", "damage"),
                    ("date", "2026-11-20"), ("code", hub.codes[2]),
                ])
            #expect(refused.status == .unprocessableContent && refused.body.contains("FLC_BASIS_REQUIRED"))
            try WebPageTests.expectOneLanguage(refused.body, "ru")
            #expect(try hub.store.contentFingerprint() == before)
            let preview = try await seller.open(
                "/create/withdrawal", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "WDR-1"), ("reason", "damage"),
                    ("date", "2026-11-20"), ("basis_number", "АКТ-7"), ("basis_date", "2026-11-20"),
                    ("code", hub.codes[2]),
                ])
            #expect(preview.body.contains("id=\"preview-ok\""), "\(preview.body)")
            #expect(try await Self.signAndSend(preview.body, by: .companyHead, seller).body.contains("result-ok"))
            #expect(try hub.store.read { try $0.code(hub.codes[2])!.status } == .withdrawn)
        }
    }

    @Test func packCodesIntoANewTransportPackage() async throws {
        let hub = try HTTPTests.hub()
        try await WebPageTests.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let form = try await seller.open("/create/aggregation")
            // The package's SSCC as its label's scan gives it (AI 00 in brackets).
            let preview = try await seller.open(
                "/create/aggregation", method: .post,
                form: [
                    ("form_token", try Self.token(form.body)), ("number", "AGG-1"),
                    ("package", "(00)048700010000000066"), ("code", hub.codes[0]), ("code", hub.codes[1]),
                ])
            #expect(preview.body.contains("id=\"preview-ok\""), "\(preview.body)")
            #expect(try await Self.signAndSend(preview.body, by: .companyHead, seller).body.contains("result-ok"))
            let parents = try hub.store.read { tx in try hub.codes.map { try tx.code($0)!.parent } }
            #expect(parents == ["00048700010000000066", "00048700010000000066", nil])
            let package = try await seller.open("/codes/00048700010000000066")
            #expect(package.body.contains(WebPageTests.escapeHTML(hub.codes[0])))
            // The aggregation's own page names the package by its SSCC and opens it to what it holds.
            let outbox = try await seller.open("/outbox")
            let id = try #require(
                outbox.body.range(of: "data-id=\"").map { start in
                    String(outbox.body[start.upperBound...].prefix { $0 != "\"" })
                })
            let document = try await seller.open("/documents/\(id)")
            #expect(document.body.contains("<details><summary><a href=\"/codes/00048700010000000066\">"))
        }
    }

    /// What a clerk types wrong is named, and nothing is prepared: a code that is not one, no code at all, a buyer
    /// id that fails its check digit.
    @Test func badDraftInputIsRefusedNamingIt() async throws {
        let hub = try HTTPTests.hub()
        try await WebPageTests.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let form = try await seller.open("/create/shipment?lang=en")
            let token = try Self.token(form.body)
            let cases: [([(String, String)], String)] = [
                ([("codes", "not-a-code")], "REQUEST_PARAMETER_INVALID"),
                ([], "REQUEST_INVALID"),
                ([("code", hub.codes[0]), ("buyer", "123456789012")], "REQUEST_INVALID"),
            ]
            for (fields, code) in cases {
                var form = [("form_token", token), ("number", "X-1"), ("price", "1"), ("vat", "12")] + fields
                if !fields.contains(where: { $0.0 == "buyer" }) { form.append(("buyer", HTTPTests.buyer)) }
                let answer = try await seller.open("/create/shipment", method: .post, form: form)
                #expect(answer.status == .badRequest, "\(fields)")
                #expect(answer.body.contains(code), "\(fields): \(answer.body)")
            }
        }
    }
}
