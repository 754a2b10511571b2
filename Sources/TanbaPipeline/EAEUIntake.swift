public import Foundation
public import TanbaErrors
public import TanbaIntegrations

/// What the hub answers a partner state's system for one message it received.
public enum EAEUAnswer: Sendable {
    /// The message was identified (its EDocId read): the hub's processing result, signed, accepting or refusing
    /// it — a refusal names the first error's code and lists every error.
    case result(EAEUProcessingResult, signed: [UInt8])
    /// The message could not be identified (not XML, not the goods message, no readable EDocId): the error, for a
    /// SOAP Client fault.
    case unidentified(TanbaError)
}

extension DocumentPipeline {
    /// A name-based UUID in lower case (SHA-256 of `name`, version 5 layout): ids that a retry must find again.
    public static func nameBasedUUID(_ name: String) -> String { EAEUDepartures.uuid(named: name) }

    /// Errors as a partner reads them in a refusal or a fault: each one's code, its element and its message (in
    /// English, the partners' common language with the hub), separated by semicolons.
    public static func eaeuText(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { d in d.code.rawValue + (d.path.map { " at \($0)" } ?? "") + ": " + d.message }
            .joined(separator: "; ")
    }

    /// Receives a partner state's goods message (P.LS.03): decided as any document is (`submit`, taking only
    /// `eaeuArrival`), audited by `journal` in the decision's transaction, and answered.
    ///
    /// The same message again (a partner retrying) changes nothing and is accepted again, with the same result
    /// EDocId (made from the message's) and a text saying it was received before.
    public func receiveEAEU(
        _ message: [UInt8], now: Date = Date(), journal: (@Sendable (Decision) -> Audit.Event)? = nil
    ) throws -> (decision: Decision, answer: EAEUAnswer) {
        let decision = try submit(message, now: now, types: [EAEUArrivalHandler.typeCode], journal: journal)
        guard let edocId = decision.number, decision.type == EAEUArrivalHandler.typeCode else {
            let diagnostics =
                decision.diagnostics.isEmpty
                ? [Diagnostic(.eaeuMessageInvalid, "the message is not a goods message")] : decision.diagnostics
            return (decision, .unidentified(TanbaError(diagnostics: diagnostics)))
        }
        let refused = decision.diagnostics.first
        let result = EAEUProcessingResult(
            edocId: EAEUDepartures.uuid(named: "tanba:eaeu-result:\(edocId):\(decision.accepted)"), refEdocId: edocId,
            dateTime: now, accepted: decision.accepted, code: refused?.code.rawValue ?? "ACCEPTED",
            message: refused == nil
                ? (decision.repeated
                    ? "received before as \(decision.documentID); nothing changed"
                    : "registered \(decision.changes.count) identification codes as \(decision.documentID)")
                : Self.eaeuText(decision.diagnostics))
        return (decision, .result(result, signed: try hub.sign(EAEUMessages.processingResult(result))))
    }
}
