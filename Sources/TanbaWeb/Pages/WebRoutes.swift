import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TanbaCore
import TanbaErrors
import TanbaHTTP

/// The web application's routes: each a thin page over the core, run by `HubAPI.serve` as channel `web` (rate
/// limits, audit trail, metrics and logs as the API's), with the browser's session from its cookie, the page's
/// language, and errors shown as pages in that language.
struct WebRoutes: Sendable {
    let app: WebApp
    let api: HubAPI
    var core: HubCore { api.core }

    /// One page request as a handler sees it.
    struct Visit {
        let request: Request
        /// The route's context: its path parameters (`context.pathParameter`).
        let context: HubContext
        let language: Language
        /// The participant and person logged in; nil on the login page.
        let caller: Caller?
        /// The session's token (the cookie's value), when logged in.
        let token: String?
        let address: String?
        /// The posted form (empty for GET).
        let form: FormData
        /// The form token this page's forms post (the session's, or the anonymous cookie's).
        let formToken: String
        /// A `Set-Cookie` the answer must carry: a new anonymous form token.
        let newFormCookie: String?

        var formats: Formats { Formats(language: language) }

        /// A query parameter's value, nil when absent or empty.
        func query(_ name: String) -> String? {
            request.uri.queryParameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    /// The largest form a page takes: a signed document uploaded or signed in the browser.
    static let maxUpload = 16 << 20
    /// The largest login form: a signed challenge is a few kilobytes.
    static let maxLoginForm = 64 << 10

    func add(to router: Router<HubContext>) {
        router.get("/static/:name") { request, context in
            let name = try context.parameters.require("name")
            guard let asset = app.assets[name] else { throw HTTPError(.notFound) }
            var headers = HTTPFields()
            headers[.contentType] = asset.type
            headers[.cacheControl] = "public, max-age=3600"
            headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
        }
        page(router, .get, "/", action: "web-home", login: false) { visit, _ in
            redirect(visit.caller == nil ? "/login" : "/inbox")
        }
        addLoginPages(to: router)
        addDocumentPages(to: router)
        addGoodsPages(to: router)
        addDraftPages(to: router)
        addRegistrationPages(to: router)
        addPublicPages(to: router)
        addInspectorPages(to: router)
        addOperatorPages(to: router)
        addLabelPages(to: router)
    }

    /// Adds a page: `handler` runs on the store's threads inside `HubAPI.serve`, with the visit's session, language
    /// and form. A page that needs a login sends a visitor without a session to the login page; a posted form must
    /// carry its page's form token (`FORM_TOKEN_INVALID` otherwise), checked before the handler runs.
    func page(
        _ router: Router<HubContext>, _ method: HTTPRequest.Method, _ path: String, action: String,
        query: Set<String> = [], login: Bool = true, limit: Int = WebRoutes.maxLoginForm,
        object: (@Sendable (HubContext) -> String?)? = nil,
        _ handler: @escaping @Sendable (Visit, inout Identity) throws -> Response
    ) {
        router.on(RouterPath(path), method: method) { request, context in
            let language = language(of: request)
            let token = Cookies.value(Cookies.session, in: request.headers)
            let anonymous = Cookies.value(Cookies.form, in: request.headers)
            // A page that needs a login reads no body from a browser without a session cookie.
            let body =
                method == .post ? await api.collect(request, loggedIn: !login || token != nil, limit: limit) : nil
            defer { body?.lease?.release() }
            let presentation = Presentation(
                channel: "web", token: { _ in token }, session: { core.login.webSession(token: $0) },
                language: { _ in language },
                render: { error, language, incident in
                    errorPage(error, language: language, incident: incident, request: request)
                })
            return try await api.serve(
                request, context, action: action, object: object?(context), query: query.union(["lang"]),
                as: presentation
            ) { identity in
                let caller = identity.participant.map { Caller(participant: $0, iin: identity.iin) }
                if login, caller == nil {
                    throw TanbaError(.authRequired, "log in with your certificate to open this page")
                }
                var form = FormData()
                if let body {
                    form = try FormData(body: try body.bytes.get(), contentType: request.headers[.contentType])
                }
                let expected: String
                var newFormCookie: String?
                if let token, caller != nil {
                    expected = LoginService.formToken(for: token)
                } else if let anonymous {
                    expected = anonymous
                } else {
                    expected = LoginService.random()
                    newFormCookie = Cookies.set(
                        Cookies.form, expected, maxAge: nil, httpOnly: true, secure: app.secureCookies)
                }
                if method == .post, !Self.same(form["form_token"] ?? "", expected) || newFormCookie != nil {
                    throw TanbaError(.formTokenInvalid, "the form token is missing or not this page's")
                }
                let visit = Visit(
                    request: request, context: context, language: language, caller: caller,
                    token: caller == nil ? nil : token,
                    address: context.address, form: form, formToken: expected, newFormCookie: newFormCookie)
                var response = try handler(visit, &identity)
                if let newFormCookie { response.headers[values: .setCookie].append(newFormCookie) }
                decorate(&response, language: language, request: request)
                return response
            }
        }
    }

    /// The language of a visit: `?lang=` (the switcher's links, remembered in a cookie), else the cookie, else the
    /// browser's `Accept-Language`, else Kazakh, the state language.
    func language(of request: Request) -> Language {
        if let asked = request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) {
            return asked
        }
        if let chosen = Cookies.value(Cookies.language, in: request.headers).flatMap(Language.init(rawValue:)) {
            return chosen
        }
        return Language.negotiate(request.headers[.acceptLanguage], fallback: .kk)
    }

    /// What every page answer carries: its language, the language cookie when the user just chose one, no caching
    /// of pages with participants' data, and a content security policy that lets scripts and styles come only
    /// from the hub and the page connect only to the hub and the signer.
    func decorate(_ response: inout Response, language: Language, request: Request) {
        response.headers[.contentLanguage] = language.rawValue
        if request.uri.queryParameters.get("lang").flatMap({ Language(rawValue: String($0)) }) != nil {
            response.headers[values: .setCookie].append(
                Cookies.set(
                    Cookies.language, language.rawValue, maxAge: 365 * 24 * 3600, httpOnly: false,
                    secure: app.secureCookies))
        }
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        // A page that set its own (the label sheets: their print styles are inline, and they run no script) keeps it.
        let policy = HTTPField.Name("Content-Security-Policy")!
        if response.headers[policy] == nil {
            response.headers[policy] =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self' \(app.signerURL); form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        }
    }

    /// An error as a page in the visitor's language: its code, its sentence and, for the hub's own faults, the
    /// incident id. A visitor without a session is sent to the login page instead.
    func errorPage(_ error: TanbaError, language: Language, incident: String?, request: Request) -> Response {
        var response: Response
        if error.code == .authRequired {
            response = redirect("/login")
        } else {
            let t = app.catalogue.table(language)
            let context: [String: Any] = [
                "t": t, "lang": language.rawValue, "title": t["error_title"] ?? "",
                "code": error.code.rawValue, "sentence": ErrorMessages.text(error.code, in: language),
                "incident": incident ?? "", "languages": languageLinks(request, current: language),
            ]
            let html = (try? app.templates.render("error", Self.withoutEmptyTexts(context))) ?? error.code.rawValue
            response = self.html(html, status: httpStatus(of: error))
            // As the API's answers: a refusal that carries its own wait (a rate limit) gets it from `serve`.
            if let seconds = Availability.retryAfter(error.code) { response.headers[.retryAfter] = "\(seconds)" }
        }
        decorate(&response, language: language, request: request)
        return response
    }

    /// The context every page template gets: the catalogue (`t`), the language and its switcher, the person
    /// logged in, the form token, which menu item is current, and the signer's address for the signing script.
    func context(_ visit: Visit, title: String, current: String? = nil, _ values: [String: Any] = [:]) -> [String: Any]
    {
        let t = app.catalogue.table(visit.language)
        var context: [String: Any] = [
            "t": t, "lang": visit.language.rawValue, "title": t[title] ?? title,
            "form_token": visit.formToken, "signer": app.signerURL,
            "languages": languageLinks(visit.request, current: visit.language),
        ]
        if let caller = visit.caller {
            let participant = (try? core.store.read { try $0.participant(caller.participant) }) ?? nil
            context["user"] = [
                "participant": caller.participant, "iin": caller.iin ?? "", "name": participant?.name ?? "",
                "inspector": participant?.roles.contains(.stateBody) == true,
                "operator": participant?.roles.contains(.operator) == true,
            ]
        }
        if let current { context["nav_\(current)"] = true }
        for (key, value) in values { context[key] = value }
        return context
    }

    /// The language switcher: this page in each language.
    func languageLinks(_ request: Request, current: Language) -> [[String: Any]] {
        let kept = request.uri.queryParameters.filter { $0.key != "lang" }.map {
            "\(Self.escape(String($0.key)))=\(Self.escape(String($0.value)))"
        }
        return Language.allCases.map { language in
            [
                "code": language.rawValue, "name": Self.languageNames[language] ?? "",
                "href": request.uri.path + "?" + (kept + ["lang=\(language.rawValue)"]).joined(separator: "&"),
                "current": language == current,
            ]
        }
    }

    /// Each language's name in itself: the switcher shows them so in every language.
    static let languageNames: [Language: String] = [.kk: "Қазақша", .ru: "Русский", .en: "English"]

    /// A page rendered from its template.
    func render(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        html(try app.templates.render(template, Self.withoutEmptyTexts(context)), status: status)
    }

    /// Mustache opens a section for an empty string as for any other value: `{{#recipient}}` would show a
    /// recipient's row with nothing in it. Empty texts are left out instead, at every depth (their `{{value}}`
    /// shows nothing either way).
    static func withoutEmptyTexts(_ value: [String: Any]) -> [String: Any] {
        value.compactMapValues { item -> Any? in
            switch item {
            case let text as String: text.isEmpty ? nil : text
            case let object as [String: Any]: withoutEmptyTexts(object)
            case let objects as [[String: Any]]: objects.map(withoutEmptyTexts)
            default: item
            }
        }
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other: after a form, the browser loads `location` with GET.
    func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    /// Percent-escapes a query value.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Compares form tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count, !x.isEmpty else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
