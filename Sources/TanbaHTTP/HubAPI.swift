import Crypto
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import NIOCore
import NIOPosix
public import ServiceLifecycle
import Synchronization
public import TanbaCore
import TanbaDomain
import TanbaErrors
public import TanbaPipeline
import TanbaStore
public import TanbaXML

/// The hub's HTTP API for participants' ERPs (version 1). Every route answers errors as problem+json with the
/// same stable codes as the pipeline (docs/ERRORS.md).
///
/// Login is by digital signature, as Kazakh e-government services do it: `POST /v1/auth/challenge` returns an
/// XML challenge; the client signs it (XMLDSig, its NCA certificate) and posts it to `/v1/auth/token`, which
/// answers a bearer token for the participant the certificate belongs to (BIN, or an entrepreneur's IIN).
///
/// The routes are thin controllers: read the request, call the channel-independent core (`HubCore`), render its
/// view models; around them, middleware authenticates, limits rates, audits, counts and logs.
public struct HubAPI: Sendable {
    public let pipeline: DocumentPipeline
    public let verifier: SignatureVerifier
    /// What the routes call: login, the access policy, queries and views, shared with the other channels.
    public let core: HubCore
    /// Requests and documents, for Prometheus (`GET /metrics`).
    public let metrics = HubMetrics()
    /// One structured line per request (action, status, participant, address, object, milliseconds).
    public let logger: Logger
    /// The largest document accepted (an accompanying document of several hundred thousand codes fits).
    public let maxBodySize: Int

    /// Requests per client (a verified bearer token, else the IP address).
    public let limiter: RateLimiter
    /// The bytes that request bodies in flight may hold together (see `BodyBudget`).
    let bodyBudget: BodyBudget

    public init(
        pipeline: DocumentPipeline, verifier: SignatureVerifier, maxBodySize: Int = 64 << 20,
        limiter: RateLimiter = RateLimiter(rate: 1000, burst: 2000), logger: Logger = Logger(label: "tanba.http"),
        challengeCapacity: Int = 10_000, bodyBudget: Int = 256 << 20
    ) {
        core = HubCore(pipeline: pipeline, verifier: verifier, challengeCapacity: challengeCapacity)
        self.bodyBudget = BodyBudget(capacity: bodyBudget)
        self.logger = logger
        self.limiter = limiter
        self.pipeline = pipeline
        self.verifier = verifier
        self.maxBodySize = maxBodySize
    }

    var store: any HubStore { pipeline.store }

    /// The routes.
    public func router() -> Router<HubContext> {
        // HEAD is answered wherever GET is, with GET's headers and no body.
        let router = Router(context: HubContext.self, options: .autoGenerateHeadEndpoints)
        let routes = RouteTable()
        router.add(
            middleware: ProblemMiddleware(routes: routes, logger: logger, limiter: limiter, metrics: metrics))
        router.get("/healthz") { request, _ in
            try unaudited(request) { content(Array("ok\n".utf8), type: "text/plain") }
        }
        router.get("/openapi.json") { request, _ in
            try unaudited(request) { content(Array(OpenAPI.document.utf8), type: "application/json") }
        }
        // Operators scrape it; it names no participant, so it needs no login and is not a user action to audit.
        router.get("/metrics") { request, _ in
            try unaudited(request) {
                content(Array(metrics.text().utf8), type: "text/plain; version=0.0.4; charset=utf-8")
            }
        }
        router.post("/v1/auth/challenge") { request, context in
            try await audited(request, context, action: "challenge") { _ in
                do { return try json(try core.beginLogin()) } catch let busy as LoginBusy {
                    throw Refusal(error: busy.error, retryAfter: busy.retryAfter)
                }
            }
        }
        router.post("/v1/auth/token") { request, context in
            let body = await collect(request, login: false, limit: Self.maxLoginBody)
            defer { body.lease?.release() }
            return try await audited(request, context, action: "login") { identity in
                let token = try core.finishLogin(signed: try body.bytes.get())
                identity.participant = token.participant
                identity.iin = token.iin
                return try json(token)
            }
        }
        router.post("/v1/documents") { request, context in
            let body = await collect(request, login: true)
            defer { body.lease?.release() }
            return try await audited(request, context, action: "submit") { identity in
                let caller = try authenticate(request)
                // The audit entry commits with the document: one transaction, one sync per submission.
                let submitted = try core.submit(
                    try body.bytes.get(), as: caller, via: ChannelOrigin("http", address: context.address),
                    outcome: { Self.result(of: $0) })
                let decision = submitted.decision
                identity.audited = true  // a decision returned is one the journal above recorded
                var headers = HTTPFields()
                headers[.contentType] = "application/xml; charset=utf-8"
                headers[HTTPField.Name("X-Tanba-Document")!] = submitted.document
                headers[HTTPField.Name("X-Tanba-Result")!] = submitted.result
                identity.object = submitted.document
                metrics.document(type: decision.type, result: decision.repeated ? "repeated" : submitted.result)
                return Response(
                    status: Self.status(of: decision), headers: headers,
                    body: .init(byteBuffer: ByteBuffer(bytes: decision.receipt)))
            }
        }
        // A refused document has only its receipt and its status: the hub does not keep refused bytes.
        let views: [(String, @Sendable (VisibleDocument) throws -> Response)] = [
            (
                "",
                {
                    guard case .document(let document) = $0 else {
                        throw TanbaError(.notFound, "the hub refused this document and kept only its receipt")
                    }
                    return xml(document.content)
                }
            ),
            ("/receipt", { xml($0.receipt) }), ("/status", { try json($0.summary) }),
        ]
        for (suffix, render) in views {
            router.get("/v1/documents/:id\(suffix)") { request, context in
                let id = try context.pathParameter("id")
                return try await audited(request, context, action: "read", object: id) { _ in
                    try render(try core.document(id, as: try authenticate(request)))
                }
            }
        }
        router.get("/v1/inbox") { request, context in
            try await audited(request, context, action: "list-inbox", query: DocumentQuery.parameters) { _ in
                try json(try list(request, .inbox))
            }
        }
        router.get("/v1/outbox") { request, context in
            try await audited(request, context, action: "list-outbox", query: DocumentQuery.parameters) { _ in
                try json(try list(request, .outbox))
            }
        }
        router.get("/v1/reference") { request, context in
            try await audited(request, context, action: "list-reference") { _ in
                try json(["lists": core.referenceLists(as: try authenticate(request))])
            }
        }
        router.get("/v1/reference/:name") { request, context in
            let name = try context.pathParameter("name")
            return try await audited(request, context, action: "read-reference", object: name, query: ["at"]) { _ in
                try referenceList(name, request)
            }
        }
        router.get("/v1/products/:gtin") { request, context in
            let text = try context.pathParameter("gtin")
            return try await audited(request, context, action: "read-product", object: text) { _ in
                try json(try core.product(text, parameter: "path parameter 'gtin'", as: try authenticate(request)))
            }
        }
        addCodeRoutes(to: router)
        routes.set(router.routes.map { (method: $0.method, path: $0.path) })
        return router
    }

    /// A refusal is an answer: the signed receipt lists every error. 422 lets clients branch cheaply.
    static func status(of decision: Decision) -> HTTPResponse.Status {
        decision.accepted
            ? .ok : decision.diagnostics.first?.code == .authForbidden ? .forbidden : .unprocessableContent
    }

    /// The audit trail's result for a submission: the status, and the first error's code for a refusal.
    static func result(of decision: Decision) -> String {
        "\(status(of: decision).code)"
            + (decision.accepted ? "" : " \(decision.diagnostics.first?.code.rawValue ?? "")")
    }

    /// Runs a handler off the event loops and records the request in the audit trail: who (from the token or
    /// the login), from where, what, on which object, and the answer's status and error code.
    ///
    /// Every route reads its query parameters strictly: one not in `query` is refused with
    /// `REQUEST_PARAMETER_INVALID` naming it before the handler runs (`QueryText`).
    func audited(
        _ request: Request, _ context: HubContext, action: String, object: String? = nil, query: Set<String> = [],
        _ body: @escaping @Sendable (inout Identity) throws -> Response
    ) async throws -> Response {
        let address = context.address
        let token = bearer(request)
        let started = ContinuousClock.now
        let language = Language.negotiate(request.headers[.acceptLanguage])
        return try await respondBlocking {
            var identity = Identity(object: object)
            // Until a token is verified the client is its address: made-up bearer strings get no buckets of their own.
            var client = RateLimiter.key(address: address)
            if let token, let session = core.login.session(token: token) {
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
                response = refusal.response(in: language)
                code = refusal.error.code.rawValue
            } catch let error as TanbaError {
                // The client sees the code and an incident id; the operator's log has the whole story (the file, the
                // SQLite error) under that id.
                let incident = error.category == .internal ? Incident.record(error, logger: logger) : nil
                response = problem(error, in: language, incident: incident)
                code = error.code.rawValue
            }
            let result = "\(response.status.code)" + (code.map { " \($0)" } ?? "")
            // A store that cannot be written (disk full) must not silence the request: it is still answered, counted
            // and logged below, and the missed audit entry is logged and counted for the operator.
            let unaudited =
                identity.audited ? nil : recordAudit(identity, address: address, action: action, result: result)
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

    func bearer(_ request: Request) -> String? { bearer(request.headers) }

    /// The token of an `Authorization: Bearer TOKEN` header; the scheme's name is case-insensitive (RFC 9110
    /// §11.1), so `bearer` and `BEARER` are the same scheme.
    func bearer(_ headers: HTTPFields) -> String? {
        guard let header = headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// An application serving the API on `host:port` (loopback by default).
    ///
    /// The HTTP/1.1 channel answers `Expect: 100-continue` itself (`ExpectContinueHandler`): neither Hummingbird
    /// nor SwiftNIO does, and curl, sending a body over 1 MB, would otherwise wait a second for the interim answer.
    ///
    /// `onServerRunning` is called with the listening channel once the port is bound (its `localAddress` has
    /// the port chosen for port 0).
    ///
    /// `services` run in the same service group (the drop folders of `tanba serve --folders`): they start with
    /// the server and, on SIGTERM or SIGINT, shut down gracefully with it — requests in flight are answered.
    public func application(
        host: String = "127.0.0.1", port: Int = 8080, services: [any Service] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let api = self
        return Application(
            router: router(),
            server: .http1(
                configuration: .init(additionalChannelHandlers: [ExpectContinueHandler { api.admits($0) }])),
            configuration: .init(address: .hostname(host, port: port), serverName: "tanba"),
            services: services,
            onServerRunning: onServerRunning,
            logger: logger)
    }

    /// The caller a request's bearer token stands for.
    /// - Throws: `AUTH_REQUIRED`.
    func authenticate(_ request: Request) throws -> Caller { try core.authenticate(token: bearer(request)) }

    /// One page of the caller's inbox or outbox, filtered by the query parameters (`DocumentQuery`).
    func list(_ request: Request, _ box: DocumentQuery.Box) throws -> DocumentSummaryPage {
        let caller = try authenticate(request)
        return try core.list(box, request.queryPairs, as: caller)
    }

    /// The JSON document of reference list `name` as the hub loaded it, byte for byte; with `?at=DATE`, the
    /// version in force on that day. The hub holds one version of each list (the newest it was given), so a date
    /// before that version's `validFrom` has no version here and is answered 404 rather than with the wrong one.
    func referenceList(_ name: String, _ request: Request) throws -> Response {
        let caller = try authenticate(request)
        let at = try QueryText(request, known: ["at"]).date("at")
        let (list, document) = try core.referenceList(name, at: at, as: caller)
        var response = content(Array(document), type: "application/json")
        response.headers[HTTPField.Name("X-Tanba-Reference-Version")!] = list.version
        return response
    }
}

/// Who made a request and on what, as the handler learns it (for the audit trail and the log line).
struct Identity {
    var participant: String?
    var iin: String?
    var object: String?
    /// The handler recorded the audit entry itself, inside its own transaction (document submission).
    var audited = false

    init(object: String?) { self.object = object }
}

/// An answer decided before the handler ran (rate limit), carried out of the `do` block.
struct Refusal: Error {
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

/// The request context: Hummingbird's, plus the client's address for the audit trail.
public struct HubContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    var address: String? { remoteAddress?.ipAddress }
}

// MARK: Responses

func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    return Response(
        status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

func xml(_ bytes: [UInt8]) -> Response { content(bytes, type: "application/xml; charset=utf-8") }

/// 200 with `bytes` as the body, of the given content type.
func content(_ bytes: [UInt8], type: String) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = type
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// problem+json (RFC 9457) for `error`. `title` and each error's `title` are the code's sentence in `language`
/// (`ErrorMessages`, the same in receipts and on the command line), with `Content-Language` saying which; `detail`
/// and each `message` name the specifics (values, places) and are English for now; codes never change.
///
/// An `incident` (the hub's own faults) replaces the detail: the client gets the id, the operator's log the story.
func problem(_ error: TanbaError, in language: Language = .en, incident: String? = nil) -> Response {
    let status: HTTPResponse.Status =
        switch error.code {
        case .authRequired, .authChallenge: .unauthorized
        case .authForbidden: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .rateLimited: .tooManyRequests
        case .requestTooLarge: .contentTooLarge
        case .storeUnavailable, .serviceBusy: .serviceUnavailable
        default:
            switch error.category {
            case .document, .certificate: .unprocessableContent
            case .request: .badRequest
            case .internal: .internalServerError
            }
        }
    // The hub's own faults are told by their code and summary only: their messages name files, SQL and library
    // errors, which are for the operator's log (see `audited`), never for a client.
    let summary = ErrorCatalogue.definition(of: error.code)?.summary ?? error.code.rawValue
    let error =
        error.category == .internal
        ? TanbaError(error.code, summary + (incident.map { " Incident \($0) is in the hub's log." } ?? "")) : error
    var body: [String: Any] = [
        "type": "urn:kz:tanba:error:\(error.code.rawValue)",
        "title": ErrorMessages.text(error.code, in: language),
        "status": Int(status.code),
        "code": error.code.rawValue,
        "detail": error.message,
        "errors": error.diagnostics.map { d -> [String: Any] in
            var item: [String: Any] = [
                "code": d.code.rawValue, "title": ErrorMessages.text(d.code, in: language), "message": d.message,
            ]
            if let line = d.line { item["line"] = line }
            if let path = d.path { item["path"] = path }
            return item
        },
    ]
    if let incident { body["incident"] = incident }
    var headers = HTTPFields()
    headers[.contentType] = "application/problem+json"
    headers[.contentLanguage] = language.rawValue
    if let seconds = Availability.retryAfter(error.code) { headers[.retryAfter] = "\(seconds)" }
    let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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

/// Runs store, pipeline and crypto work off the server's event loops and Swift's small cooperative pool.
func respondBlocking(_ body: @escaping @Sendable () throws -> Response) async throws -> Response {
    try await blockingWorkers.runIfActive { try respond(body) }
}

/// Threads for the blocking part of requests. More than the cores: a request waiting for its commit to reach
/// the disk holds a thread without using a core, and group commit needs several such requests at once to share
/// one sync (GCD's global queue keeps about one thread per core and starves it).
let blockingWorkers: NIOThreadPool = {
    let pool = NIOThreadPool(numberOfThreads: 16)
    pool.start()
    return pool
}()
