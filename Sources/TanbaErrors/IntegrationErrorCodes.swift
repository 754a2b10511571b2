/// Codes of the hub's integrations with other systems: messages exchanged with an EAEU member state's system
/// (common process P.LS.03) and the SOAP envelopes that carry them. A message that is not XML keeps the XML core's
/// codes (`XML_MALFORMED`, `XML_TOO_LARGE`…); its signature, the `SIG_…` and `CERT_…` codes.
extension ErrorCode {
    public static let eaeuMessageInvalid = ErrorCode("EAEU_MESSAGE_INVALID")
    public static let soapEnvelopeInvalid = ErrorCode("SOAP_ENVELOPE_INVALID")
    public static let eaeuPartnerUnknown = ErrorCode("EAEU_PARTNER_UNKNOWN")
    public static let eaeuReferenceUnknown = ErrorCode("EAEU_REFERENCE_UNKNOWN")
    public static let eaeuCodeKnown = ErrorCode("EAEU_CODE_KNOWN")
}

extension ErrorCatalogue {
    /// The integrations' codes.
    public static let integrations: [ErrorDefinition] = [
        .init(
            code: .eaeuMessageInvalid, category: .document,
            summary:
                "An EAEU message (P.LS.03) is not of its format: the root element or its namespace, a header field "
                + "(InfEnvelopeCode, EDocCode, EDocId, EDocDateTime…), a party, a GTIN or a marking code is missing "
                + "or invalid; the element is named."),
        .init(
            code: .soapEnvelopeInvalid, category: .document,
            summary:
                "A SOAP 1.1 envelope is malformed: not a soap:Envelope, no Body or not exactly one element in it, "
                + "or a WS-Addressing header (MessageID, Action) missing or empty; the element is named."),
        .init(
            code: .eaeuPartnerUnknown, category: .certificate,
            summary:
                "An EAEU message comes from a member state whose system is not a partner of the hub: no certificate "
                + "of that state's system is pinned (tanba serve --eaeu-partner)."),
        .init(
            code: .eaeuReferenceUnknown, category: .document,
            summary:
                "An EAEU message refers (EDocRefId) to a message the hub never received from that sender: it came out "
                + "of order; send the earlier message first."),
        .init(
            code: .eaeuCodeKnown, category: .document,
            summary:
                "An EAEU arrival names a unit whose code the hub knows already (issued in Kazakhstan, or arrived "
                + "before): a code is registered once; the code is named."),
    ]
}
