import Foundation
import HTTPTypes
package import Hummingbird
import Logging
import NIOCore
package import TanbaCore
package import TanbaErrors
import TanbaStore

/// The middleware every audited route runs in: off the event loops, rate-limited, with its query names checked,
/// and recorded in the audit trail, the metrics and the log.
extension HubAPI {
    /// Runs a handler off the event loops and records the request in the audit trail: who (from the token or
    /// the login), from where, what, on which object, and the answer's status and error code.
    ///
    /// Every route reads its query parameters strictly: one not in `query` is refused with
    /// `REQUEST_PARAMETER_INVALID` naming it before the handler runs (`QueryText`).
    func audited(
        _ request: Request, _ context: HubContext, action: String, object: String? = nil, query: Set<String> = [],
        _ body: @escaping @Sendable (inout Identity) throws -> Response
    ) async throws -> Response {
        try await serve(request, context, action: action, object: object, query: query, as: .api(self), body)
    }

    /// `audited` for any channel the server carries: the channel says how a request names its session (a bearer
    /// token, a cookie), which language it wants, and how an error is shown (problem+json, an HTML page).
    package func serve(
        _ request: Request, _ context: HubContext, action: String, object: String? = nil, query: Set<String> = [],
        as presentation: Presentation, _ body: @escaping @Sendable (inout Identity) throws -> Response
    ) async throws -> Response {
        let address = context.address
        let token = presentation.token(request)
        let started = ContinuousClock.now
        let language = presentation.language(request)
        return try await respondBlocking {
            var identity = Identity(object: object)
            // Until a token is verified the client is its address: made-up bearer strings get no buckets of their own.
            var client = RateLimiter.key(address: address)
            if let token, let session = presentation.session(token) {
                identity.participant = session.participant
                identity.iin = session.iin
                client = "token:\(token)"
            }
            var response: Response
            var code: String?
            do {
                guard limiter.allow(client) else { throw limiter.refusal }
                _ = try QueryText(request, known: query)
                response = try body(&identity)
            } catch let refusal as Refusal {
                response = presentation.render(refusal.error, language, nil)
                if let seconds = refusal.retryAfter { response.headers[.retryAfter] = "\(max(1, seconds))" }
                code = refusal.error.code.rawValue
            } catch let error as TanbaError {
                // The client sees the code and an incident id; the operator's log has the whole story (the file, the
                // SQLite error) under that id.
                let incident = Incident.of(error, logger: logger)
                response = presentation.render(error, language, incident)
                code = error.code.rawValue
            }
            let result = "\(response.status.code)" + (code.map { " \($0)" } ?? "")
            // A store that cannot be written (disk full) must not silence the request: it is still answered, counted
            // and logged below, and the missed audit entry is logged and counted for the operator.
            let unaudited =
                identity.audited
                ? nil
                : recordAudit(
                    identity, address: address, channel: presentation.channel, action: action, result: result)
            let elapsed = ContinuousClock.now - started
            metrics.request(action: action, status: response.status.code, duration: elapsed)
            var metadata: Logger.Metadata = [
                "action": "\(action)", "status": "\(result)", "participant": "\(identity.participant ?? "-")",
                "address": "\(address ?? "-")", "object": "\(identity.object ?? "-")",
                "ms": "\(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)",
            ]
            if let unaudited { metadata["audit"] = "not written: \(unaudited)" }
            logger.log(level: unaudited == nil ? .info : .error, "request", metadata: metadata)
            return response
        }
    }
}

/// How a channel carried by the hub's server presents itself to `serve`: its name in the audit trail, where a
/// request carries its session and what that session is, the language a request asks for, and how an error is
/// answered.
package struct Presentation: Sendable {
    package let channel: String
    package let token: @Sendable (Request) -> String?
    package let session: @Sendable (String) -> Caller?
    package let language: @Sendable (Request) -> Language
    /// The answer for an error, in a language, with the incident id of the hub's own faults.
    package let render: @Sendable (TanbaError, Language, String?) -> Response

    package init(
        channel: String, token: @escaping @Sendable (Request) -> String?,
        session: @escaping @Sendable (String) -> Caller?, language: @escaping @Sendable (Request) -> Language,
        render: @escaping @Sendable (TanbaError, Language, String?) -> Response
    ) {
        self.channel = channel
        self.token = token
        self.session = session
        self.language = language
        self.render = render
    }

    /// The API's: a bearer token, `Accept-Language`, problem+json.
    static func api(_ api: HubAPI) -> Presentation {
        Presentation(
            channel: "http", token: { api.bearer($0) }, session: { api.core.login.session(token: $0) },
            language: { Language.negotiate($0.headers[.acceptLanguage]) },
            render: { problem($0, in: $1, incident: $2) })
    }
}

/// Who made a request and on what, as the handler learns it (for the audit trail and the log line).
package struct Identity {
    package var participant: String?
    package var iin: String?
    package var object: String?
    /// The handler recorded the audit entry itself, inside its own transaction (document submission).
    package var audited = false

    init(object: String?) { self.object = object }
}

/// An answer decided before the handler ran (rate limit), carried out of the `do` block.
package struct Refusal: Error {
    let error: TanbaError
    /// Seconds for `Retry-After`, when the client is told to come back.
    var retryAfter: Int?

    /// The problem+json answer, in the client's language.
    func response(in language: Language) -> Response {
        var response = problem(error, in: language)
        if let retryAfter { response.headers[.retryAfter] = "\(max(1, retryAfter))" }
        return response
    }
}

/// A route that is not audited (health, description, metrics, challenge), with the same strict query rule as
/// the others: it takes no query parameter.
func unaudited(_ request: Request, _ body: () throws -> Response) throws -> Response {
    // A refusal is thrown on to `ProblemMiddleware`, which answers it in the client's language.
    _ = try QueryText(request, known: [])
    return try body()
}

func respond(_ body: () throws -> Response) throws -> Response {
    do { return try body() } catch let error as TanbaError { return problem(error) }
}

/// Runs store, pipeline and crypto work off the server's event loops and Swift's small cooperative pool, on the
/// store's threads (`StoreThreads`, the same the store's async API and the drop folders use).
func respondBlocking(_ body: @escaping @Sendable () throws -> Response) async throws -> Response {
    try await StoreThreads.run { try respond(body) }
}
