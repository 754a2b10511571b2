import Foundation
import HummingbirdTesting
import Logging
import ServiceLifecycle
import TanbaBrowserTestSupport
import TanbaCore
import TanbaSigner
import TanbaStore
import TanbaWeb
import Testing

@testable import TanbaXML

/// The web application in headless Chromium, signing through `tanba signer` as users sign through NCALayer: a
/// head registers the organisation, logs in with the authentication key, creates and signs a shipment from stock;
/// the buyer logs in by uploading a file signed elsewhere, accepts part of the shipment and sees the codes change
/// owner; a refused document's errors in each language; the language switch; a phone's width. The main pages are
/// photographed into `TANBA_SCREENSHOTS` (docs/screenshots: `TANBA_SCREENSHOTS=docs/screenshots swift test --filter
/// WebBrowserTests`), else into a temporary folder. Skipped where chromium and chromedriver are not installed
/// (`make test` installs them).
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: BrowserTests.available,
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver fonts-dejavu-core)")
)
struct WebBrowserTests {
    static let shots: URL = {
        if let folder = ProcessInfo.processInfo.environment["TANBA_SCREENSHOTS"] {
            return URL(fileURLWithPath: folder, relativeTo: HTTPTests.repository)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("tanba-screens-\(UUID().uuidString)")
    }()

    /// A user's local signer with the user's keys, on the port the pages name (chosen before the hub starts: the
    /// pages' content security policy admits that one signer), admitting the hub's pages only. Each user's machine
    /// has its own; here they take turns on the one port.
    static func withSigner<T: Sendable>(
        _ keys: [TestPKI.Participant], port: Int, origin: String, tls: TLSIdentity,
        _ body: @Sendable () async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "signer") { _ in SwiftLogNoOpLogHandler() }
        let (started, continuation) = AsyncStream.makeStream(of: Int.self)
        let keyring = SignerKeyring(
            try keys.map {
                try SignerKey(keyFile: HTTPTests.pki.keyFile($0), certificateFile: HTTPTests.pki.certificateFile($0))
            })
        let server = SignerServer(
            signer: LocalSigner(keyring: keyring), port: port, origins: try OriginPolicy(allowing: [origin]),
            tls: tls, logger: logger, onListening: { continuation.yield($0) })
        return try await withRunningService(server, ports: started, logger: logger) { _ in try await body() }
    }

    @Test func clerksWorkInTheBrowser() async throws {
        let hub = try HTTPTests.hub(registered: false)
        // The buyer registered before (through the core, as the API's tests do); the seller registers in the page.
        let request = try hub.api.core.registrationRequest(roles: ["wholesaler"], groups: ["shoes"])
        _ = try hub.api.core.register(signed: Array(buffer: try HTTPTests.signed(request, by: .buyerHead)))
        let port = try await ChromeDriver.freePort()
        let tls = try TLSIdentity.selfSigned()
        let web = try WebApp(folder: WebPageTests.web, signerURL: "wss://127.0.0.1:\(port)")
        try FileManager.default.createDirectory(at: Self.shots, withIntermediateDirectories: true)
        try await hub.api.application(host: "127.0.0.1", port: 0, channels: [web]).test(.live) { client in
            let origin = "http://127.0.0.1:\(client.port!)"
            try await ChromeDriver.withDriver { driver in
                let pin = ["--ignore-certificate-errors-spki-list=\(tls.spkiSHA256)"]
                try await Self.withSigner(
                    [.companyHead, .companyAuthentication], port: port, origin: origin, tls: tls
                ) {
                    try await driver.withSession(acceptInsecureCerts: false, arguments: pin) { seller in
                        try await Self.sellerRegistersLogsInAndShips(seller, origin: origin, hub: hub)
                    }
                }
                try await Self.withSigner([.buyerHead], port: port, origin: origin, tls: tls) {
                    try await driver.withSession(acceptInsecureCerts: false, arguments: pin) { buyer in
                        try await Self.buyerAcceptsPart(buyer, origin: origin, hub: hub)
                    }
                }
                try await driver.withSession(width: 390, height: 844, acceptLanguage: "ru-RU,ru") { phone in
                    try await phone.navigate(to: "\(origin)/login")
                    #expect(try await phone.findElement(css: "html").attribute("lang") == "ru")
                    try WebPageTests.expectOneLanguage(try await phone.pageSource(), "ru", path: "/login")
                    try await phone.screenshot(to: Self.shots.appendingPathComponent("login-phone-ru.png"))
                }
            }
        }
    }

    /// Clicks the page's signing button and waits for the page the signed form leads to.
    static func sign(_ browser: BrowserSession, then selector: String) async throws {
        try await browser.findElement(css: "#sign-button").click()
        do { _ = try await browser.waitForElement(css: selector, timeout: .seconds(20)) } catch {
            // What the page says instead (the signer's refusal, or the hub's) is the story of the failure.
            let status = (try? await browser.findElement(css: "#sign-status").text()) ?? ""
            let codes = try? await browser.executeScript(
                "return Array.from(document.querySelectorAll('[data-code]')).map(e => e.textContent).join(' | ')")
            Issue.record("no \(selector) after signing: status '\(status)', errors \(String(describing: codes))")
            throw error
        }
    }

    static func sellerRegistersLogsInAndShips(_ browser: BrowserSession, origin: String, hub: HTTPTests.Hub)
        async throws
    {
        // Registration, in Kazakh: roles and groups ticked, the request signed with the head's signing key.
        try await browser.navigate(to: "\(origin)/register?lang=kk")
        try await browser.findElement(css: "input[name=role][value=producer]").click()
        try await browser.findElement(css: "input[name=role][value=wholesaler]").click()
        try await browser.findElement(css: "input[name=group][value=shoes]").click()
        try await browser.screenshot(to: shots.appendingPathComponent("register-kk.png"))
        try await browser.findElement(css: "#register-next").click()
        _ = try await browser.waitForElement(css: "#sign-form")
        try await sign(browser, then: "#participant-id")
        #expect(try await browser.findElement(css: "#participant-id").text() == HTTPTests.seller)
        #expect(
            try hub.store.read { try $0.participant(HTTPTests.seller) }?.representatives.first?.iin == "781112400128")

        // Log out, then in again through the signer with the authentication key.
        try await browser.findElement(css: "#logout").click()
        _ = try await browser.waitForElement(css: "#sign-button")
        try await browser.screenshot(to: shots.appendingPathComponent("login-kk.png"))
        try await sign(browser, then: "table.documents, p.empty")
        #expect(try await browser.currentURL().hasSuffix("/inbox"))

        // A shipment from stock, in English: two codes ticked, previewed, signed.
        try await browser.navigate(to: "\(origin)/create/shipment?lang=en")
        try await browser.findElement(css: "#buyer").sendKeys(HTTPTests.buyer)
        let price = try await browser.findElement(css: "#price")
        try await price.clear()
        try await price.sendKeys("1500.00")
        let boxes = try await browser.findElements(css: "input[name=code]")
        #expect(boxes.count == 3)
        for box in boxes.prefix(2) { try await box.click() }
        try await browser.screenshot(to: shots.appendingPathComponent("create-shipment-en.png"))
        try await browser.findElement(css: "#create-preview").click()
        _ = try await browser.waitForElement(css: "#preview-ok")
        try await browser.screenshot(to: shots.appendingPathComponent("preview-en.png"))
        try await sign(browser, then: "#result-ok")
        try await browser.findElement(css: "#result-document").click()
        _ = try await browser.waitForElement(css: "#document-status")
        #expect(
            try await browser.findElement(css: "#document-status").attribute("data-status") == "waitingForCounterparty")
        try await browser.screenshot(to: shots.appendingPathComponent("document-en.png"))

        // A document the hub refuses (codes that do not exist), uploaded as a file: its errors in each language.
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-bad-\(UUID().uuidString).xml")
        try Data(
            buffer: try HTTPTests.signed(
                HTTPTests.shipment(["0104870001000011215NOSUCHCODE001"]).replacingOccurrences(
                    of: "ESD-HTTP-1", with: "ESD-BAD-1"), by: .companyHead)
        ).write(to: bad)
        try await browser.navigate(to: "\(origin)/upload")
        try await browser.findElement(css: "#upload-file").upload(file: bad)
        try await browser.findElement(css: "#upload-button").click()
        _ = try await browser.waitForElement(css: "#result-refused")
        try await browser.findElement(css: "#result-document").click()
        _ = try await browser.waitForElement(css: "li.error")
        var sentences: Set<String> = []
        for (language, name) in [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")] {
            // The switcher's link, as a user clicks it.
            try await browser.findElement(css: "a[hreflang=\(language)]").click()
            try await browser.waitUntil("the page in \(name)") {
                try await browser.findElement(css: "html").attribute("lang") == language
            }
            let error = try await browser.findElement(css: "li.error")
            #expect(try await error.attribute("data-code")?.isEmpty == false)
            sentences.insert(try await error.findElement(css: "p").text())
            try WebPageTests.expectOneLanguage(try await browser.pageSource(), language, path: "refused document")
            if language == "kk" { try await browser.screenshot(to: shots.appendingPathComponent("refused-kk.png")) }
        }
        #expect(sentences.count == 3, "\(sentences)")
        // The choice is remembered: the next page is in English without asking.
        try await browser.navigate(to: "\(origin)/goods")
        #expect(try await browser.findElement(css: "html").attribute("lang") == "en")
        try await browser.screenshot(to: shots.appendingPathComponent("goods-en.png"))
    }

    static func buyerAcceptsPart(_ browser: BrowserSession, origin: String, hub: HTTPTests.Hub) async throws {
        // Log in with a file signed elsewhere: the challenge from the page, signed with the buyer's key, uploaded.
        try await browser.navigate(to: "\(origin)/login?lang=ru")
        let challenge = try await browser.findElement(css: "#challenge").property("value").string ?? ""
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-login-\(UUID().uuidString).xml")
        try Data(buffer: try HTTPTests.signed(challenge, by: .buyerHead)).write(to: file)
        try await browser.findElement(css: "#login-file").upload(file: file)
        try await browser.findElement(css: "#login-upload").click()
        _ = try await browser.waitForElement(css: "table.documents")
        try await browser.screenshot(to: shots.appendingPathComponent("inbox-ru.png"))
        try WebPageTests.expectOneLanguage(try await browser.pageSource(), "ru", path: "/inbox")

        // The shipment: answer, untick the second code, give the reason, preview, sign with the buyer's signer.
        try await browser.findElement(css: "table.documents a").click()
        try await browser.waitForElement(css: "#answer-link").click()
        let boxes = try await browser.findElements(css: "input[name=accept]")
        #expect(boxes.count == 2)
        let accepted = try #require(try await boxes[0].attribute("value"))
        try await boxes[1].click()
        try await browser.findElement(css: "#reason").sendKeys("Қаптамасы бүлінген")
        try await browser.findElement(css: "#answer-preview").click()
        _ = try await browser.waitForElement(css: "#preview-ok")
        try await sign(browser, then: "#result-ok")
        let owners = try hub.store.read { tx in try hub.codes.map { ($0, try tx.code($0)!.owner) } }
        for (code, owner) in owners { #expect(owner == (code == accepted ? HTTPTests.buyer : HTTPTests.seller)) }
        // The change is visible at once on the code's page.
        try await browser.navigate(to: "\(origin)/codes/\(WebPageTests.Browser.escape(accepted))")
        #expect(try await browser.findElement(css: "#code-owner").text() == HTTPTests.buyer)
        try await browser.screenshot(to: shots.appendingPathComponent("code-ru.png"))
    }
}
