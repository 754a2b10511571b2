public import Foundation

/// The EAEU member states a departure from Kazakhstan can be addressed to (their ISO 3166-1 alpha-2 codes).
public enum EAEUCountry: String, Sendable, Hashable, CaseIterable, Codable {
    case russia = "RU"
    case belarus = "BY"
    case kyrgyzstan = "KG"
    case armenia = "AM"

    /// Whether `taxId` has the form of this country's taxpayer number: the hub checks the form only, the receiving
    /// state's system checks the number itself.
    ///
    /// Russia: INN of 10 (organisation) or 12 (person) digits; Belarus: UNP of 9 letters or digits; Kyrgyzstan: INN of
    /// 14 digits; Armenia: TIN (ՀՎՀՀ) of 8 digits.
    public func isTaxIdForm(_ taxId: String) -> Bool {
        let ascii = taxId.unicodeScalars.allSatisfy(\.isASCII)
        let digits = ascii && taxId.allSatisfy(\.isNumber)
        switch self {
        case .russia: return digits && (taxId.count == 10 || taxId.count == 12)
        case .belarus: return ascii && taxId.count == 9 && taxId.allSatisfy { $0.isLetter || $0.isNumber }
        case .kyrgyzstan: return digits && taxId.count == 14
        case .armenia: return digits && taxId.count == 8
        }
    }
}

/// The EAEU message "goods leaving Kazakhstan" (common process P.LS.03): marked goods a Kazakh participant ships to
/// a buyer in another member state, with every unit's identification code, sent by the hub to the receiving
/// state's system.
///
/// The public sources of the Eurasian Economic Commission do not give this message's number or fields; the hub
/// names it `P.LS.03.MSG.001` with electronic document `R.LS.03.001`, in the Commission's pattern
/// (`EAEUMessages.departureEnvelopeCode`, `EAEUMessages.departureDocumentCode`). These numbers are the hub's own
/// choice (docs/INTEGRATIONS.md).
public struct EAEUDeparture: Sendable, Hashable {
    /// One GTIN of the shipment and the identification code of each of its units.
    public struct Line: Sendable, Hashable {
        /// The GTIN-14 of the product.
        public var gtin: String
        /// Each unit's identification code: `01` + GTIN + `21` + serial (no crypto tail).
        public var codes: [String]

        public init(gtin: String, codes: [String]) {
            self.gtin = gtin
            self.codes = codes
        }
    }

    /// This electronic document's id (EDocId): a UUID in lower case.
    public var edocId: String
    /// The EDocId of an earlier message this one refers to (EDocRefId); nil on a first message.
    public var edocRefId: String?
    /// The id of the hub's document that caused this message (the accepted shipment to the EAEU).
    public var sourceDocumentId: String
    /// When the message was made (EDocDateTime), written with Kazakhstan's offset, +05:00, to the second.
    public var dateTime: Date
    /// The Kazakh sender's BIN (12 digits).
    public var senderBIN: String
    public var senderName: String
    public var receiverCountry: EAEUCountry
    /// The receiver's taxpayer number in its own country.
    public var receiverTaxId: String
    public var receiverName: String
    /// The accompanying document's number (the shipment's).
    public var documentNumber: String
    /// The accompanying document's date, `YYYY-MM-DD`.
    public var documentDate: String
    public var lines: [Line]

    public init(
        edocId: String, edocRefId: String? = nil, sourceDocumentId: String, dateTime: Date, senderBIN: String,
        senderName: String, receiverCountry: EAEUCountry, receiverTaxId: String, receiverName: String,
        documentNumber: String, documentDate: String, lines: [Line]
    ) {
        self.edocId = edocId
        self.edocRefId = edocRefId
        self.sourceDocumentId = sourceDocumentId
        self.dateTime = dateTime
        self.senderBIN = senderBIN
        self.senderName = senderName
        self.receiverCountry = receiverCountry
        self.receiverTaxId = receiverTaxId
        self.receiverName = receiverName
        self.documentNumber = documentNumber
        self.documentDate = documentDate
        self.lines = lines
    }

    /// How many unit codes the message carries.
    public var codeCount: Int { lines.reduce(0) { $0 + $1.codes.count } }
}

/// The receiving state's answer to a message (P.LS.03.MSG.002, electronic document R.LS.03.002: numbers of the
/// hub's own choice in the Commission's pattern, as for the departure).
public struct EAEUProcessingResult: Sendable, Hashable {
    /// This answer's own EDocId (a UUID in lower case).
    public var edocId: String
    /// The EDocId of the message it answers (written as EDocRefId).
    public var refEdocId: String
    /// When the answer was made, written with +05:00, to the second.
    public var dateTime: Date
    /// Whether the message was registered.
    public var accepted: Bool
    /// The receiving system's result code.
    public var code: String
    /// Its explanation, if any.
    public var message: String?

    public init(edocId: String, refEdocId: String, dateTime: Date, accepted: Bool, code: String, message: String? = nil)
    {
        self.edocId = edocId
        self.refEdocId = refEdocId
        self.dateTime = dateTime
        self.accepted = accepted
        self.code = code
        self.message = message
    }
}
