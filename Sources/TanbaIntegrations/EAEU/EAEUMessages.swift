public import Foundation
import TanbaXML

/// The EAEU messages of common process P.LS.03 as XML: writers and strict parsers.
///
/// Each document starts with the Commission's header (`InfEnvelopeCode`, `EDocCode`, `EDocId`, `EDocRefId`,
/// `EDocDateTime`) in the namespace of its simple data objects, followed by the message's own elements in the
/// document's namespace. The writers leave the root open for an enveloped XMLDSig signature as its last child
/// (`DocumentSigner.sign` appends it there); the parsers accept that signature and nothing else after the content.
public enum EAEUMessages {
    /// The Commission's simple data objects (the header's and the parties' elements).
    public static let simpleDataObjects = "urn:EEC:M:SimpleDataObjects:v0.4.6"
    /// The departure's own namespace (ours, in the Commission's pattern).
    public static let departureNamespace = "urn:EEC:R:LS:03:001:GoodsDeparture:v1.0.0"
    /// The processing result's own namespace (ours, in the Commission's pattern).
    public static let resultNamespace = "urn:EEC:R:LS:03:002:ProcessingResult:v1.0.0"

    /// The departure's information envelope (message) code: the hub's choice, see `EAEUDeparture`.
    public static let departureEnvelopeCode = "P.LS.03.MSG.001"
    /// The departure's electronic document code: the hub's choice.
    public static let departureDocumentCode = "R.LS.03.001"
    /// The processing result's message code: the hub's choice.
    public static let resultEnvelopeCode = "P.LS.03.MSG.002"
    /// The processing result's electronic document code: the hub's choice.
    public static let resultDocumentCode = "R.LS.03.002"

    /// The WS-Addressing action of a departure.
    public static let departureAction = "urn:EEC:P.LS.03:MSG.001"
    /// The WS-Addressing action of a processing result.
    public static let resultAction = "urn:EEC:P.LS.03:MSG.002"

    /// Kazakhstan's offset (one time zone, UTC+5, since 1 March 2024): every date-time the hub writes carries it.
    static let kazakhstan = TimeZone(secondsFromGMT: 5 * 3600)!

    /// The departure as UTF-8 XML with an XML declaration, unsigned.
    public static func departure(_ message: EAEUDeparture) -> [UInt8] {
        goodsMessage(
            id: message.edocId, refId: message.edocRefId, at: message.dateTime, source: message.sourceDocumentId,
            sender: ("KZ", message.senderBIN, message.senderName),
            receiver: (message.receiverCountry.rawValue, message.receiverTaxId, message.receiverName),
            number: message.documentNumber, date: message.documentDate, lines: message.lines)
    }

    /// An arrival (a partner's goods message to a Kazakh receiver) as UTF-8 XML, unsigned: what a partner state's
    /// system sends the hub (`tanba-sim eaeu-send` writes it so).
    public static func arrival(_ message: EAEUArrival) -> [UInt8] {
        goodsMessage(
            id: message.edocId, refId: message.edocRefId, at: message.dateTime, source: message.sourceDocumentId,
            sender: (message.senderCountry.rawValue, message.senderTaxId, message.senderName),
            receiver: ("KZ", message.receiverBIN, message.receiverName), number: message.documentNumber,
            date: message.documentDate, lines: message.lines)
    }

    /// The goods message in either direction.
    private static func goodsMessage(
        id: String, refId: String?, at date: Date, source: String, sender: (String, String, String),
        receiver: (String, String, String), number: String, date documentDate: String, lines: [EAEUDeparture.Line]
    ) -> [UInt8] {
        func party(_ name: String, _ party: (String, String, String)) -> String {
            "<\(name)>" + csdo("UnifiedCountryCode", party.0) + csdo("TaxpayerId", party.1)
                + csdo("BusinessEntityName", party.2) + "</\(name)>"
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<GoodsDeparture xmlns=\"\(departureNamespace)\" xmlns:csdo=\"\(simpleDataObjects)\">"
        xml += header(
            envelope: departureEnvelopeCode, document: departureDocumentCode, id: id, refId: refId, at: date)
        xml += element("SourceDocumentId", source)
        xml += party("Sender", sender) + party("Receiver", receiver)
        xml += "<AccompanyingDocument>" + csdo("DocId", number)
        xml += csdo("DocCreationDate", documentDate) + "</AccompanyingDocument>"
        xml += "<Goods>"
        for line in lines {
            xml += "<GoodsItem>" + element("GTIN", line.gtin)
            for code in line.codes { xml += element("IdentificationCode", code) }
            xml += "</GoodsItem>"
        }
        xml += "</Goods></GoodsDeparture>\n"
        return Array(xml.utf8)
    }

    /// The processing result as UTF-8 XML with an XML declaration, unsigned.
    public static func processingResult(_ result: EAEUProcessingResult) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<ProcessingResult xmlns=\"\(resultNamespace)\" xmlns:csdo=\"\(simpleDataObjects)\">"
        xml += header(
            envelope: resultEnvelopeCode, document: resultDocumentCode, id: result.edocId, refId: result.refEdocId,
            at: result.dateTime)
        xml += element("Accepted", result.accepted ? "true" : "false")
        xml += element("ResultCode", result.code)
        if let message = result.message { xml += element("ResultDescription", message) }
        xml += "</ProcessingResult>\n"
        return Array(xml.utf8)
    }

    /// The Commission's header, in its order.
    private static func header(envelope: String, document: String, id: String, refId: String?, at date: Date)
        -> String
    {
        csdo("InfEnvelopeCode", envelope) + csdo("EDocCode", document) + csdo("EDocId", id)
            + (refId.map { csdo("EDocRefId", $0) } ?? "") + csdo("EDocDateTime", dateTime(date))
    }

    /// A date-time as ISO 8601 with Kazakhstan's offset, to the second (`2026-11-27T10:15:00+05:00`).
    public static func dateTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = kazakhstan
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private static func element(_ name: String, _ text: String) -> String {
        "<\(name)>\(XMLText.escape(text))</\(name)>"
    }

    private static func csdo(_ name: String, _ text: String) -> String {
        "<csdo:\(name)>\(XMLText.escape(text))</csdo:\(name)>"
    }
}
