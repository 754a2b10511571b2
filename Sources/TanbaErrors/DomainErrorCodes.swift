/// Codes of the domain: code life cycle, aggregation, participants, catalogue, emission.
extension ErrorCode {
    // MARK: Code life cycle
    public static let codeNotFound = ErrorCode("CODE_NOT_FOUND")
    public static let codeStatus = ErrorCode("CODE_STATUS")
    public static let codeNotOwner = ErrorCode("CODE_NOT_OWNER")
    public static let codeLocked = ErrorCode("CODE_LOCKED")
    public static let codeNotLocked = ErrorCode("CODE_NOT_LOCKED")
    public static let codeReturnNotAllowed = ErrorCode("CODE_RETURN_NOT_ALLOWED")
    public static let codeInPackage = ErrorCode("CODE_IN_PACKAGE")
    public static let codeDuplicate = ErrorCode("CODE_DUPLICATE")
    public static let codeForged = ErrorCode("CODE_FORGED")

    // MARK: Aggregation
    public static let aggregationLevel = ErrorCode("AGG_LEVEL")
    public static let aggregationAlreadyInside = ErrorCode("AGG_ALREADY_INSIDE")
    public static let aggregationMixed = ErrorCode("AGG_MIXED")
    public static let aggregationCycle = ErrorCode("AGG_CYCLE")
    public static let aggregationNotChild = ErrorCode("AGG_NOT_CHILD")
    public static let aggregationEmpty = ErrorCode("AGG_EMPTY")

    // MARK: Participants, catalogue, emission
    public static let participantUnknown = ErrorCode("PARTICIPANT_UNKNOWN")
    public static let participantInvalid = ErrorCode("PARTICIPANT_INVALID")
    public static let participantNotAllowed = ErrorCode("PARTICIPANT_NOT_ALLOWED")
    public static let registrationExists = ErrorCode("REGISTRATION_EXISTS")
    public static let registrationNotHead = ErrorCode("REGISTRATION_NOT_HEAD")
    public static let catalogUnknownGTIN = ErrorCode("CATALOG_UNKNOWN_GTIN")
    public static let catalogInvalid = ErrorCode("CATALOG_INVALID")
    public static let referenceUnknown = ErrorCode("REFERENCE_UNKNOWN")
    public static let emissionKeyUnknown = ErrorCode("EMISSION_KEY_UNKNOWN")
    public static let orderInvalid = ErrorCode("ORDER_INVALID")
    public static let storeFailure = ErrorCode("STORE_FAILURE")
    public static let storeConflict = ErrorCode("STORE_CONFLICT")
}

extension ErrorCatalogue {
    /// The domain's codes.
    public static let domain: [ErrorDefinition] = [
        .init(
            code: .codeNotFound, category: .document, summary: "No marking code or package with that identity exists."),
        .init(
            code: .codeStatus, category: .document,
            summary: "The code's status does not allow the operation (see docs/STATES.md)."),
        .init(code: .codeNotOwner, category: .document, summary: "The code does not belong to the participant acting."),
        .init(code: .codeLocked, category: .document, summary: "The code is locked by a pending shipment."),
        .init(
            code: .codeNotLocked, category: .document,
            summary: "The code is not locked by the shipment document the operation names."),
        .init(
            code: .codeReturnNotAllowed, category: .document,
            summary: "Goods withdrawn for this reason cannot return into circulation."),
        .init(
            code: .codeInPackage, category: .document,
            summary: "The code is inside a package: act on the package, or remove the code from it first."),
        .init(
            code: .codeDuplicate, category: .document,
            summary: "A code with this GTIN and serial already exists: codes are never issued twice."),
        .init(
            code: .codeForged, category: .document,
            summary: "The code's verification tail does not match: the code is forged or altered."),
        .init(
            code: .aggregationLevel, category: .document,
            summary: "A package must be of a higher packaging level than what it holds (unit < group < transport)."),
        .init(
            code: .aggregationAlreadyInside, category: .document,
            summary: "The code is already inside another package (a code has at most one parent)."),
        .init(
            code: .aggregationMixed, category: .document,
            summary: "A package and its contents must share owner and status."),
        .init(code: .aggregationCycle, category: .document, summary: "A package cannot be put inside itself."),
        .init(code: .aggregationNotChild, category: .document, summary: "The code is not inside that package."),
        .init(code: .aggregationEmpty, category: .document, summary: "An aggregation names no contents."),
        .init(
            code: .participantUnknown, category: .request, summary: "No participant with that BIN or IIN is registered."
        ),
        .init(
            code: .participantInvalid, category: .request,
            summary: "The participant's data is invalid (identifier, roles, product groups)."),
        .init(
            code: .participantNotAllowed, category: .document,
            summary: "The participant's roles or product groups do not allow the operation."),
        .init(
            code: .registrationExists, category: .request,
            summary: "The organisation or entrepreneur the certificate names is registered already."),
        .init(
            code: .registrationNotHead, category: .request,
            summary:
                "An organisation is registered by its first head: the certificate carries the BIN but not NCA's "
                + "first-head role; or a representative's certificate is not of the organisation."),
        .init(code: .catalogUnknownGTIN, category: .document, summary: "The GTIN is not in the product catalogue."),
        .init(code: .catalogInvalid, category: .request, summary: "A product card is invalid (GTIN, group, country…)."),
        .init(code: .referenceUnknown, category: .request, summary: "A value is not in the reference data (NSI)."),
        .init(
            code: .emissionKeyUnknown, category: .document,
            summary: "The code names an emission key (AI 91) the hub does not know."),
        .init(code: .orderInvalid, category: .request, summary: "A code order is invalid (count out of range…)."),
        .init(code: .storeFailure, category: .internal, summary: "The store failed (disk, lock, corruption)."),
        .init(
            code: .storeConflict, category: .internal,
            summary:
                "What a decision expected changed before it was applied (a document with the same number or content was stored meanwhile); the hub decides again, and a client sees this only if that keeps happening."
        ),
    ]
}
