public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
public import TanbaCore
import TanbaIntegrations
public import TanbaStore

/// Delivers EAEU messages (P.LS.03) to the partner's system: each outbox message, already signed by the hub, in a
/// SOAP 1.1 envelope with WS-Addressing, POSTed to `endpoint`. The message's idempotency key is its `EDocId`, a UUID,
/// and travels as the `MessageID` (`urn:uuid:…`): the receiver deduplicates by it, so a message sent again after a
/// crash is taken once.
///
/// What the answer means: 200 with a processing result that accepts the message → delivered (the result is kept as
/// the reply); a processing result that refuses it, or a SOAP `Client` fault (the message itself is wrong) →
/// dead at once; a `Server` fault, a 5xx, 408, 429, a timeout or no connection → tried again later.
public struct EAEUTransport: OutboxTransport {
    public let channel = "eaeu"
    public let endpoint: String
    public let client: HTTPClient
    public let timeout: TimeAmount
    /// Who the hub is in WS-Addressing `From`.
    public let from: String

    public init(
        endpoint: String, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(30),
        from: String = "urn:kz:tanba:hub"
    ) {
        self.endpoint = endpoint
        self.client = client
        self.timeout = timeout
        self.from = from
    }

    /// The action of a message of `kind` (`P.LS.03.MSG.001` → `urn:EEC:P.LS.03:MSG.001`).
    static func action(_ kind: String) -> String {
        guard let range = kind.range(of: ".MSG.") else { return "urn:EEC:" + kind }
        return "urn:EEC:" + kind[..<range.lowerBound] + ":MSG." + kind[range.upperBound...]
    }

    public func deliver(_ message: QueuedMessage) async throws -> [UInt8] {
        let addressing = WSAddressing(
            messageID: "urn:uuid:" + message.idempotencyKey, action: Self.action(message.kind), to: endpoint,
            from: from)
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"\(addressing.action)\"")
        request.body = .bytes(ByteBuffer(bytes: SOAPEnvelope.wrap(body: message.body, addressing: addressing)))
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            body = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw DeliveryFailure("the receiver could not be reached: \(Self.describe(error))")
        }
        let bytes = Array(body.readableBytesView)
        let status = response.status.code
        if let fault = try? SOAPFault.parse(bytes) {
            let permanent = fault.isClientFault
            throw DeliveryFailure(
                "HTTP \(status), SOAP fault \(fault.faultCode): \(fault.faultString)", permanent: permanent)
        }
        guard status == 200 else {
            let temporary = status >= 500 || status == 408 || status == 429
            throw DeliveryFailure("HTTP \(status) from the receiver", permanent: !temporary)
        }
        let result: EAEUProcessingResult
        do {
            let (answer, reply) = try SOAPEnvelope.parse(bytes)
            guard answer.relatesTo == addressing.messageID else {
                throw DeliveryFailure(
                    "the answer relates to \(answer.relatesTo ?? "no message"), not \(addressing.messageID)")
            }
            result = try EAEUMessages.parseProcessingResult(reply)
        } catch let failure as DeliveryFailure {
            throw failure
        } catch {
            throw DeliveryFailure("the receiver's answer is not a processing result: \(Self.describe(error))")
        }
        guard result.accepted else {
            throw DeliveryFailure(
                "refused by the receiver: \(result.code)" + (result.message.map { ": \($0)" } ?? ""), permanent: true)
        }
        return bytes
    }

    /// An error in words, without the client library's internals where a short form says it.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: break
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return String(text.prefix(200))
    }
}
