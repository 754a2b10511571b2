public import Foundation

/// The goods message the other way round: a partner state's system tells the hub of marked goods one of its
/// participants ships to a Kazakh receiver (common process P.LS.03; the same electronic document as
/// `EAEUDeparture`, `P.LS.03.MSG.001` / `R.LS.03.001`, with the parties' countries swapped).
///
/// The hub puts the units into circulation for the receiver once the message passed the checks every document
/// passes (docs/INTEGRATIONS.md, "Arrivals").
public struct EAEUArrival: Sendable, Hashable {
    /// This electronic document's id (EDocId): a UUID in lower case. The hub's document number of the arrival.
    public var edocId: String
    /// The EDocId of an earlier message this one refers to (EDocRefId); nil on a first message.
    public var edocRefId: String?
    /// The id of the partner system's own document that caused the message.
    public var sourceDocumentId: String
    /// When the partner's system made the message (EDocDateTime).
    public var dateTime: Date
    public var senderCountry: EAEUCountry
    /// The sender's taxpayer number in its own country (its form checked for that country).
    public var senderTaxId: String
    public var senderName: String
    /// The Kazakh receiver's BIN or IIN (12 digits, check digit checked).
    public var receiverBIN: String
    public var receiverName: String
    /// The accompanying document's number and date (`YYYY-MM-DD`).
    public var documentNumber: String
    public var documentDate: String
    public var lines: [EAEUDeparture.Line]

    public init(
        edocId: String, edocRefId: String? = nil, sourceDocumentId: String, dateTime: Date,
        senderCountry: EAEUCountry, senderTaxId: String, senderName: String, receiverBIN: String,
        receiverName: String, documentNumber: String, documentDate: String, lines: [EAEUDeparture.Line]
    ) {
        self.edocId = edocId
        self.edocRefId = edocRefId
        self.sourceDocumentId = sourceDocumentId
        self.dateTime = dateTime
        self.senderCountry = senderCountry
        self.senderTaxId = senderTaxId
        self.senderName = senderName
        self.receiverBIN = receiverBIN
        self.receiverName = receiverName
        self.documentNumber = documentNumber
        self.documentDate = documentDate
        self.lines = lines
    }

    /// How many unit codes the message carries.
    public var codeCount: Int { lines.reduce(0) { $0 + $1.codes.count } }

    /// The sender as the hub names a foreign party in its documents: country, colon, taxpayer number
    /// (`RU:7707083893`). Never a participant's id: those are 12 digits.
    public var sender: String { Self.party(senderCountry, senderTaxId) }

    public static func party(_ country: EAEUCountry, _ taxId: String) -> String { "\(country.rawValue):\(taxId)" }
}
