import Foundation
import TanbaBrowserTestSupport
import TanbaSigner
import TanbaXML
import Testing

/// A page in headless Chromium signs a login challenge through `tanba signer`, as it would through NCALayer, and
/// the hub's verifier accepts the signature. Skipped where chromium and chromedriver are not installed.
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: BrowserTests.available,
        "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
)
struct SignerBrowserTests {
    typealias H = SignerHarness

    @Test func aPageSignsTheLoginChallengeWithTheAuthenticationKeyAndTheHubVerifiesIt() async throws {
        let nonce = "browser-\(UUID().uuidString)"
        let html = TestPage.html(challenge: H.challenge(nonce: nonce))
        let (signed, screenshot) = try await TestPage.withServer(html: html) { origin in
            try await H.withSigner(keys: [.companyHead, .companyAuthentication], origins: [origin]) { port, tls in
                try await ChromeDriver.withDriver { driver in
                    // The narrowest trust: this certificate's key and no other (no acceptInsecureCerts).
                    try await driver.withSession(
                        width: 390, height: 844, acceptInsecureCerts: false,
                        arguments: ["--ignore-certificate-errors-spki-list=\(tls.spkiSHA256)"]
                    ) { browser in
                        try await Self.signOnPage(
                            browser, url: "\(origin)/?port=\(port)&oid=\(SignerProtocol.authenticationOID)")
                    }
                }
            }
        }
        let document = try XMLDocument.parse(Array(signed.utf8))
        let verified = try H.verifier(purposes: [.signing, .authentication]).verify(document)
        #expect(verified.signer.iin == "781112400128")
        #expect(verified.signer.keyPurposes == [.authentication])
        #expect(verified.canonicalization == XMLDSigURI.inclusiveC14N)
        #expect(signed.contains(nonce))
        // The hub's document verifier (signing keys only) refuses the same signature: a login must say it accepts
        // authentication keys.
        #expect(throws: (any Error).self) { try H.verifier().verify(try XMLDocument.parse(Array(signed.utf8))) }
        #expect(screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func aPageFromAnOriginNotAllowedCannotReachTheSigner() async throws {
        let html = TestPage.html(challenge: H.challenge())
        let status = try await TestPage.withServer(html: html) { origin in
            // The signer allows another page only.
            try await H.withSigner(keys: [.companyAuthentication], origins: ["https://hub.example.kz"]) { port, _ in
                try await ChromeDriver.withDriver { driver in
                    try await driver.withSession { browser in
                        try await browser.navigate(
                            to: "\(origin)/?port=\(port)&oid=\(SignerProtocol.authenticationOID)")
                        try await browser.findElement(css: "#sign").click()
                        let status = try await browser.findElement(css: "#status")
                        try await browser.waitUntil("the page's refusal") { try await status.text().hasPrefix("error") }
                        let answer = try await browser.findElement(css: "#answer").property("value")
                        #expect(answer.string == "")
                        return try await status.text()
                    }
                }
            }
        }
        #expect(status == "error SIGNER_UNREACHABLE")
    }

    @Test func aPageAskingForAKeyTheSignerLacksGetsTheCode() async throws {
        let html = TestPage.html(challenge: H.challenge())
        let status = try await TestPage.withServer(html: html) { origin in
            try await H.withSigner(keys: [.companyHead], origins: [origin]) { port, _ in
                try await ChromeDriver.withDriver { driver in
                    try await driver.withSession { browser in
                        try await browser.navigate(
                            to: "\(origin)/?port=\(port)&oid=\(SignerProtocol.authenticationOID)")
                        try await browser.findElement(css: "#sign").click()
                        let status = try await browser.findElement(css: "#status")
                        try await browser.waitUntil("the signer's refusal") {
                            try await status.text().hasPrefix("error")
                        }
                        return try await status.text()
                    }
                }
            }
        }
        #expect(status.hasPrefix("error SIGNER_KEY_NOT_FOUND: "))
    }

    /// Clicks the page's button, waits for the signed XML, and takes a screenshot of the result.
    static func signOnPage(_ browser: BrowserSession, url: String) async throws -> (String, [UInt8]) {
        try await browser.navigate(to: url)
        #expect(try await browser.title().hasPrefix("Кіру"))
        try await browser.waitForElement(css: "#sign").click()
        let status = try await browser.findElement(css: "#status")
        try await browser.waitUntil("the signature", timeout: .seconds(20)) { try await status.text() != "signing" }
        let outcome = try await status.text()
        #expect(outcome == "signed")
        let signed = try await browser.findElement(css: "#answer").property("value").string ?? ""
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("signer-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        try await browser.screenshot(to: file)
        return (signed, Array(try Data(contentsOf: file)))
    }
}
