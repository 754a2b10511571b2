import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TanbaCore
import TanbaDomain
import TanbaHTTP
import TanbaStore
import TanbaStoreTestSupport
import TanbaWeb
import Testing

@testable import TanbaXML

/// The web application's pages over real HTTP on loopback, as a browser without JavaScript uses them: log in by
/// uploading a signed challenge, read the inbox and a document, upload a signed document, switch language, log out;
/// and what a browser must not be able to do: post a form another site made, use a session after logout.
@Suite struct WebPageTests {
    static let web = HTTPTests.repository.appendingPathComponent("web")

    /// A browser: its cookies, kept between requests as a browser keeps them.
    final class Browser: @unchecked Sendable {
        var cookies: [String: String] = [:]
        let client: any TestClientProtocol
        var language: String?

        init(_ client: some TestClientProtocol) { self.client = client }

        var headers: HTTPFields {
            var headers = HTTPFields()
            if !cookies.isEmpty {
                headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                    separator: "; ")
            }
            if let language { headers[.acceptLanguage] = language }
            return headers
        }

        /// A page: status, `Location`, body; the cookies it sets are kept (Max-Age=0 deletes).
        func open(
            _ uri: String, method: HTTPRequest.Method = .get, form: [(String, String)]? = nil, file: [UInt8]? = nil,
            fileField: String = "file"
        )
            async throws -> (status: HTTPResponse.Status, location: String?, body: String, headers: HTTPFields)
        {
            var headers = self.headers
            var body: ByteBuffer?
            if let file {
                let boundary = "tanba-test-boundary"
                var text = ""
                for (name, value) in form ?? [] {
                    text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
                }
                var bytes = Array(text.utf8)
                bytes += Array(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(fileField)\"; filename=\"doc.xml\"\r\nContent-Type: text/xml\r\n\r\n"
                        .utf8)
                bytes += file + Array("\r\n--\(boundary)--\r\n".utf8)
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                body = ByteBuffer(bytes: bytes)
            } else if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(
                    string: form.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&"))
            }
            return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                for cookie in response.headers[values: .setCookie] {
                    let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                    if cookie.contains("Max-Age=0") {
                        self.cookies[pair[0]] = nil
                    } else {
                        self.cookies[pair[0]] = pair.count > 1 ? pair[1] : ""
                    }
                }
                return (response.status, response.headers[.location], String(buffer: response.body), response.headers)
            }
        }

        static func escape(_ text: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }

        /// Logs in as the browser of a user without NCALayer does: the challenge from the login page, signed with
        /// the user's key elsewhere, uploaded with the page's form token.
        func logIn(as participant: TestPKI.Participant) async throws {
            let page = try await open("/login")
            #expect(page.status == .ok)
            let challenge = try #require(WebPageTests.textarea("challenge", in: page.body))
            let signed = try HTTPTests.signed(challenge, by: participant)
            let answer = try await open(
                "/login", method: .post, form: [("form_token", try #require(WebPageTests.formToken(in: page.body)))],
                file: Array(buffer: signed))
            #expect(answer.status == .seeOther && answer.location == "/inbox", "\(answer.body)")
            #expect(cookies["tanba_session"] != nil)
        }
    }

    static func textarea(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\""), let open = html[start.upperBound...].range(of: ">"),
            let close = html[open.upperBound...].range(of: "</textarea>")
        else { return nil }
        return unescape(String(html[open.upperBound..<close.lowerBound]))
    }

    static func formToken(in html: String) -> String? {
        guard let start = html.range(of: "name=\"form_token\" value=\""),
            let end = html[start.upperBound...].firstIndex(of: "\"")
        else { return nil }
        return String(html[start.upperBound..<end])
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func application(_ hub: HTTPTests.Hub) throws -> some ApplicationProtocol {
        hub.api.application(host: "127.0.0.1", port: 0, channels: [try WebApp(folder: web)])
    }

    @Test(arguments: TestBackend.available) func logInShipReadAndLogOut(_ backend: TestBackend) async throws {
        let hub = try HTTPTests.hub(backend)
        try await Self.application(hub).test(.live) { client in
            let seller = Browser(client)
            // No session: every page sends the visitor to the login page.
            #expect(try await seller.open("/inbox").location == "/login")
            try await seller.logIn(as: .companyHead)
            let inbox = try await seller.open("/inbox")
            #expect(inbox.status == .ok)
            #expect(inbox.headers[.contentType] == "text/html; charset=utf-8")
            #expect(inbox.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            let upload = try await seller.open("/upload")
            let shipped = try await seller.open(
                "/upload", method: .post, form: [("form_token", try #require(Self.formToken(in: upload.body)))],
                file: Array(buffer: try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)))
            #expect(shipped.status == .ok, "\(shipped.body)")
            #expect(shipped.body.contains("id=\"result-ok\""))
            let outbox = try await seller.open("/outbox?lang=en")
            #expect(outbox.body.contains("ESD-HTTP-1") && outbox.body.contains("Waiting for the counterparty"))
            // Its totals: the three codes it locked and its amount, written as English writes numbers.
            #expect(outbox.body.contains("<span class=\"items\">3 codes</span>"))
            #expect(outbox.body.contains("<span class=\"amount\">300.00 ₸</span>"))

            let buyer = Browser(client)
            try await buyer.logIn(as: .buyerHead)
            let list = try await buyer.open("/inbox?lang=en")
            #expect(list.body.contains("ESD-HTTP-1"))
            let id = try #require(
                list.body.range(of: "data-id=\"").map { start in
                    String(list.body[start.upperBound...].prefix { $0 != "\"" })
                })
            let document = try await buyer.open("/documents/\(id)")
            #expect(document.status == .ok)
            for code in hub.codes { #expect(document.body.contains(Self.escapeHTML(code))) }
            #expect(document.body.contains("id=\"signer-name\""))
            // Search by number finds it; by code opens the code's page.
            #expect(try await buyer.open("/inbox?q=ESD-HTTP-1").body.contains("data-id=\"\(id)\""))
            let byCode = try await buyer.open("/inbox?q=\(Browser.escape(hub.codes[0]))")
            #expect(byCode.status == .seeOther && byCode.location?.hasPrefix("/codes/") == true)

            // Someone else's document is not shown.
            let stranger = Browser(client)
            try await stranger.logIn(as: .entrepreneur)
            let refused = try await stranger.open("/documents/\(id)")
            #expect(refused.status == .forbidden || refused.status == .notFound)
            #expect(!refused.body.contains("ESD-HTTP-1"))

            // Logout ends the session: the old cookie opens nothing.
            let cookie = try #require(seller.cookies["tanba_session"])
            let page = try await seller.open("/inbox")
            let out = try await seller.open(
                "/logout", method: .post, form: [("form_token", try #require(Self.formToken(in: page.body)))])
            #expect(out.status == .seeOther && seller.cookies["tanba_session"] == nil)
            seller.cookies["tanba_session"] = cookie
            #expect(try await seller.open("/inbox").location == "/login")
        }
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// A form another site made carries no form token of ours (it cannot read our pages): refused, nothing stored.
    @Test func formWithoutItsPagesTokenIsRefusedAndChangesNothing() async throws {
        let hub = try HTTPTests.hub()
        try await Self.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let before = try hub.store.contentFingerprint()
            let document = Array(buffer: try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead))
            for token in [nil, "", "forged-token"] as [String?] {
                let answer = try await seller.open(
                    "/upload", method: .post, form: token.map { [("form_token", $0)] } ?? [], file: document)
                #expect(answer.status == .forbidden)
                #expect(answer.body.contains("FORM_TOKEN_INVALID"))
            }
            #expect(try hub.store.contentFingerprint() == before)
            // The login form too: a browser that never opened the login page has no form cookie to match.
            let fresh = Browser(client)
            let answer = try await fresh.open("/login", method: .post, form: [("form_token", "x"), ("signed", "<a/>")])
            #expect(answer.status == .forbidden)
        }
    }

    /// Session cookies are out of scripts' reach and not sent by other sites' forms.
    @Test func sessionCookieIsHttpOnlyAndSameSite() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(
            host: "127.0.0.1", port: 0, channels: [try WebApp(folder: Self.web, secureCookies: true)]
        ).test(.live) { client in
            let browser = Browser(client)
            let page = try await browser.open("/login")
            let challenge = try #require(Self.textarea("challenge", in: page.body))
            let answer = try await client.execute(
                uri: "/login", method: .post,
                headers: [
                    .cookie: "tanba_form=\(browser.cookies["tanba_form"]!)",
                    .contentType: "application/x-www-form-urlencoded",
                ],
                body: ByteBuffer(
                    string: "form_token=\(Self.formToken(in: page.body)!)&signed="
                        + Browser.escape(String(buffer: try HTTPTests.signed(challenge, by: .companyHead))))
            ) { $0.headers[values: .setCookie] }
            let session = try #require(answer.first { $0.hasPrefix("tanba_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Secure"))
        }
    }

    /// A refused login names its reason on the page, in the page's language, and opens no session.
    @Test(arguments: ["kk", "ru", "en"]) func refusedLoginShowsItsReason(_ language: String) async throws {
        let hub = try HTTPTests.hub()
        try await Self.application(hub).test(.live) { client in
            let browser = Browser(client)
            let page = try await browser.open("/login?lang=\(language)")
            let challenge = try #require(Self.textarea("challenge", in: page.body))
            // A certificate the trust store does not know.
            let answer = try await browser.open(
                "/login", method: .post, form: [("form_token", Self.formToken(in: page.body)!)],
                file: Array(buffer: try HTTPTests.signed(challenge, by: .untrusted)))
            #expect(answer.status == .unauthorized)
            #expect(answer.body.contains("data-code=\"CERT_UNTRUSTED\""))
            #expect(answer.body.contains("<html lang=\"\(language)\""))
            #expect(browser.cookies["tanba_session"] == nil)
        }
    }

    /// The first visit follows Accept-Language; a choice is remembered; every page is in one language only.
    @Test func languageFollowsTheBrowserThenTheChoice() async throws {
        let hub = try HTTPTests.hub()
        try await Self.application(hub).test(.live) { client in
            let browser = Browser(client)
            browser.language = "ru-RU,ru;q=0.9,en;q=0.5"
            #expect(try await browser.open("/login").body.contains("<html lang=\"ru\""))
            _ = try await browser.open("/login?lang=kk")
            #expect(browser.cookies["tanba_lang"] == "kk")
            #expect(try await browser.open("/login").body.contains("<html lang=\"kk\""))
            browser.language = "de"
            browser.cookies["tanba_lang"] = nil
            #expect(try await browser.open("/login").body.contains("<html lang=\"kk\""))
        }
    }

    /// A refused upload lists every error with its code and its sentence in the page's language.
    @Test(arguments: ["kk", "ru", "en"]) func refusedUploadListsEveryErrorInTheLanguage(_ language: String)
        async throws
    {
        let hub = try HTTPTests.hub()
        try await Self.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let upload = try await seller.open("/upload?lang=\(language)")
            // Codes that do not exist: the format-logical control refuses each.
            let document = HTTPTests.shipment(["0104870001000011215NOSUCHCODE001", "0104870001000011215NOSUCHCODE002"])
            let answer = try await seller.open(
                "/upload", method: .post, form: [("form_token", Self.formToken(in: upload.body)!)],
                file: Array(buffer: try HTTPTests.signed(document, by: .companyHead)))
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("id=\"result-refused\""))
            #expect(answer.body.components(separatedBy: "class=\"error\"").count >= 2)
            try Self.expectOneLanguage(answer.body, language)
        }
    }

    /// Every page a clerk sees, in Kazakh and in Russian, shows no text of the English catalogue.
    @Test func kazakhAndRussianPagesShowNoEnglish() async throws {
        let hub = try HTTPTests.hub()
        try await Self.application(hub).test(.live) { client in
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let upload = try await seller.open("/upload")
            let shipped = try await seller.open(
                "/upload", method: .post, form: [("form_token", Self.formToken(in: upload.body)!)],
                file: Array(buffer: try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)))
            let id = try #require(
                shipped.body.range(of: "href=\"/documents/").map { start in
                    String(shipped.body[start.upperBound...].prefix { $0 != "\"" })
                })
            for language in ["kk", "ru"] {
                let login = try await Browser(client).open("/login?lang=\(language)")
                try Self.expectOneLanguage(login.body, language, path: "/login")
                for path in [
                    "/inbox", "/outbox", "/upload", "/goods", "/goods/codes", "/documents/\(id)",
                    "/codes/\(Browser.escape(hub.codes[0]))", "/documents/no-such-document",
                ] {
                    let page = try await seller.open(path + (path.contains("?") ? "&" : "?") + "lang=\(language)")
                    #expect(page.body.contains("<html lang=\"\(language)\""), "\(path)")
                    try Self.expectOneLanguage(page.body, language, path: path)
                }
            }
        }
    }

    /// Fails when a page in `language` (kk or ru) shows a text of the English catalogue that the language's own
    /// catalogue writes otherwise: the visible text outside `<code>` and `<pre>` (element paths and XML are not
    /// words of a language), and the attributes a user hears or sees (aria-label, placeholder, title, data-msg-*).
    static func expectOneLanguage(_ html: String, _ language: String, path: String = "") throws {
        guard language != "en" else { return }
        let catalogue = try Catalogue(folder: web.appendingPathComponent("i18n"))
        let english = catalogue.englishOnly(against: Language(rawValue: language)!)
        var text = html
        for tag in ["code", "pre", "script", "style"] {
            while let start = text.range(of: "<\(tag)"), let end = text[start.upperBound...].range(of: "</\(tag)>") {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
        }
        var visible: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            visible.append(String(rest[..<open]))
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[open...close]
            for attribute in ["aria-label=\"", "placeholder=\"", "title=\"", "data-msg-"] {
                var search = tag[...]
                while let found = search.range(of: attribute) {
                    let after = search[found.upperBound...]
                    guard let quote = after.firstIndex(of: "\"") else { break }
                    let valueStart = attribute.hasSuffix("\"") ? found.upperBound : after.index(after: quote)
                    guard let end = search[valueStart...].firstIndex(of: "\"") else { break }
                    visible.append(String(search[valueStart..<end]))
                    search = search[search.index(after: end)...]
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        visible.append(String(rest))
        for piece in visible.map({ unescape($0).trimmingCharacters(in: .whitespacesAndNewlines) }) where !piece.isEmpty
        {
            let words = Set(piece.split(whereSeparator: { !$0.isLetter }).map(String.init))
            for phrase in english {
                let phraseWords = phrase.split(whereSeparator: { !$0.isLetter }).map(String.init)
                guard !phraseWords.isEmpty else { continue }
                let shown = phraseWords.count == 1 ? words.contains(phraseWords[0]) : piece.contains(phrase)
                #expect(!shown, "\(path) in \(language) shows English '\(phrase)' in: \(piece)")
            }
        }
    }

    /// Every key has its three languages; every element of the schemas and every key a template names is there.
    @Test func catalogueIsCompleteInThreeLanguages() throws {
        let catalogue = try Catalogue(folder: Self.web.appendingPathComponent("i18n"))
        #expect(catalogue.missing.isEmpty, "\(catalogue.missing)")
        let keys = Set(catalogue.table(.en).keys)
        let xsd = HTTPTests.repository.appendingPathComponent("xsd")
        for file in try FileManager.default.contentsOfDirectory(atPath: xsd.path) where file.hasSuffix(".xsd") {
            let text = try String(contentsOf: xsd.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /element name="([A-Za-z]+)"/) {
                #expect(keys.contains("el_\(match.1)"), "el_\(match.1) of \(file)")
            }
        }
        let templates = Self.web.appendingPathComponent("templates")
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([a-zA-Z_]+)\}\}/) {
                #expect(keys.contains(String(match.1)), "t.\(match.1) of \(file)")
            }
        }
        // The statuses and operations the pages name through the catalogue.
        for status in DocumentStatus.allCases { #expect(keys.contains("doc_status_\(status.rawValue)")) }
        for status in CodeStatus.allCases { #expect(keys.contains("code_status_\(status.rawValue)")) }
    }
}

/// The one-language check itself fails on an English text in a Kazakh page, and not on the same text in code.
@Test func oneLanguageCheckCatchesEnglish() throws {
    withKnownIssue {
        try WebPageTests.expectOneLanguage("<html lang=\"kk\"><p>Incoming documents</p></html>", "kk")
    }
    try WebPageTests.expectOneLanguage("<html lang=\"kk\"><p><code>Incoming documents</code></p></html>", "kk")
}

/// A section of an empty text shows nothing: an accepted document with no recipient has no recipient row, a list
/// on its last page no next link.
@Test func emptyTextsOpenNoSection() async throws {
    let hub = try HTTPTests.hub()
    try await WebPageTests.application(hub).test(.live) { client in
        let seller = WebPageTests.Browser(client)
        try await seller.logIn(as: .companyHead)
        let outbox = try await seller.open("/outbox")
        #expect(!outbox.body.contains("id=\"next-page\""))
        #expect(!outbox.body.contains("class=\"error-text\""))
    }
}

/// A control character in a query or path value (a NUL, which PostgreSQL's text cannot hold) is the caller's mistake,
/// never a store failure, on both stores (found by the API fuzzer on the list filter `number`): a query parameter
/// is refused naming it; a path names nothing that exists.
@Test(arguments: TestBackend.available) func controlCharactersInParametersAreRefusedNotFailures(
    _ backend: TestBackend
) async throws {
    let hub = try HTTPTests.hub(backend)
    try await WebPageTests.application(hub).test(.live) { client in
        let token = try await HTTPTests.login(client, as: .companyHead)
        for uri in [
            "/v1/inbox?number=A%00B", "/v1/outbox?number=%01",
            "/v1/inbox?after="
                + Data("v1|1.0|DOC\u{0}".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""),
        ] {
            try await client.execute(uri: uri, method: .get, headers: HTTPTests.bearer(token)) { response in
                #expect(response.status == .badRequest, "\(uri): \(String(buffer: response.body))")
            }
        }
        try await client.execute(uri: "/v1/documents/DOC%00X", method: .get, headers: HTTPTests.bearer(token)) {
            #expect($0.status == .notFound)
        }
        let seller = WebPageTests.Browser(client)
        try await seller.logIn(as: .companyHead)
        let list = try await seller.open("/inbox?q=A%00B")
        #expect(list.status == .badRequest && list.body.contains("data-code=\"REQUEST_PARAMETER_INVALID\""))
        #expect(try await seller.open("/documents/DOC%00X").status == .notFound)
    }
}

/// My goods on both stores: the counts by GTIN and status, the codes of one kind, and their paging.
@Test(arguments: TestBackend.available) func myGoodsCountsAndListsWhatTheParticipantHolds(_ backend: TestBackend)
    async throws
{
    let hub = try HTTPTests.hub(backend)
    let seller = Caller(participant: HTTPTests.seller)
    let stock = try hub.api.core.stock(as: seller)
    #expect(stock == [StockCount(gtin: HTTPTests.shoes, level: .unit, status: .inCirculation, count: 3)])
    let first = try hub.api.core.ownedCodes(
        as: seller, gtin: HTTPTests.shoes, status: .inCirculation, after: nil, limit: 2)
    let rest = try hub.api.core.ownedCodes(
        as: seller, gtin: HTTPTests.shoes, status: .inCirculation, after: first.next, limit: 2)
    #expect(first.codes.count == 2 && first.next != nil && rest.codes.count == 1 && rest.next == nil)
    #expect(Set((first.codes + rest.codes).map(\.id)) == Set(hub.codes))
    #expect(try hub.api.core.ownedCodes(as: seller, gtin: nil, status: .withdrawn, after: nil).codes.isEmpty)
    #expect(try hub.api.core.stock(as: Caller(participant: HTTPTests.buyer)).isEmpty)
    try await WebPageTests.application(hub).test(.live) { client in
        let browser = WebPageTests.Browser(client)
        try await browser.logIn(as: .companyHead)
        #expect(try await browser.open("/goods?lang=en").body.contains("id=\"goods-total\">3<"))
        let codes = try await browser.open("/goods/codes?gtin=\(HTTPTests.shoes)&status=inCirculation")
        for code in hub.codes { #expect(codes.body.contains(WebPageTests.escapeHTML(code))) }
    }
}
