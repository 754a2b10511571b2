/// Codes of the Ministry of Finance exports (docs/INTEGRATIONS.md): making an export, and the refusals of what the
/// Ministry sends back (acknowledgements, SNT lists). A refused acknowledgement changes nothing and is audited.
/// The `MOF_ACK_…` codes serve both kinds of acknowledgement — of an export and of a reconciliation report — which
/// are verified by one procedure; only the unknown subject has a code per kind.
extension ErrorCode {
    public static let mofPeriodInvalid = ErrorCode("MOF_PERIOD_INVALID")
    public static let mofDayOpen = ErrorCode("MOF_DAY_OPEN")
    public static let mofDayExported = ErrorCode("MOF_DAY_EXPORTED")
    public static let mofExportFileMissing = ErrorCode("MOF_EXPORT_FILE_MISSING")
    public static let mofAckInvalid = ErrorCode("MOF_ACK_INVALID")
    public static let mofAckUnsigned = ErrorCode("MOF_ACK_UNSIGNED")
    public static let mofAckWrongSigner = ErrorCode("MOF_ACK_WRONG_SIGNER")
    public static let mofAckUnknownExport = ErrorCode("MOF_ACK_UNKNOWN_EXPORT")
    public static let mofAckUnknownReport = ErrorCode("MOF_ACK_UNKNOWN_REPORT")
    public static let mofAckDigestMismatch = ErrorCode("MOF_ACK_DIGEST_MISMATCH")
    public static let mofAckReplayed = ErrorCode("MOF_ACK_REPLAYED")
    public static let mofAckOutOfOrder = ErrorCode("MOF_ACK_OUT_OF_ORDER")
    public static let mofSNTListInvalid = ErrorCode("MOF_SNT_LIST_INVALID")
    public static let mofSNTListUnsigned = ErrorCode("MOF_SNT_LIST_UNSIGNED")
    public static let mofSNTListWrongSigner = ErrorCode("MOF_SNT_LIST_WRONG_SIGNER")
    public static let mofSNTListOutOfOrder = ErrorCode("MOF_SNT_LIST_OUT_OF_ORDER")
    public static let mofReconciliationInvalid = ErrorCode("MOF_RECONCILIATION_INVALID")
}

extension ErrorCatalogue {
    /// The Ministry of Finance export codes.
    public static let mof: [ErrorDefinition] = [
        .init(
            code: .mofPeriodInvalid, category: .request,
            summary: "An export's period is not one or more days `YYYY-MM-DD` with the first not after the last."),
        .init(
            code: .mofDayOpen, category: .request,
            summary:
                "A daily export was asked for a day that has not closed yet (Kazakhstan's midnight plus the grace "
                + "period): its events may still be committing."),
        .init(
            code: .mofDayExported, category: .request,
            summary:
                "The day was exported by the daily export already: a day is exported once (on demand re-exports it)."),
        .init(
            code: .mofExportFileMissing, category: .internal,
            summary: "An export's file is not in the exports folder (deleted or moved): it cannot be delivered."),
        .init(
            code: .mofAckInvalid, category: .document,
            summary:
                "An acknowledgement from the Ministry is not one: not our schema's `MoFAcknowledgement` (of an "
                + "export) or `MoFReconciliationAcknowledgement` (of a reconciliation report), a field missing or out "
                + "of pattern (the element is named)."),
        .init(
            code: .mofAckUnsigned, category: .document,
            summary: "An acknowledgement from the Ministry carries no signature."),
        .init(
            code: .mofAckWrongSigner, category: .document,
            summary:
                "An acknowledgement is signed by a certificate other than the Ministry's configured one, or its "
                + "signature does not verify."),
        .init(
            code: .mofAckUnknownExport, category: .document,
            summary:
                "An acknowledgement names an export the hub never made, or, as the answer to an export's delivery, "
                + "another export than the one delivered."),
        .init(
            code: .mofAckUnknownReport, category: .document,
            summary:
                "An acknowledgement names a reconciliation report the hub never made, or, as the answer to a "
                + "report's delivery, another report than the one delivered."),
        .init(
            code: .mofAckDigestMismatch, category: .document,
            summary:
                "An acknowledgement's digest is not the digest of the export or report it names: it acknowledges "
                + "other bytes."),
        .init(
            code: .mofAckReplayed, category: .document,
            summary:
                "The export or report named was acknowledged already: a repeated acknowledgement changes nothing."),
        .init(
            code: .mofAckOutOfOrder, category: .document,
            summary: "An acknowledgement is dated before the export or report it names was made."),
        .init(
            code: .mofSNTListInvalid, category: .document,
            summary: "A list of SNTs from the tax side is not our schema's `SNTList` (the element is named)."),
        .init(
            code: .mofSNTListUnsigned, category: .document,
            summary: "A list of SNTs from the Ministry carries no signature."),
        .init(
            code: .mofSNTListWrongSigner, category: .document,
            summary:
                "A list of SNTs is signed by a certificate other than the Ministry's configured one, or its signature "
                + "does not verify (the list was altered)."),
        .init(
            code: .mofSNTListOutOfOrder, category: .document,
            summary:
                "A list of SNTs is not newer (`CreatedAt`) than the list the hub holds for a day of its period: an "
                + "older list replayed or arriving out of order replaces nothing."),
        .init(
            code: .mofReconciliationInvalid, category: .document,
            summary: "A reconciliation report is not our schema's `MoFReconciliation` (the element is named)."),
    ]
}
