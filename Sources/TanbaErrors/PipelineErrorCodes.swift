/// Codes of the document pipeline: authority and format-logical control (FLC).
extension ErrorCode {
    // MARK: Authority
    public static let authSenderUnknown = ErrorCode("AUTH_SENDER_UNKNOWN")
    public static let authNotRepresentative = ErrorCode("AUTH_NOT_REPRESENTATIVE")
    public static let authRole = ErrorCode("AUTH_ROLE")

    // MARK: Format-logical control
    public static let flcNumberUsed = ErrorCode("FLC_NUMBER_USED")
    public static let flcDateInFuture = ErrorCode("FLC_DATE_IN_FUTURE")
    public static let flcLineAmount = ErrorCode("FLC_LINE_AMOUNT")
    public static let flcVAT = ErrorCode("FLC_VAT")
    public static let flcTotals = ErrorCode("FLC_TOTALS")
    public static let flcQuantityCodes = ErrorCode("FLC_QUANTITY_CODES")
    public static let flcCodeGTIN = ErrorCode("FLC_CODE_GTIN")
    public static let flcCounterpartyUnknown = ErrorCode("FLC_COUNTERPARTY_UNKNOWN")
    public static let flcSelfShipment = ErrorCode("FLC_SELF_SHIPMENT")
    public static let flcDocumentTypeUnsupported = ErrorCode("FLC_DOCUMENT_TYPE_UNSUPPORTED")
    public static let flcShipmentUnknown = ErrorCode("FLC_SHIPMENT_UNKNOWN")
    public static let flcNotAddressee = ErrorCode("FLC_NOT_ADDRESSEE")
    public static let flcAnswerItems = ErrorCode("FLC_ANSWER_ITEMS")
    public static let flcBasisRequired = ErrorCode("FLC_BASIS_REQUIRED")
    public static let flcDates = ErrorCode("FLC_DATES")
    public static let flcExportToEAEU = ErrorCode("FLC_EXPORT_TO_EAEU")
    public static let flcForeignTaxId = ErrorCode("FLC_FOREIGN_TAX_ID")
    public static let flcGroupNotIssued = ErrorCode("FLC_GROUP_NOT_ISSUED")
    public static let flcExpiryRequired = ErrorCode("FLC_EXPIRY_REQUIRED")
    public static let flcCertificateRequired = ErrorCode("FLC_CERTIFICATE_REQUIRED")
}

extension ErrorCatalogue {
    /// The pipeline's codes.
    public static let pipeline: [ErrorDefinition] = [
        .init(
            code: .authSenderUnknown, category: .document,
            summary: "The document's sender (BIN/IIN) is not a registered participant."),
        .init(
            code: .authNotRepresentative, category: .document,
            summary:
                "The signer's certificate does not belong to the sender (BIN/IIN) or to a person registered for it."),
        .init(
            code: .authRole, category: .document,
            summary: "The signer's NCA role does not allow this document type (e.g. an employee shipping goods)."),
        .init(
            code: .flcNumberUsed, category: .document,
            summary: "The sender already used this document number for a different document."),
        .init(code: .flcDateInFuture, category: .document, summary: "A document date lies in the future."),
        .init(code: .flcLineAmount, category: .document, summary: "A line's amount is not quantity × unit price."),
        .init(
            code: .flcVAT, category: .document,
            summary: "A line's VAT amount does not match its rate (VAT included: amount × rate / (100 + rate))."),
        .init(code: .flcTotals, category: .document, summary: "The totals are not the sums of the lines."),
        .init(
            code: .flcQuantityCodes, category: .document,
            summary: "The number of marking codes on a line differs from its quantity."),
        .init(code: .flcCodeGTIN, category: .document, summary: "A marking code's GTIN is not the line's GTIN."),
        .init(
            code: .flcCounterpartyUnknown, category: .document,
            summary: "The buyer (or other counterparty) is not a registered participant."),
        .init(code: .flcSelfShipment, category: .document, summary: "Seller and buyer are the same participant."),
        .init(
            code: .flcDocumentTypeUnsupported, category: .document,
            summary: "The document type is known to the schemas but the hub does not process it yet."),
        .init(
            code: .flcShipmentUnknown, category: .document,
            summary: "An answer names a shipment that does not exist or is no longer waiting for an answer."),
        .init(
            code: .flcNotAddressee, category: .document,
            summary: "Only the buyer a shipment is addressed to may answer it."),
        .init(
            code: .flcAnswerItems, category: .document,
            summary:
                "An answer must account for exactly the shipped codes and packages, each once, as its decision says."),
        .init(
            code: .flcBasisRequired, category: .document,
            summary: "The withdrawal reason requires a basis document (an act, a contract, a court decision…)."),
        .init(
            code: .flcDates, category: .document,
            summary: "Dates contradict each other (expiry before production)."),
        .init(
            code: .flcExpiryRequired, category: .document,
            summary: "The product group requires an expiry date for documents of this date (reference data)."),
        .init(
            code: .flcCertificateRequired, category: .document,
            summary: "The product group requires a conformity certificate for documents of this date (reference data)."),
        .init(
            code: .flcExportToEAEU, category: .document,
            summary: "An export names an EAEU member state: goods to the EAEU travel with an EAEU shipment."),
        .init(
            code: .flcForeignTaxId, category: .document,
            summary:
                "A buyer in another EAEU member state has a taxpayer number not in that state's form (RU 10 or 12 "
                + "digits, BY 9 letters or digits, KG 14 digits, AM 8 digits): its state's system would refuse the "
                + "message."),
        .init(
            code: .flcGroupNotIssued, category: .document,
            summary:
                "Codes are ordered for a product group the hub issues no codes for (marked otherwise: stamps, RFID)."),
    ]
}
