import Foundation
import HummingbirdTesting
import TanbaBrowserTestSupport
import TanbaCore
import TanbaDomain
import TanbaStore
import TanbaWeb
import Testing

@testable import TanbaXML

/// The public side in headless Chromium at a phone's size: a code checked in each language by typing it and by
/// uploading a photo of a label the hub printed; a violation filed from the result; an inspector finds it in the
/// workspace and confirms it; the reporter sees the new status. Screenshots as in `WebBrowserTests`, in whose
/// serialized suite it runs: two browser tests at once raced for a free port.
extension WebBrowserTests {
    static let verdicts: [String: String] = ["kk": "Түпнұсқа код", "ru": "Подлинный код", "en": "Genuine code"]

    @Test func checkReportAndConfirmFromAPhone() async throws {
        let world = try await PublicCheckTests.world(.sqlite)
        let hub = world.hub
        try hub.store.write { tx in
            try tx.save(
                try Participant(id: TestPKI.operatorBIN, name: "Инспекция", isOrganisation: true, roles: [.stateBody]))
        }
        let code = world.introduced[0]
        let typed = GS1.bracketed(hub.api.core.reference.codeFormat(ofGroup: "shoes")!.elements(of: code))
        // The label the hub prints for the code, photographed by a phone (turned, soft, JPEG).
        let label = try hub.api.core.codeLabel(code.id, as: Caller(participant: HTTPTests.seller))
        let photo = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-label-\(UUID().uuidString).jpg")
        try Data(try PhotoCheckTests.photo(of: label.symbol.text)).write(to: photo)
        try FileManager.default.createDirectory(at: Self.shots, withIntermediateDirectories: true)
        let web = try WebApp(folder: WebPageTests.web)
        try await hub.api.application(host: "127.0.0.1", port: 0, channels: [web]).test(.live) { client in
            let origin = "http://127.0.0.1:\(client.port!)"
            try await ChromeDriver.withDriver { driver in
                for language in ["kk", "ru", "en"] {
                    try await driver.withSession(width: 390, height: 844, acceptLanguage: language) { phone in
                        try await phone.navigate(to: "\(origin)/check")
                        #expect(try await phone.findElement(css: "html").attribute("lang") == language)
                        try await phone.findElement(css: "#check-code-input").sendKeys(typed)
                        try await phone.findElement(css: "#check-button").click()
                        let verdict = try await phone.waitForElement(css: "#check-authenticity").text()
                        #expect(verdict == Self.verdicts[language], "\(language): \(verdict)")
                        try WebPageTests.expectOneLanguage(try await phone.pageSource(), language, path: "/check")
                        try await phone.screenshot(
                            to: Self.shots.appendingPathComponent("check-phone-\(language).png"))
                        // The same code from a photo of its label (the first answer removed, so that the one
                        // waited for is the photo's).
                        _ = try await phone.executeScript("document.getElementById('check-result').remove()")
                        try await phone.findElement(css: "#check-photo").upload(file: photo)
                        try await phone.findElement(css: "#check-button").click()
                        let again = try await phone.waitForElement(css: "#check-code").text()
                        #expect(again == code.id)
                        #expect(try await phone.findElement(css: "#check-result").attribute("data-verdict") == "good")
                    }
                }
                // A violation from the result, in Russian; the reporter keeps the reference.
                let reference = try await driver.withSession(width: 390, height: 844, acceptLanguage: "ru") { phone in
                    try await phone.navigate(to: "\(origin)/check?code=\(WebPageTests.Browser.escape(code.id))")
                    try await phone.waitForElement(css: "#report-link").click()
                    _ = try await phone.waitForElement(css: "#report-form")
                    _ = try await phone.executeScript(
                        "document.getElementById('report-kind').value = 'notInCirculation';"
                            + "document.getElementById('report-region').value = 'KZ-75';")
                    try await phone.findElement(css: "#report-shop").sendKeys("Дүкен «Береке»")
                    try await phone.findElement(css: "#report-address").sendKeys("Алматы, Абай даңғылы 10")
                    try await phone.findElement(css: "#report-photo").upload(file: photo)
                    try await phone.findElement(css: "#report-button").click()
                    let reference = try await phone.waitForElement(css: "#report-reference").text()
                    #expect(try await phone.findElement(css: "#report-status").attribute("data-status") == "new")
                    try await phone.screenshot(to: Self.shots.appendingPathComponent("report-phone-ru.png"))
                    return reference
                }
                #expect(Violations.isReference(reference))
                // The inspector logs in (a file signed elsewhere), finds the report by region and kind, confirms it.
                try await driver.withSession { inspector in
                    try await inspector.navigate(to: "\(origin)/login?lang=kk")
                    let challenge = try await inspector.findElement(css: "#challenge").property("value").string ?? ""
                    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                        "tanba-login-\(UUID().uuidString).xml")
                    try Data(buffer: try HTTPTests.signed(challenge, by: .hub)).write(to: file)
                    try await inspector.findElement(css: "#login-file").upload(file: file)
                    try await inspector.findElement(css: "#login-upload").click()
                    try await inspector.waitForElement(css: "#nav-violations").click()
                    _ = try await inspector.executeScript(
                        "document.getElementById('f-region').value = 'KZ-75';"
                            + "document.getElementById('f-kind').value = 'notInCirculation';")
                    try await inspector.findElement(css: "#violations-apply").click()
                    // The unfiltered list shows the report too: wait for the filtered page, or the row clicked may
                    // be the old page's.
                    try await inspector.waitUntil("the filtered list") {
                        try await inspector.currentURL().contains("region=KZ-75")
                    }
                    try await inspector.waitForElement(css: "tr[data-reference='\(reference)'] a").click()
                    _ = try await inspector.waitForElement(css: "#violation-photo")
                    _ = try await inspector.executeScript(
                        "document.getElementById('violation-new-status').value = 'confirmed';")
                    try await inspector.findElement(css: "#violation-comment").sendKeys("Тексерілді, хаттама жасалды")
                    try await inspector.findElement(css: "#violation-save").click()
                    _ = try await inspector.waitForElement(css: "#violation[data-status='confirmed']")
                    try await inspector.screenshot(to: Self.shots.appendingPathComponent("violation-kk.png"))
                }
                // The reporter sees the new status by the reference.
                try await driver.withSession(width: 390, height: 844, acceptLanguage: "ru") { phone in
                    try await phone.navigate(to: "\(origin)/report/status?reference=\(reference)")
                    _ = try await phone.waitForElement(css: "#report-status[data-status='confirmed']")
                    #expect(try await phone.findElement(css: "#report-status-text").text() == "Подтверждено")
                }
            }
        }
        let steps = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.map(\.action)
        #expect(steps.contains("web-report") && steps.contains("web-violation-status"))
    }
}
