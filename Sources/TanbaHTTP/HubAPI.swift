import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import NIOCore
import NIOPosix
public import ServiceLifecycle
public import TanbaCore
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
    /// Public checks and reports per address (`PublicRoutes`): a bucket apart from the logged-in API's.
    public let publicLimiter: RateLimiter
    /// The bytes that request bodies in flight may hold together (see `BodyBudget`).
    let bodyBudget: BodyBudget

    public init(
        pipeline: DocumentPipeline, verifier: SignatureVerifier, maxBodySize: Int = 64 << 20,
        limiter: RateLimiter = RateLimiter(rate: 1000, burst: 2000),
        publicLimiter: RateLimiter = RateLimiter(rate: 20, burst: 60), logger: Logger = Logger(label: "tanba.http"),
        challengeCapacity: Int = 10_000, bodyBudget: Int = 256 << 20
    ) {
        core = HubCore(pipeline: pipeline, verifier: verifier, challengeCapacity: challengeCapacity)
        self.bodyBudget = BodyBudget(capacity: bodyBudget)
        self.logger = logger
        self.limiter = limiter
        self.publicLimiter = publicLimiter
        self.pipeline = pipeline
        self.verifier = verifier
        self.maxBodySize = maxBodySize
    }

    var store: any HubStore { pipeline.store }

    /// The routes: the API's, then each channel's (`HubChannel`), all behind the same middleware.
    public func router(channels: [any HubChannel] = []) -> Router<HubContext> {
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
        addPublicRoutes(to: router)
        addFiscalRoutes(to: router)
        addOperatorRoutes(to: router)
        for channel in channels { channel.addRoutes(to: router, api: self) }
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
        host: String = "127.0.0.1", port: Int = 8080, services: [any Service] = [], channels: [any HubChannel] = [],
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let api = self
        return Application(
            router: router(channels: channels),
            server: .http1(
                configuration: .init(additionalChannelHandlers: [ExpectContinueHandler { api.admits($0) }])),
            configuration: .init(address: .hostname(host, port: port), serverName: "tanba"),
            services: services,
            onServerRunning: onServerRunning,
            logger: logger)
    }

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

/// Another channel the hub's server carries beside the API (the web application): its routes join the API's and
/// run behind the same middleware (`HubAPI.serve`: rate limits, audit, metrics, logs).
public protocol HubChannel: Sendable {
    func addRoutes(to router: Router<HubContext>, api: HubAPI)
}

/// The request context: Hummingbird's, plus the client's address for the audit trail.
public struct HubContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    package var address: String? { remoteAddress?.ipAddress }
}
