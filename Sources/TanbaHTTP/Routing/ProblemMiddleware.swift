import HTTPTypes
import Hummingbird
import Logging
import TanbaCore
import TanbaErrors
import TanbaPipeline

/// Makes every answer the router or a handler could not give as problem+json one: a path no route has is 404
/// `NOT_FOUND`, a route asked with a method it does not have is 405 `METHOD_NOT_ALLOWED` with `Allow`, and any
/// other error is a problem whose detail says nothing of the hub's insides (the error itself goes to the log).
///
/// It is the router's first middleware, so it wraps every route and Hummingbird's own not-found answer alike.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = HubContext

    let routes: RouteTable
    let logger: Logger
    /// Requests no route takes are counted against the client's address like any other, so probing unknown paths
    /// or methods cannot outrun the rate limit; nil in tests of the middleware alone.
    var limiter: RateLimiter? = nil
    var metrics: HubMetrics? = nil

    func handle(
        _ request: Request, context: HubContext, next: (Request, HubContext) async throws -> Response
    ) async throws -> Response {
        let response: Response
        let language = Language.negotiate(request.headers[.acceptLanguage])
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            response = unroutedWithinLimit(request, context: context, in: language)
        } catch let error as TanbaError {
            let incident = Incident.of(error, logger: logger)
            response = problem(error, in: language, incident: incident)
        } catch let refusal as Refusal {
            response = refusal.response(in: language)
        } catch let error as HTTPError {
            response = problem(Self.refusal(error.status), in: language)
        } catch {
            let incident = Incident.record(error, logger: logger, path: request.uri.path)
            response = problem(
                TanbaError(.internal, "the hub could not answer this request"), in: language, incident: incident)
        }
        // A HEAD request gets the headers of its GET and never a body, refusals included.
        return request.method == .head ? response.createHeadResponse() : response
    }

    /// A request no route takes: rate-limited by the client's address (the limiter's key for anyone not logged
    /// in), counted and logged like every request. It is not audited: it touched no participant's data, and a
    /// synced audit row per probe would let anyone fill the disk.
    func unroutedWithinLimit(_ request: Request, context: HubContext, in language: Language) -> Response {
        let started = ContinuousClock.now
        let response =
            if let limiter, !limiter.allow(RateLimiter.key(address: context.address)) {
                limiter.refusal.response(in: language)
            } else {
                unrouted(request, in: language)
            }
        let elapsed = ContinuousClock.now - started
        metrics?.request(action: "unrouted", status: response.status.code, duration: elapsed)
        logger.info(
            "request",
            metadata: [
                "action": "unrouted", "status": "\(response.status.code)", "address": "\(context.address ?? "-")",
                "object": "\(request.method.rawValue) \(request.uri.path)",
            ])
        return response
    }

    /// The answer for a request the router matched to no route and method.
    func unrouted(_ request: Request, in language: Language) -> Response {
        let allowed = routes.methods(for: request.uri.path)
        guard !allowed.isEmpty else {
            return problem(
                TanbaError(.notFound, "no route \(request.uri.path) (GET /openapi.json lists the routes)"), in: language
            )
        }
        var response = problem(
            TanbaError(
                .methodNotAllowed,
                "\(request.uri.path) does not take \(request.method.rawValue); it takes \(RouteTable.allow(allowed))"),
            in: language)
        response.headers[.allow] = RouteTable.allow(allowed)
        return response
    }

    /// A refusal Hummingbird raised itself (a malformed request it could not hand to a route), in the hub's codes.
    static func refusal(_ status: HTTPResponse.Status) -> TanbaError {
        switch status {
        case .contentTooLarge: TanbaError(.requestTooLarge, "the body is larger than the hub accepts")
        case .methodNotAllowed: TanbaError(.methodNotAllowed, "the route does not take this method")
        case _ where status.kind == .clientError:
            TanbaError(.requestInvalid, "the request is malformed (\(status.code) \(status.reasonPhrase))")
        default: TanbaError(.internal, "the hub could not answer this request; it has been logged")
        }
    }
}
