import Foundation
import HTTPTypes

/// Cookies read from a request and written to a response.
enum Cookies {
    /// The browser's session (HttpOnly: page scripts cannot read it).
    static let session = "tanba_session"
    /// The language the user chose.
    static let language = "tanba_lang"
    /// The form token of a browser not logged in (the login form's, compared with the form's field).
    static let form = "tanba_form"

    /// The value of cookie `name` in a request's `Cookie` headers.
    static func value(_ name: String, in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
        }
        return nil
    }

    /// A `Set-Cookie` value: path `/`, `SameSite=Lax` (another site's form posts carry no cookie), `HttpOnly` for
    /// secrets, `Secure` when the hub is served over TLS; `maxAge` 0 deletes the cookie, nil keeps it for the
    /// browser's session.
    static func set(
        _ name: String, _ value: String, maxAge: Int?, httpOnly: Bool = true, secure: Bool
    ) -> String {
        var cookie = "\(name)=\(value); Path=/; SameSite=Lax"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        if httpOnly { cookie += "; HttpOnly" }
        if secure { cookie += "; Secure" }
        return cookie
    }
}
