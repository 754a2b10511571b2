public import Foundation
public import TanbaErrors
import TanbaIntegrations
public import TanbaPipeline

/// The hub's answer to one SOAP request from a partner state's system.
public struct EAEUExchange: Sendable {
    /// 200 with a processing result (accepting or refusing the message), or 400 with a SOAP Client fault for a
    /// message that could not be identified.
    public let status: Int
    /// The SOAP envelope answered, relating to the request's MessageID.
    public let envelope: [UInt8]
    public let decision: Decision
}

extension HubCore {
    /// Receives a SOAP request carrying a partner's goods message (`POST /eaeu/soap`): the envelope is read, the
    /// message decided by the pipeline (`DocumentPipeline.receiveEAEU`: every document check, the signature of the
    /// country's pinned system, one atomic change set and its audit entry), and the answer wrapped with
    /// WS-Addressing headers relating it to the request.
    ///
    /// - Throws: `SOAP_ENVELOPE_INVALID` (an envelope that is not SOAP 1.1 with WS-Addressing, or another action
    ///   than the goods message's) and the XML core's codes for bytes that are not XML — the channel answers them
    ///   as SOAP Client faults and audits them; store errors as they come.
    public func receiveEAEU(_ request: [UInt8], via channel: ChannelOrigin, now: Date = Date()) throws -> EAEUExchange {
        let (addressing, body) = try SOAPEnvelope.parse(request)
        guard addressing.action == EAEUMessages.departureAction else {
            throw TanbaError(
                .soapEnvelopeInvalid,
                "wsa:Action is \(addressing.action); this endpoint takes \(EAEUMessages.departureAction)",
                path: "/Envelope/Header/Action")
        }
        let (decision, answer) = try pipeline.receiveEAEU(body, now: now) { decision in
            Audit.Event(
                address: channel.address,
                channel: channel.name, action: "eaeu-receive", object: decision.documentID,
                result: decision.repeated ? "repeated" : decision.outcome)
        }
        // The answer's own MessageID is made from the request's: a partner retrying gets the same id again.
        let reply = { (action: String) in
            WSAddressing(
                messageID: "urn:uuid:" + DocumentPipeline.nameBasedUUID("tanba:eaeu-answer:\(addressing.messageID)"),
                action: action, to: WSAddressing.anonymous, relatesTo: addressing.messageID)
        }
        switch answer {
        case .result(_, let signed):
            return EAEUExchange(
                status: 200, envelope: SOAPEnvelope.wrap(body: signed, addressing: reply(EAEUMessages.resultAction)),
                decision: decision)
        case .unidentified(let error):
            return EAEUExchange(
                status: 400,
                envelope: SOAPFault.client(Self.faultText(error)).envelope(
                    addressing: reply("http://www.w3.org/2005/08/addressing/soap/fault")),
                decision: decision)
        }
    }

    /// A refusal as a fault's text, written as the processing result writes its errors.
    public static func faultText(_ error: TanbaError) -> String { DocumentPipeline.eaeuText(error.diagnostics) }
}
