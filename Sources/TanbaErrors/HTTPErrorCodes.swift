/// Codes of the channels: login and access.
extension ErrorCode {
    public static let authRequired = ErrorCode("AUTH_REQUIRED")
    public static let authChallenge = ErrorCode("AUTH_CHALLENGE")
    public static let authForbidden = ErrorCode("AUTH_FORBIDDEN")
    public static let requestTooLarge = ErrorCode("REQUEST_TOO_LARGE")
    public static let notFound = ErrorCode("NOT_FOUND")
    public static let rateLimited = ErrorCode("RATE_LIMITED")
    public static let requestParameterInvalid = ErrorCode("REQUEST_PARAMETER_INVALID")
    public static let methodNotAllowed = ErrorCode("METHOD_NOT_ALLOWED")
    public static let requestInvalid = ErrorCode("REQUEST_INVALID")
    public static let formTokenInvalid = ErrorCode("FORM_TOKEN_INVALID")
}

extension ErrorCatalogue {
    /// The channels' codes.
    public static let channels: [ErrorDefinition] = [
        .init(
            code: .authRequired, category: .request,
            summary:
                "The request needs a bearer token from a signature login (POST /v1/auth/challenge, then /v1/auth/token)."
        ),
        .init(
            code: .authChallenge, category: .request,
            summary: "The signed login challenge is unknown, used already or expired; ask for a new one."),
        .init(
            code: .authForbidden, category: .request,
            summary: "The participant logged in may not see or act on this document or code (it is not theirs)."),
        .init(code: .requestTooLarge, category: .request, summary: "The request body is larger than the hub accepts."),
        .init(code: .notFound, category: .request, summary: "No such document, code or resource."),
        .init(
            code: .rateLimited, category: .request,
            summary: "Too many requests from this client; wait the Retry-After seconds and send again."),
        .init(
            code: .requestParameterInvalid, category: .request,
            summary:
                "A query parameter is unknown or its value is malformed or out of range (the detail names it): a bad "
                + "paging cursor, date, limit, status or type."),
        .init(
            code: .methodNotAllowed, category: .request,
            summary: "The route exists but does not take this HTTP method; the Allow header lists those it takes."),
        .init(
            code: .requestInvalid, category: .request,
            summary: "The request is malformed at the HTTP level and was not handed to any route."),
        .init(
            code: .formTokenInvalid, category: .request,
            summary:
                "A web form was posted without the form token of the page it came from (an expired page, or a form "
                + "another site made); open the page again and repeat."),
        .init(
            code: .auditBroken, category: .internal,
            summary: "The audit trail's hash chain does not hold: an entry was changed, removed or reordered."),
    ]
}

extension ErrorCode {
    public static let auditBroken = ErrorCode("AUDIT_BROKEN")
}
