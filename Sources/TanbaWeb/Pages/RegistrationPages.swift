import Foundation
import HTTPTypes
import Hummingbird
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaHTTP

/// Registration of an organisation by its first head (or of an entrepreneur), and its representatives: the form
/// chooses roles and product groups from reference data, the hub prepares the request, the user signs it with the
/// signing key in the browser (or elsewhere and uploads it); everything else comes from the certificate.
extension WebRoutes {
    func addRegistrationPages(to router: Router<HubContext>) {
        page(router, .get, "/register", action: "web-register-page", login: false) { visit, _ in
            try registrationPage(visit, errors: [])
        }
        page(router, .post, "/register/request", action: "web-register-request", login: false) { visit, _ in
            do {
                let request = try core.registrationRequest(
                    roles: visit.form.all("role"), groups: visit.form.all("group"))
                return try signingPage(
                    visit, title: "register_title", intro: "register_sign_intro", request: request, action: "/register")
            } catch let error as TanbaError where error.category == .request {
                return try registrationPage(visit, errors: errorItems(error, language: visit.language))
            }
        }
        page(router, .post, "/register", action: "web-register", login: false, limit: Self.maxLoginForm) {
            visit, identity in
            let signed = visit.form.signedDocument ?? []
            do {
                guard !signed.isEmpty else { throw TanbaError(.authChallenge, "the form carries no signed request") }
                let participant = try core.register(signed: signed)
                let head = participant.representatives.first?.iin ?? (participant.isOrganisation ? nil : participant.id)
                identity.participant = participant.id
                identity.iin = head
                identity.object = participant.id
                let session = try core.login.openWeb(Caller(participant: participant.id, iin: head))
                var response = redirect("/organisation")
                response.headers[values: .setCookie].append(
                    Cookies.set(
                        Cookies.session, session.token, maxAge: Int(LoginService.webAbsoluteLifetime),
                        secure: app.secureCookies))
                return response
            } catch let error as TanbaError where error.category != .internal {
                return try registrationPage(
                    visit, errors: errorItems(error, language: visit.language), status: .unprocessableContent)
            }
        }
        page(router, .get, "/organisation", action: "web-organisation") { visit, _ in
            try organisationPage(visit, errors: [])
        }
        page(
            router, .post, "/organisation/representative/request", action: "web-representative-request",
            limit: Self.maxLoginForm
        ) { visit, _ in
            do {
                guard let certificate = visit.form.file("certificate") else {
                    throw TanbaError(.certMalformed, "choose the employee's certificate file")
                }
                let (request, _) = try core.representativeRequest(certificate: certificate, as: visit.caller!)
                return try signingPage(
                    visit, title: "organisation_add", intro: "representative_sign_intro", request: request,
                    action: "/organisation/representative")
            } catch let error as TanbaError where error.category != .internal {
                return try organisationPage(visit, errors: errorItems(error, language: visit.language))
            }
        }
        page(
            router, .post, "/organisation/representative", action: "web-representative-add", limit: Self.maxLoginForm
        ) { visit, _ in
            let signed = visit.form.signedDocument ?? []
            do {
                _ = try core.addRepresentative(signed: signed, as: visit.caller!)
                return redirect("/organisation")
            } catch let error as TanbaError where error.category != .internal {
                return try organisationPage(
                    visit, errors: errorItems(error, language: visit.language), status: .unprocessableContent)
            }
        }
    }

    func registrationPage(_ visit: Visit, errors: [[String: Any]], status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        let t = app.catalogue.table(visit.language)
        return try render(
            "register",
            context(
                visit, title: "register_title",
                [
                    "roles": HubCore.selfRegisteredRoles.map {
                        ["code": $0.rawValue, "name": t["role_\($0.rawValue)"] ?? $0.rawValue]
                    },
                    "groups": core.reference.productGroups.items.map {
                        ["code": $0.code, "name": name(of: $0, visit.language)]
                    },
                    "errors": errors, "has_errors": !errors.isEmpty,
                ]), status: status)
    }

    func organisationPage(_ visit: Visit, errors: [[String: Any]], status: HTTPResponse.Status = .ok) throws
        -> Response
    {
        let t = app.catalogue.table(visit.language)
        let me = try core.participant(visit.caller!.participant)
        return try render(
            "organisation",
            context(
                visit, title: "organisation_title", current: "organisation",
                [
                    "id": me.id, "name": me.name, "organisation": me.isOrganisation,
                    "roles": me.roles.map { t["role_\($0.rawValue)"] ?? $0.rawValue }.sorted().joined(separator: ", "),
                    "groups": core.reference.productGroups.items.filter { me.productGroups.contains($0.code) }.map {
                        name(of: $0, visit.language)
                    }.joined(separator: ", "),
                    "representatives": me.representatives.map { ["iin": $0.iin, "name": $0.name ?? ""] },
                    "errors": errors, "has_errors": !errors.isEmpty,
                ]), status: status)
    }

    /// A request to sign in the browser with the signing key, or to download, sign elsewhere and upload.
    func signingPage(_ visit: Visit, title: String, intro: String, request: String, action: String) throws
        -> Response
    {
        try render(
            "sign",
            context(
                visit, title: title,
                [
                    "intro_key": intro, "intro": app.catalogue.text(intro, in: visit.language), "request": request,
                    "purpose": Self.signingPurpose, "action": action,
                ]))
    }
}
