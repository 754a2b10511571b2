/// Codes of `tanba signer`, the local signer that speaks NCALayer's websocket protocol: a page's request that
/// cannot be signed. (XML the signer cannot read keeps the XML core's codes: `XML_MALFORMED`, `XML_TOO_LARGE`…)
extension ErrorCode {
    public static let signerRequestMalformed = ErrorCode("SIGNER_REQUEST_MALFORMED")
    public static let signerMethodUnknown = ErrorCode("SIGNER_METHOD_UNKNOWN")
    public static let signerFormatUnsupported = ErrorCode("SIGNER_FORMAT_UNSUPPORTED")
    public static let signerKeyNotFound = ErrorCode("SIGNER_KEY_NOT_FOUND")
    public static let signerOriginForbidden = ErrorCode("SIGNER_ORIGIN_FORBIDDEN")
}

extension ErrorCatalogue {
    /// The local signer's codes.
    public static let signer: [ErrorDefinition] = [
        .init(
            code: .signerRequestMalformed, category: .request,
            summary:
                "The signer's request is not a JSON object of NCALayer's shape (module, method, args with data)."),
        .init(
            code: .signerMethodUnknown, category: .request,
            summary: "The signer knows only the module kz.gov.pki.knca.basics and its method sign."),
        .init(
            code: .signerFormatUnsupported, category: .request,
            summary: "The signer signs XML only (format xml); CMS and other formats are not supported."),
        .init(
            code: .signerKeyNotFound, category: .request,
            summary:
                "None of the signer's keys has a certificate with the extended key usage asked for (e.g. "
                + "1.3.6.1.5.5.7.3.2 for login, 1.3.6.1.5.5.7.3.4 for signing)."),
        .init(
            code: .signerOriginForbidden, category: .request,
            summary:
                "The web page's origin is not one the signer was started to sign for (--allow-origin): the "
                + "websocket upgrade is refused."),
    ]
}
