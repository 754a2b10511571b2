import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaBarcode
import TanbaCore
import TanbaDomain
import TanbaHTTP
import TanbaStore
import TanbaStoreTestSupport
import TanbaWeb
import Testing

@testable import TanbaXML

/// The public pages and the inspectors' workspace as a browser without JavaScript uses them, on both stores:
/// check a code in each language, report a violation and follow it, an inspector finds it and confirms it.
@Suite struct WebPublicPageTests {
    typealias Browser = WebPageTests.Browser

    @Test(arguments: TestBackend.available)
    func checkReportAndInspectInThreeLanguages(_ backend: TestBackend) async throws {
        let world = try await PublicCheckTests.world(backend)
        let hub = world.hub
        try hub.store.write { tx in
            try tx.save(
                try Participant(id: TestPKI.operatorBIN, name: "Инспекция", isOrganisation: true, roles: [.stateBody]))
        }
        let code = PublicCheckTests.scanned(world.introduced[0], hub)
        let expected: [String: (String, String)] = [
            "kk": ("Түпнұсқа код", "Айналымда: сатуға болады"), "ru": ("Подлинный код", "В обороте: может продаваться"),
            "en": ("Genuine code", "In circulation: may be sold"),
        ]
        try await WebPageTests.application(hub).test(.live) { client in
            for language in ["kk", "ru", "en"] {
                let visitor = Browser(client)
                let form = try await visitor.open("/check?lang=\(language)")
                #expect(form.status == .ok && form.body.contains("id=\"check-photo\""))
                #expect(form.body.contains("capture=\"environment\""))
                try WebPageTests.expectOneLanguage(form.body, language, path: "/check")
                let checked = try await visitor.open(
                    "/check", method: .post,
                    form: [("form_token", try #require(WebPageTests.formToken(in: form.body))), ("code", code)])
                #expect(checked.status == .ok)
                #expect(checked.body.contains(expected[language]!.0) && checked.body.contains(expected[language]!.1))
                #expect(checked.body.contains("data-verdict=\"good\"") && checked.body.contains("2026-11-19"))
                #expect(!checked.body.contains(HTTPTests.buyer))
                try WebPageTests.expectOneLanguage(checked.body, language, path: "/check (result)")
            }
            // A forged code reads as such, and leads to the report form with the code filled in.
            let visitor = Browser(client)
            visitor.language = "ru"
            var forged = Array(code)
            forged[forged.count - 1] = forged.last == "Q" ? "R" : "Q"
            let answer = try await visitor.open("/check?code=\(Browser.escape(String(forged)))")
            #expect(answer.body.contains("data-verdict=\"bad\"") && answer.body.contains("Поддельный код"))
            let reportForm = try await visitor.open("/report?code=\(Browser.escape(world.introduced[0].id))")
            #expect(reportForm.body.contains("value=\"\(world.introduced[0].id)\""))
            // A report without a shop: the form again, the problem named, nothing filed.
            let token = try #require(WebPageTests.formToken(in: reportForm.body))
            let refused = try await visitor.open(
                "/report", method: .post,
                form: [("form_token", token), ("kind", "notGenuine"), ("code", world.introduced[0].id), ("shop", "")])
            #expect(refused.status == .badRequest && refused.body.contains("VIOLATION_INVALID"))
            // No report (the forged code checked above may have raised a signal by now: the journal's thread).
            var reports = ViolationFilter()
            reports.source = .report
            #expect(try hub.store.read { try $0.violations(reports) }.reports.isEmpty)
            let filed = try await visitor.open(
                "/report", method: .post,
                form: [
                    ("form_token", token), ("kind", "notGenuine"), ("code", world.introduced[0].id),
                    ("shop", "Дүкен «Береке»"), ("address", "Алматы, Абай 10"), ("region", "KZ-75"),
                    ("description", "Этикетка другая"),
                ])
            #expect(filed.status == .seeOther, "\(filed.body)")
            let statusPath = try #require(filed.location)
            let reference = String(statusPath.dropFirst("/report/".count))
            #expect(try await visitor.open(statusPath).body.contains("data-status=\"new\""))
            // The inspector finds it by region and kind, opens it with the code's history, confirms it.
            let inspector = Browser(client)
            try await inspector.logIn(as: .hub)
            let list = try await inspector.open("/violations?region=KZ-75&kind=notGenuine")
            #expect(
                list.body.contains("data-reference=\"\(reference)\"") && list.body.contains("id=\"nav-violations\""))
            let opened = try await inspector.open("/violations/\(reference)")
            #expect(opened.body.contains("Дүкен «Береке»") && opened.body.contains("IP-PUBLIC") == false)
            #expect(opened.body.contains("<td>") && opened.body.contains(HTTPTests.seller))
            let decided = try await inspector.open(
                "/violations/\(reference)/status", method: .post,
                form: [
                    ("form_token", try #require(WebPageTests.formToken(in: opened.body))), ("expected", "new"),
                    ("status", "confirmed"), ("comment", "Тексерілді"),
                ])
            #expect(decided.status == .seeOther)
            // A second decision made on the old page: refused, the page shows the report as it is now.
            let stale = try await inspector.open(
                "/violations/\(reference)/status", method: .post,
                form: [
                    ("form_token", try #require(WebPageTests.formToken(in: opened.body))), ("expected", "new"),
                    ("status", "dismissed"),
                ])
            #expect(stale.status == .badRequest && stale.body.contains("VIOLATION_STATUS_CHANGED"))
            #expect(stale.body.contains("data-status=\"confirmed\""))
            // The reporter sees the new status, not the comment.
            let status = try await visitor.open(statusPath)
            #expect(status.body.contains("data-status=\"confirmed\"") && status.body.contains("Подтверждено"))
            #expect(!status.body.contains("Тексерілді"))
            // A participant is no inspector.
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            #expect(try await seller.open("/violations").status == .forbidden)
            #expect(!(try await seller.open("/inbox").body.contains("nav-violations")))
        }
        let audit = try hub.store.read { try $0.audit(after: 0, limit: 1000) }
        #expect(audit.contains { $0.action == "web-report" && $0.channel == "web" })
        #expect(audit.filter { $0.action == "web-violation-status" }.count == 2)
    }
}

/// Labels from the workspace: an order's codes as A4 sheets for the participant they were issued to, the next
/// batch linked; one code's PNG reads back as the code; nobody else gets them.
@Test func labelsFromTheWorkspaceReadBack() async throws {
    let world = try await PublicCheckTests.world(.sqlite)
    let hub = world.hub
    try await WebPageTests.application(hub).test(.live) { client in
        let seller = WebPageTests.Browser(client)
        try await seller.logIn(as: .companyHead)
        let sheets = try await seller.open("/documents/ORDER-PUBLIC/labels")
        #expect(sheets.status == .ok && sheets.body.components(separatedBy: "<svg").count - 1 == 1)
        #expect(sheets.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src") == false)
        let code = world.introduced[0]
        let png = try await client.execute(
            uri: "/codes/\(WebPageTests.Browser.escape(code.id))/label?format=png", method: .get,
            headers: seller.headers
        ) { [UInt8](Data(buffer: $0.body)) }
        #expect(try BarcodeReader.decode(Data(png)) == [PublicCheckTests.scanned(code, hub)])
        let buyer = WebPageTests.Browser(client)
        try await buyer.logIn(as: .buyerHead)
        #expect(try await buyer.open("/documents/ORDER-PUBLIC/labels").status == .notFound)
        #expect(try await buyer.open("/codes/\(WebPageTests.Browser.escape(code.id))/label").status == .notFound)
    }
}
