/// Codes of the public side: violation reports and their triage. (A code that cannot be read keeps the GS1
/// codes; a photo that cannot be read, the image codes.)
extension ErrorCode {
    public static let violationInvalid = ErrorCode("VIOLATION_INVALID")
    public static let violationStatusChanged = ErrorCode("VIOLATION_STATUS_CHANGED")
}

extension ErrorCatalogue {
    /// The public side's codes.
    public static let publicControl: [ErrorDefinition] = [
        .init(
            code: .violationInvalid, category: .request,
            summary:
                "A violation report is incomplete or malformed: a kind from the list, the shop's name and address "
                + "are required; texts have length limits, a location is a latitude and a longitude in range, a "
                + "region is one of Kazakhstan's (ISO 3166-2:KZ)."),
        .init(
            code: .violationStatusChanged, category: .request,
            summary:
                "The report's status was changed by someone else since it was shown, or is already the one asked "
                + "for: reload it and decide again."),
    ]
}
