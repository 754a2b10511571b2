import Foundation
package import HTTPTypes
import Hummingbird
import NIOCore
import TanbaCore
package import TanbaErrors

// Rendering: the answers the controllers give, from the core's view models and errors.

/// 200 (or `status`) with `value` as JSON: sorted keys and ISO 8601 dates, the one JSON shape of the views.
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
    let status = httpStatus(of: error)
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

/// The HTTP status every channel answers an error with.
package func httpStatus(of error: TanbaError) -> HTTPResponse.Status {
    switch error.code {
    case .authRequired, .authChallenge: .unauthorized
    case .authForbidden, .formTokenInvalid: .forbidden
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
}
