import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TanbaCore
import TanbaErrors
import TanbaStore

/// The public side of the API, without login: `GET /v1/public/check` (a code as typed or scanned),
/// `POST /v1/public/check` (a photo of a label), `POST /v1/public/violations` (a report) and
/// `GET /v1/public/violations/{reference}` (its status). Then the inspectors' routes, which need a state body's
/// login: `GET /v1/violations`, `GET /v1/violations/{reference}` (and `/photo`),
/// `POST /v1/violations/{reference}/status`.
///
/// Checks are many and anonymous: each address has its own bucket (`publicLimiter`), refused before any work is
/// queued, so a burst of scans from one address is answered 429 at once and leaves the store's threads to others.
/// A check is journalled by the core (`CheckJournal`), not written to the audit trail one by one; reports and
/// every inspector step are audited like any request.
extension HubAPI {
    /// The largest photo accepted (a phone's JPEG is 2 to 6 MB).
    package static let maxPhotoBytes = 10 << 20

    func addPublicRoutes(to router: Router<HubContext>) {
        router.get("/v1/public/check") { request, context in
            try await publicly(request, context, query: ["code", "location"]) { query in
                guard let value = try query.string("code") else {
                    throw query.invalid("code", "is required: the code as scanned, percent-encoded")
                }
                // A `+` not encoded as %2B arrives as a space; GS1 codes have no spaces, so it was a `+`.
                // (Foundation's replacingOccurrences cost as much as the code's parse; a code rarely has one.)
                let text =
                    value.utf8.contains(0x20)
                    ? String(String.UnicodeScalarView(value.unicodeScalars.map { $0 == " " ? "+" : $0 })) : value
                let found = try core.publicCheck(text, address: context.address, location: try query.string("location"))
                return content(found.jsonBytes, type: "application/json")
            }
        }
        router.post("/v1/public/check") { request, context in
            guard publicLimiter.allow(RateLimiter.key(address: context.address)) else { throw publicLimiter.refusal }
            let body = await collect(request, loggedIn: true, limit: Self.maxPhotoBytes)
            defer { body.lease?.release() }
            return try await publicly(request, context, query: ["location"], limited: false, local: false) { query in
                let found = try core.publicCheck(
                    photo: try body.bytes.get(), address: context.address, location: try query.string("location"))
                return content(found.jsonBytes, type: "application/json")
            }
        }
        router.post("/v1/public/violations") { request, context in
            let body = await collect(request, loggedIn: true, limit: Self.maxPhotoBytes * 2)
            defer { body.lease?.release() }
            return try await audited(request, context, action: "report-violation") { identity in
                guard publicLimiter.allow(RateLimiter.key(address: context.address)) else {
                    throw publicLimiter.refusal
                }
                let input = try ViolationRequest.decode(try body.bytes.get())
                let report = try core.fileViolation(input)
                identity.object = report.reference
                return try json(try core.violationStatus(report.reference), status: .created)
            }
        }
        router.get("/v1/public/violations/:reference") { request, context in
            let reference = try context.pathParameter("reference")
            return try await audited(request, context, action: "read-violation-status", object: reference) { _ in
                try json(try core.violationStatus(reference))
            }
        }
        router.get("/v1/violations") { request, context in
            try await audited(request, context, action: "list-violations", query: Violations.parameters) { _ in
                let page = try core.violations(request.queryPairs, as: try authenticate(request))
                return try json(ViolationViewPage(page))
            }
        }
        router.get("/v1/violations/:reference") { request, context in
            let reference = try context.pathParameter("reference")
            return try await audited(request, context, action: "read-violation", object: reference) { _ in
                try json(ViolationCaseView(try core.violationCase(reference, as: try authenticate(request))))
            }
        }
        router.get("/v1/violations/:reference/photo") { request, context in
            let reference = try context.pathParameter("reference")
            return try await audited(request, context, action: "read-violation-photo", object: reference) { _ in
                let found = try core.violationCase(reference, as: try authenticate(request))
                guard let photo = found.report.photo, let type = found.report.photoType else {
                    throw TanbaError(.notFound, "report \(reference) has no photo")
                }
                var response = content(photo, type: type)
                response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
                return response
            }
        }
        router.post("/v1/violations/:reference/status") { request, context in
            let reference = try context.pathParameter("reference")
            let body = await collect(request, login: true, limit: 64 << 10)
            defer { body.lease?.release() }
            return try await audited(request, context, action: "set-violation-status", object: reference) { _ in
                let caller = try authenticate(request)
                let change = try StatusRequest.decode(try body.bytes.get())
                let found = try core.setViolationStatus(
                    reference, expected: change.expected, to: change.status, comment: change.comment, as: caller)
                return try json(ViolationCaseView(found))
            }
        }
    }

    /// A public route: the address's bucket first (a refusal costs no thread), the query names checked, the work
    /// (on the store's threads unless it is a few local reads), counted in the metrics; logged at debug level (the
    /// core's journal keeps the checks).
    func publicly(
        _ request: Request, _ context: HubContext, query names: Set<String>, limited: Bool = true, local: Bool = true,
        _ body: @escaping @Sendable (QueryText) throws -> Response
    ) async throws -> Response {
        if limited {
            guard publicLimiter.allow(RateLimiter.key(address: context.address)) else { throw publicLimiter.refusal }
        }
        let query = try QueryText(request, known: names)
        let started = ContinuousClock.now
        let language = Presentation.api(self).language(request)
        let work: @Sendable () -> Response = {
            do { return try body(query) } catch let error as TanbaError {
                let incident = Incident.of(error, logger: logger)
                var response = problem(error, in: language, incident: incident)
                if let seconds = Availability.retryAfter(error.code) { response.headers[.retryAfter] = "\(seconds)" }
                return response
            } catch {
                return problem(TanbaError(.internal, "\(error)"), in: language)
            }
        }
        // A check is a few point reads: on an embedded store they run here, as a hop to the store's threads and
        // back costs more than the reads (two context switches a request, measured as most of the time).
        // Decoding a photo is never such work (`local: false`).
        let response = local && store.readsAreLocal ? work() : try await StoreThreads.run(work)
        metrics.request(action: "public-check", status: response.status.code, duration: ContinuousClock.now - started)
        logger.debug("public", metadata: ["status": "\(response.status.code)", "address": "\(context.address ?? "-")"])
        return response
    }
}

/// `POST /v1/public/violations`: a JSON object of the report's fields; the photo, if any, base64 in `photo`.
struct ViolationRequest: Decodable {
    var kind: String?
    var code: String?
    var shop: String?
    var address: String?
    var region: String?
    var location: Location?
    var description: String?
    var contact: String?
    var photo: String?

    /// - Throws: `REQUEST_INVALID` for a body that is not such an object; `VIOLATION_INVALID` for a photo that is
    ///   not base64.
    static func decode(_ bytes: [UInt8]) throws -> ViolationInput {
        let request: ViolationRequest
        do { request = try JSONDecoder().decode(ViolationRequest.self, from: Data(bytes)) } catch {
            throw TanbaError(
                .requestInvalid, "the body must be a JSON object of the report's fields (kind, shop, address…)")
        }
        var input = ViolationInput()
        input.kind = request.kind
        input.code = request.code
        input.shop = request.shop
        input.address = request.address
        input.region = request.region
        input.location = request.location.map { "\($0.latitude),\($0.longitude)" }
        input.description = request.description
        input.contact = request.contact
        if let photo = request.photo {
            guard let data = Data(base64Encoded: photo) else {
                throw TanbaError(.violationInvalid, "photo is not base64")
            }
            input.photo = [UInt8](data)
        }
        return input
    }
}

/// Where something was seen, in degrees.
struct Location: Decodable {
    var latitude: Double
    var longitude: Double
}

/// `POST /v1/violations/{reference}/status`: `{"expected": "new", "status": "confirmed", "comment": "…"}`.
struct StatusRequest: Decodable {
    var expected: ViolationStatus
    var status: ViolationStatus
    var comment: String?

    static func decode(_ bytes: [UInt8]) throws -> StatusRequest {
        do { return try JSONDecoder().decode(StatusRequest.self, from: Data(bytes)) } catch {
            let known = ViolationStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw TanbaError(
                .requestInvalid,
                "the body must be {\"expected\": status, \"status\": status, \"comment\": text} with statuses of \(known)"
            )
        }
    }
}
