/// Codes of the fiscal data intake: batches of cash receipts an OFD relays to the hub.
extension ErrorCode {
    public static let fiscalNotOperator = ErrorCode("FISCAL_NOT_OPERATOR")
    public static let fiscalCodeInvalid = ErrorCode("FISCAL_CODE_INVALID")
    public static let fiscalReceiptConflict = ErrorCode("FISCAL_RECEIPT_CONFLICT")
}

extension ErrorCatalogue {
    /// The fiscal data intake's codes.
    public static let fiscal: [ErrorDefinition] = [
        .init(
            code: .fiscalNotOperator, category: .document,
            summary:
                "The batch's signer acts for a participant that is not registered as a fiscal data operator (role "
                + "ofd): only OFDs relay cash receipts. Nothing in the batch was applied."),
        .init(
            code: .fiscalCodeInvalid, category: .document,
            summary:
                "A receipt line's marking code cannot be read (GS1 syntax, national format, no verification tail, or "
                + "an SSCC): the batch is refused whole, every such line listed."),
        .init(
            code: .fiscalReceiptConflict, category: .document,
            summary:
                "A receipt with this register and fiscal sign is recorded already with other content: the recorded "
                + "one stands; the other receipts of the batch are applied."),
    ]
}
