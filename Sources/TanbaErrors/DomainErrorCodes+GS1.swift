/// Codes for malformed GS1 data (marking codes, GTIN, SSCC) and Kazakh identifiers (IIN/BIN).
///
/// A GS1 diagnostic puts the 1-based character position of the problem in `column` (counted in Unicode scalars of
/// the input as received, prefix included) and names the application identifier in the message.
extension ErrorCode {
    // MARK: GS1 element strings
    public static let gs1Empty = ErrorCode("GS1_EMPTY")
    public static let gs1UnknownAI = ErrorCode("GS1_UNKNOWN_AI")
    public static let gs1Length = ErrorCode("GS1_LENGTH")
    public static let gs1Character = ErrorCode("GS1_CHARACTER")
    public static let gs1CheckDigit = ErrorCode("GS1_CHECK_DIGIT")
    public static let gs1Date = ErrorCode("GS1_DATE")
    public static let gs1DuplicateAI = ErrorCode("GS1_DUPLICATE_AI")
    public static let gs1MissingAI = ErrorCode("GS1_MISSING_AI")
    public static let gs1Syntax = ErrorCode("GS1_SYNTAX")
    public static let gs1NationalFormat = ErrorCode("GS1_NATIONAL_FORMAT")

    // MARK: Kazakh identifiers
    public static let identifierInvalid = ErrorCode("ID_INVALID")
}

extension ErrorCatalogue {
    /// The codes of GS1 data and Kazakh identifiers.
    public static let gs1: [ErrorDefinition] = [
        .init(code: .gs1Empty, category: .document, summary: "The marking code or SSCC is empty."),
        .init(
            code: .gs1UnknownAI, category: .document,
            summary: "The code uses an application identifier the hub does not know or support."),
        .init(
            code: .gs1Length, category: .document,
            summary: "A value is shorter or longer than its application identifier allows, or is empty."),
        .init(
            code: .gs1Character, category: .document,
            summary:
                "A value has a character its application identifier does not allow (not in GS1 character set 82, or a non-digit in a numeric field)."
        ),
        .init(
            code: .gs1CheckDigit, category: .document,
            summary: "A GTIN or SSCC has a wrong GS1 mod-10 check digit."),
        .init(
            code: .gs1Date, category: .document,
            summary: "A production or expiry date is not a valid YYMMDD date (DD may be 00 for an unspecified day)."),
        .init(
            code: .gs1DuplicateAI, category: .document,
            summary: "An application identifier appears more than once in the code."),
        .init(
            code: .gs1MissingAI, category: .document,
            summary:
                "A required application identifier is missing: a marking code needs (01) and (21), an SSCC string needs (00)."
        ),
        .init(
            code: .gs1Syntax, category: .document,
            summary:
                "The code's structure is malformed (unclosed bracket, stray or doubled separator, unknown symbology identifier)."
        ),
        .init(
            code: .gs1NationalFormat, category: .document,
            summary:
                "The code is valid GS1 but not a Kazakh marking code of its product group: an element of another length (a missing GS separator often makes a serial too long) or an element the group's format does not have."
        ),
        .init(
            code: .identifierInvalid, category: .document,
            summary: "An IIN or BIN is not 12 digits or its check digit is wrong."),
    ]
}
