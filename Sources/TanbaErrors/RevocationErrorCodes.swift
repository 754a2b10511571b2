/// Codes of certificate revocation: a CRL too old to rely on when a certificate is checked, and the refusals of a
/// CRL fetched from a distribution point (`tanba pki crl-refresh`, `tanba serve --crl-refresh`). A refused CRL never
/// replaces the one held: the held CRL stays in force and the refusal is logged and shown by `tanba pki crl-status`.
extension ErrorCode {
    public static let certCRLExpired = ErrorCode("CERT_CRL_EXPIRED")
    public static let crlMalformed = ErrorCode("CRL_MALFORMED")
    public static let crlIssuerUnknown = ErrorCode("CRL_ISSUER_UNKNOWN")
    public static let crlSignatureInvalid = ErrorCode("CRL_SIGNATURE_INVALID")
    public static let crlReplayed = ErrorCode("CRL_REPLAYED")
    public static let crlDeltaBaseUnknown = ErrorCode("CRL_DELTA_BASE_UNKNOWN")
    public static let crlTooLarge = ErrorCode("CRL_TOO_LARGE")
    public static let crlUnreachable = ErrorCode("CRL_UNREACHABLE")
}

extension ErrorCatalogue {
    /// The revocation codes.
    public static let revocation: [ErrorDefinition] = [
        .init(
            code: .certCRLExpired, category: .certificate,
            summary:
                "The CRL held for a CA of the chain is past its nextUpdate: revocation cannot be checked until a fresh "
                + "CRL is fetched (revocation policy `required`)."),
        .init(
            code: .crlMalformed, category: .document,
            summary:
                "A fetched CRL is not one CRL in PEM or DER, or is a delta CRL without a CRL number or not numbered "
                + "above its base; the held CRL stays in force."),
        .init(
            code: .crlIssuerUnknown, category: .document,
            summary:
                "A fetched CRL's issuer is not a trusted CA, or not the CA whose distribution point it came from; the "
                + "held CRL stays in force."),
        .init(
            code: .crlSignatureInvalid, category: .document,
            summary:
                "A fetched CRL's signature does not verify with its CA's key (forged, or signed by another CA); the "
                + "held CRL stays in force."),
        .init(
            code: .crlReplayed, category: .document,
            summary:
                "A fetched CRL is older than the one held (a lower CRL number or an earlier thisUpdate; a delta CRL: "
                + "not numbered above the delta CRL held): a replay is refused and the held CRL stays in force."),
        .init(
            code: .crlDeltaBaseUnknown, category: .document,
            summary:
                "A fetched delta CRL lists the changes since a full CRL the hub does not hold (no full CRL of its CA, "
                + "one older than the delta's base or without a CRL number, a base that is itself a delta CRL, or "
                + "another scope): nothing changes until the full CRL is fetched."),
        .init(
            code: .crlTooLarge, category: .document,
            summary: "A fetched CRL is larger than the size limit; the held CRL stays in force."),
        .init(
            code: .crlUnreachable, category: .internal,
            summary:
                "A CRL distribution point could not be fetched (connection refused, timeout, an HTTP status other than "
                + "200); the held CRL stays in force and the fetch is retried."),
    ]
}
