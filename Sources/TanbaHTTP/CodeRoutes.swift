import Foundation
import Hummingbird
import TanbaCore
import TanbaErrors

/// `GET /v1/codes/{code}` and `GET /v1/codes?code=`: one marking code or transport package, found exactly as it
/// was scanned.
///
/// A scanned code may hold characters a URL path treats specially: the GS separator (sent as `%1D`), brackets,
/// and in its AI 92 tail `/`, `+` and `=`. So the path form takes everything after `/v1/codes/`, slashes included,
/// and percent-decodes it; the query form is there for clients that cannot build such a path.
///
/// Who sees what is the core's access policy (`AccessPolicy.codeScope`): the current owner and state bodies see
/// the whole record, a former holder its own part of the history, anyone else is told the code does not exist.
extension HubAPI {
    static let codesPrefix = "/v1/codes/"

    func addCodeRoutes(to router: Router<HubContext>) {
        router.get("/v1/codes/**") { request, context in
            let raw = String(request.uri.path.dropFirst(Self.codesPrefix.count))
            // A `%` that starts no valid escape is taken literally: a serial may contain `%`.
            let text = raw.removingPercentEncoding ?? raw
            return try await audited(request, context, action: "read-code", object: text) { identity in
                try codeView(text, parameter: "path parameter 'code'", request: request, identity: &identity)
            }
        }
        router.get("/v1/codes") { request, context in
            try await audited(request, context, action: "read-code", query: ["code"]) { identity in
                guard let value = try QueryText(request, known: ["code"]).string("code") else {
                    throw QueryText.invalid("code", "is required: the code as scanned, percent-encoded")
                }
                // A `+` not encoded as %2B arrives as a space; GS1 codes have no spaces, so it was a `+`.
                let text = value.replacingOccurrences(of: " ", with: "+")
                identity.object = text
                return try codeView(text, parameter: "query parameter 'code'", request: request, identity: &identity)
            }
        }
    }

    func codeView(_ text: String, parameter: String, request: Request, identity: inout Identity) throws -> Response {
        let caller = try authenticate(request)
        // The one parser of the CLI and the API: a marking code in its product group's national format, or an
        // SSCC (told by its form).
        let id = try core.codeIdentity(text, parameter: parameter)
        identity.object = id
        return try json(try core.code(id, as: caller))
    }
}
