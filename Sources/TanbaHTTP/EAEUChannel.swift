import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import TanbaCore
import TanbaErrors
import TanbaIntegrations

/// The EAEU partners' endpoint, `POST /eaeu/soap`: a partner state's system posts its goods messages (P.LS.03) as
/// SOAP 1.1 with WS-Addressing and reads the hub's processing result in the answer (docs/INTEGRATIONS.md,
/// "Arrivals").
///
/// A channel of its own rather than a route of the participants' API: it has no session (the message's signature
/// by the country's pinned system is its authentication), it answers in SOAP, never problem+json, and its contract
/// is the Commission's, not the API's OpenAPI description.
public struct EAEUChannel: HubChannel {
    public init() {}

    public func addRoutes(to router: Router<HubContext>, api: HubAPI) {
        router.post("/eaeu/soap") { request, context in
            let body = await api.collect(request, loggedIn: true)
            defer { body.lease?.release() }
            return try await api.serve(request, context, action: "eaeu-receive", as: Self.presentation) { identity in
                let exchange = try api.core.receiveEAEU(
                    try body.bytes.get(), via: ChannelOrigin("eaeu", address: context.address))
                // The decision's audit entry committed with it (a refusal's with its receipt).
                identity.audited = true
                identity.object = exchange.decision.documentID
                return Self.xml(HTTPResponse.Status(code: exchange.status), exchange.envelope)
            }
        }
    }

    /// SOAP faults for whatever is refused before a decision: `Client` for the request's own faults (400; 413 for
    /// a body over the limit), `Server` for the hub's (503 with `Retry-After` while the store is unavailable,
    /// 500 with the incident id otherwise) — a partner resends only after a `Server` fault.
    static let presentation = Presentation(
        channel: "eaeu", token: { _ in nil }, session: { _ in nil }, language: { _ in .en },
        render: { error, _, incident in
            let status = httpStatus(of: error)
            guard status.code >= 500 else {
                // 413 for a body over the limit, 429 when rate-limited, 400 for anything else the request did wrong.
                let code = [413, 429].contains(status.code) ? status : .badRequest
                return xml(code, SOAPFault.client(HubCore.faultText(error)).envelope())
            }
            let text =
                error.category == .internal && status == .internalServerError
                ? "INTERNAL: the hub failed; incident \(incident ?? "-")" : HubCore.faultText(error)
            var response = xml(status, SOAPFault.server(text).envelope())
            if status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
            return response
        })

    static func xml(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(
            status: status, headers: [.contentType: "text/xml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
