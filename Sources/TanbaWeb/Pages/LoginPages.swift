import Foundation
import HTTPTypes
import Hummingbird
import TanbaCore
import TanbaErrors
import TanbaHTTP

/// Login by signature in the browser, and logout. The login page carries a fresh challenge; the signing script
/// asks NCALayer (or `tanba signer`) to sign it with the user's authentication key and posts the signed XML. A user
/// without either signs the challenge elsewhere and uploads the file: the same form takes both.
extension WebRoutes {
    /// The extended key usage of NCA authentication keys: the login asks the signer for one.
    static let authenticationPurpose = "1.3.6.1.5.5.7.3.2"
    /// The extended key usage of NCA signing keys (e-mail protection): documents are signed with one.
    static let signingPurpose = "1.3.6.1.5.5.7.3.4"

    func addLoginPages(to router: Router<HubContext>) {
        page(router, .get, "/login", action: "web-login-page", login: false) { visit, _ in
            if visit.caller != nil { return redirect("/inbox") }
            return try loginPage(visit, errors: [])
        }
        page(router, .post, "/login", action: "web-login", login: false, limit: Self.maxLoginForm) { visit, identity in
            let signed = visit.form.signedDocument ?? []
            do {
                guard !signed.isEmpty else {
                    throw TanbaError(.authChallenge, "the form carries no signed challenge")
                }
                let caller = try core.login.signer(of: signed)
                identity.participant = caller.participant
                identity.iin = caller.iin
                let session = try core.login.openWeb(caller)
                var response = redirect("/inbox")
                response.headers[values: .setCookie].append(
                    Cookies.set(
                        Cookies.session, session.token, maxAge: Int(LoginService.webAbsoluteLifetime),
                        secure: app.secureCookies))
                response.headers[values: .setCookie].append(
                    Cookies.set(Cookies.form, "", maxAge: 0, secure: app.secureCookies))
                return response
            } catch let error as TanbaError where error.category != .internal {
                return try loginPage(visit, errors: errorItems(error, language: visit.language), status: .unauthorized)
            }
        }
        page(router, .post, "/logout", action: "web-logout") { visit, _ in
            if let token = visit.token { try core.login.logout(token: token) }
            var response = redirect("/login")
            response.headers[values: .setCookie].append(
                Cookies.set(Cookies.session, "", maxAge: 0, secure: app.secureCookies))
            return response
        }
    }

    /// The login page with a new challenge to sign, and the errors of the last attempt.
    func loginPage(_ visit: Visit, errors: [[String: Any]], status: HTTPResponse.Status = .ok) throws -> Response {
        let challenge: LoginChallenge
        do { challenge = try core.beginLogin() } catch let busy as LoginBusy { throw busy.error }
        return try render(
            "login",
            context(
                visit, title: "login_title",
                [
                    "challenge": challenge.document, "purpose": Self.authenticationPurpose, "errors": errors,
                    "has_errors": !errors.isEmpty,
                ]), status: status)
    }
}
