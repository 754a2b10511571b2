import Foundation
import Hummingbird
import TanbaDomain
import TanbaErrors
import TanbaPipeline
import TanbaStore

/// `GET /v1/codes/{code}` and `GET /v1/codes?code=`: one marking code or transport package, found exactly as it
/// was scanned.
///
/// A scanned code may hold characters a URL path treats specially: the GS separator (sent as `%1D`), brackets,
/// and in its AI 92 tail `/`, `+` and `=`. So the path form takes everything after `/v1/codes/`, slashes included,
/// and percent-decodes it; the query form is there for clients that cannot build such a path.
///
/// Who sees what: the current owner and state bodies see the whole record; a participant that held the code
/// before sees its own part of the history (the events that gave it the code, happened while it held it, took
/// it away, or came from a document it sent or received) and not the current owner's state; anyone else is told
/// the code does not exist, exactly as for a made-up code, so that codes cannot be probed.
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
                guard let value = try QueryParameters(request, known: ["code"]).string("code") else {
                    throw QueryParameters.invalid("code", "is required: the code as scanned, percent-encoded")
                }
                // A `+` not encoded as %2B arrives as a space; GS1 codes have no spaces, so it was a `+`.
                let text = value.replacingOccurrences(of: " ", with: "+")
                identity.object = text
                return try codeView(text, parameter: "query parameter 'code'", request: request, identity: &identity)
            }
        }
    }

    func codeView(_ text: String, parameter: String, request: Request, identity: inout Identity) throws -> Response {
        let participant = try authenticate(request)
        let id: String
        do {
            // The one parser of the CLI and the API: a marking code in its product group's national format, or an
            // SSCC (told by its form).
            id = try store.read { try CodeLookup.parse(text, reference: pipeline.reference, in: $0) }
                .identification
        } catch let error as TanbaError {
            throw TanbaError(
                diagnostics: [
                    Diagnostic(
                        .requestParameterInvalid, "\(parameter) is not a marking code or an SSCC: \(error.message)")
                ] + error.diagnostics)
        }
        identity.object = id
        let found = try store.read { tx -> CodeView? in
            guard let code = try tx.code(id) else { return nil }
            let history = try tx.events(of: id)
            let stateBody = try tx.participant(participant)?.roles.contains(.stateBody) ?? false
            if code.owner == participant || stateBody {
                return CodeView(
                    scope: .full, code: code, history: history, contents: try tx.children(of: [id]).map(\.id))
            }
            guard code.emitter == participant || history.contains(where: { $0.owner == participant }) else {
                return nil
            }
            let documents = Set(history.compactMap(\.document))
            let mine = try documents.filter { document in
                guard let record = try tx.document(id: document) else { return false }
                return record.sender == participant || record.recipient == participant
            }
            return CodeView(
                scope: .formerHolder, code: code,
                history: Self.part(of: history, for: participant, documents: mine), contents: [])
        }
        // Someone else's code and a made-up one get the same answer.
        guard let found else { throw TanbaError(.notFound, "no code \(id)") }
        return try json(found)
    }

    /// The events of `history` (oldest first) that concern a former holder: those that left it the owner, the one
    /// that took the code from it, and those of its own documents.
    static func part(of history: [CodeEvent], for participant: String, documents: Set<String>) -> [CodeEvent] {
        var previousOwner: String?
        var part: [CodeEvent] = []
        for event in history {
            if event.owner == participant || previousOwner == participant
                || event.document.map(documents.contains) == true
            {
                part.append(event)
            }
            previousOwner = event.owner
        }
        return part
    }
}

/// A code as `GET /v1/codes/…` shows it. A former holder gets the code's identity, not its current state.
struct CodeView: Encodable {
    enum Scope: String, Encodable {
        /// The owner's or a state body's view: everything.
        case full
        /// A former holder's view: the identity and its own part of the history.
        case formerHolder
    }

    let scope: Scope
    let code: CodeRecord
    let history: [CodeEvent]
    let contents: [String]

    /// What never changes about a code: the part of the record any holder knew.
    struct Unchanging: Encodable {
        let id: String
        let level: PackagingLevel
        let gtin: String?
        let emitter: String
        let issuedAt: Date
    }

    enum CodingKeys: String, CodingKey { case scope, code, history, contents }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scope, forKey: .scope)
        switch scope {
        case .full: try container.encode(code, forKey: .code)
        case .formerHolder:
            try container.encode(
                Unchanging(
                    id: code.id, level: code.level, gtin: code.gtin, emitter: code.emitter, issuedAt: code.issuedAt),
                forKey: .code)
        }
        try container.encode(history, forKey: .history)
        try container.encode(contents, forKey: .contents)
    }
}
