import Crypto
import Foundation
import TanbaDomain
import TanbaIntegrations
import TanbaStore
import TanbaXML

/// The EAEU message an accepted shipment to another member state sends (P.LS.03, "goods leaving Kazakhstan"),
/// queued by the decision itself: the shipment is never accepted without it, nor the message sent for a
/// shipment refused.
enum EAEUDepartures {
    static let channel = "eaeu"

    /// The message's `EDocId`, also its idempotency key: a UUID made from the document's id, so a decision made
    /// again (after a conflict) queues the same message, which the outbox's unique key then holds once.
    static func edocId(for document: String) -> String { uuid(named: "tanba:eaeu-departure:\(document)") }

    /// A name-based UUID (version 5 layout, SHA-256 of `name`), in lower case: the same name, the same id.
    static func uuid(named name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(name.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50  // version 5 (name-based, SHA)
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = Array(Hex.encode(bytes))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    /// The message for the units `withdrawn` (a package's contents included), by GTIN in first-seen order.
    static func message(
        document: String, at now: Date, senderBIN: String, senderName: String, country: EAEUCountry, taxId: String,
        buyer: String, number: String, date: String, withdrawn: [CodeRecord]
    ) -> OutboundMessage {
        var order: [String] = []
        var byGTIN: [String: [String]] = [:]
        for code in withdrawn where code.level != .transport {
            guard let gtin = code.gtin else { continue }
            if byGTIN[gtin] == nil { order.append(gtin) }
            byGTIN[gtin, default: []].append(code.id)
        }
        let departure = EAEUDeparture(
            edocId: edocId(for: document), sourceDocumentId: document, dateTime: now, senderBIN: senderBIN,
            senderName: senderName, receiverCountry: country, receiverTaxId: taxId, receiverName: buyer,
            documentNumber: number, documentDate: date,
            lines: order.map { EAEUDeparture.Line(gtin: $0, codes: byGTIN[$0]!) })
        return OutboundMessage(
            channel: channel, kind: EAEUMessages.departureEnvelopeCode, idempotencyKey: departure.edocId,
            body: EAEUMessages.departure(departure))
    }
}
