/// A stable, machine-readable error code.
///
/// The same string appears in signed receipts, HTTP problem documents, `tanba --json` output and
/// docs/ERRORS.md. Codes are never renamed or reused: clients match on them. Compare errors by code, not
/// by message (messages may be reworded or translated).
public struct ErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What kind of party is at fault, which decides e.g. the HTTP status of an answer.
public enum ErrorCategory: String, Sendable, Codable, CaseIterable {
    /// The document itself is unacceptable (malformed, invalid, forged…): the sender must fix it.
    case document
    /// The signer's certificate is unacceptable.
    case certificate
    /// The caller's request, judged and refused: an unknown participant, an invalid value, no such resource.
    case request
    /// The command or the hub could not run: its configuration, a file or key it was given, the store, or an
    /// internal fault. Not the sender's fault.
    case `internal`
}

/// One entry of the error catalogue.
public struct ErrorDefinition: Sendable, Codable, Hashable {
    public let code: ErrorCode
    public let category: ErrorCategory
    /// One English sentence: what the code means. Specific messages add the details.
    public let summary: String
}

extension ErrorCode {
    // MARK: XML parsing (safe parser)
    public static let xmlMalformed = ErrorCode("XML_MALFORMED")
    public static let xmlDoctypeForbidden = ErrorCode("XML_DOCTYPE_FORBIDDEN")
    public static let xmlTooLarge = ErrorCode("XML_TOO_LARGE")
    public static let xmlTooDeep = ErrorCode("XML_TOO_DEEP")

    // MARK: XSD validation
    public static let xsdInvalid = ErrorCode("XSD_INVALID")
    public static let xsdUnknownDocument = ErrorCode("XSD_UNKNOWN_DOCUMENT")
    public static let xsdSchemaBroken = ErrorCode("XSD_SCHEMA_BROKEN")

    // MARK: XMLDSig structure and policy
    public static let sigMissing = ErrorCode("SIG_MISSING")
    public static let sigMultiple = ErrorCode("SIG_MULTIPLE")
    public static let sigPlacement = ErrorCode("SIG_PLACEMENT")
    public static let sigStructure = ErrorCode("SIG_STRUCTURE")
    public static let sigReferenceForbidden = ErrorCode("SIG_REFERENCE_FORBIDDEN")
    public static let sigTransformForbidden = ErrorCode("SIG_TRANSFORM_FORBIDDEN")
    public static let sigAlgorithmForbidden = ErrorCode("SIG_ALGORITHM_FORBIDDEN")
    public static let sigKeyInfoForbidden = ErrorCode("SIG_KEYINFO_FORBIDDEN")
    public static let sigCertificateMissing = ErrorCode("SIG_CERTIFICATE_MISSING")
    public static let sigKeyTooWeak = ErrorCode("SIG_KEY_TOO_WEAK")

    // MARK: XMLDSig cryptography
    public static let sigDigestMismatch = ErrorCode("SIG_DIGEST_MISMATCH")
    public static let sigValueInvalid = ErrorCode("SIG_VALUE_INVALID")

    // MARK: Certificates
    public static let certMalformed = ErrorCode("CERT_MALFORMED")
    public static let certUntrusted = ErrorCode("CERT_UNTRUSTED")
    public static let certExpired = ErrorCode("CERT_EXPIRED")
    public static let certNotYetValid = ErrorCode("CERT_NOT_YET_VALID")
    public static let certRevoked = ErrorCode("CERT_REVOKED")
    public static let certRevocationUnknown = ErrorCode("CERT_REVOCATION_UNKNOWN")
    public static let certChainInvalid = ErrorCode("CERT_CHAIN_INVALID")
    public static let certKeyPurpose = ErrorCode("CERT_KEY_PURPOSE")

    // MARK: Local input and configuration
    public static let keyInvalid = ErrorCode("KEY_INVALID")
    public static let fileUnreadable = ErrorCode("FILE_UNREADABLE")
    public static let configInvalid = ErrorCode("CONFIG_INVALID")
    public static let `internal` = ErrorCode("INTERNAL")
}

/// The catalogue of every code the hub can answer with. docs/ERRORS.md is checked against it by a test.
public enum ErrorCatalogue {
    /// Every code, in documentation order.
    public static let all: [ErrorDefinition] =
        core + domain + gs1 + pipeline + channels + availability + signer + images + publicControl + outbox
        + integrations + registers + revocation + fiscal + mof

    /// The XML core's codes.
    public static let core: [ErrorDefinition] = [
        .init(code: .xmlMalformed, category: .document, summary: "The input is not well-formed XML 1.0."),
        .init(
            code: .xmlDoctypeForbidden, category: .document,
            summary:
                "The document has a DOCTYPE. DTDs, entities and external references are refused outright (XXE, entity expansion)."
        ),
        .init(code: .xmlTooLarge, category: .document, summary: "The input is larger than the configured size limit."),
        .init(code: .xmlTooDeep, category: .document, summary: "Elements are nested deeper than the configured limit."),
        .init(
            code: .xsdInvalid, category: .document,
            summary: "The document violates its XSD schema; every violation is listed with line and element path."),
        .init(
            code: .xsdUnknownDocument, category: .document,
            summary: "The root element's namespace and name match no document type the hub knows."),
        .init(code: .xsdSchemaBroken, category: .internal, summary: "A schema in xsd/ failed to load or compile."),
        .init(code: .sigMissing, category: .document, summary: "The document carries no XMLDSig signature."),
        .init(code: .sigMultiple, category: .document, summary: "The document carries more than one signature."),
        .init(
            code: .sigPlacement, category: .document,
            summary:
                "The Signature element is not a direct child of the document's root (e.g. signed content wrapped in unsigned content)."
        ),
        .init(
            code: .sigStructure, category: .document,
            summary: "The Signature element lacks a required part (SignedInfo, SignatureValue, Reference…)."),
        .init(
            code: .sigReferenceForbidden, category: .document,
            summary: "The signature must have exactly one Reference, with URI=\"\" covering the whole document."),
        .init(
            code: .sigTransformForbidden, category: .document,
            summary: "A transform other than enveloped-signature and (exclusive) C14N is used (XSLT, XPath, Base64…)."),
        .init(
            code: .sigAlgorithmForbidden, category: .document,
            summary: "A signature, digest or canonicalization algorithm outside the allow-list (MD5, SHA-1, HMAC…)."),
        .init(
            code: .sigKeyInfoForbidden, category: .document,
            summary:
                "KeyInfo must carry the signer's X.509 certificate only; bare keys and retrieval methods are refused."
        ),
        .init(
            code: .sigCertificateMissing, category: .document,
            summary: "KeyInfo/X509Data carries no usable signer certificate."),
        .init(
            code: .sigKeyTooWeak, category: .document,
            summary: "The signer's key is too weak (RSA under 2048 bits, or a curve not allowed)."),
        .init(
            code: .sigDigestMismatch, category: .document,
            summary: "The signed content was changed after signing: the reference digest does not match."),
        .init(
            code: .sigValueInvalid, category: .document,
            summary:
                "The signature value does not verify with the certificate's key (tampered, or signed with another key)."
        ),
        .init(code: .certMalformed, category: .certificate, summary: "The certificate cannot be decoded."),
        .init(
            code: .certUntrusted, category: .certificate,
            summary: "The certificate does not chain to an accredited CA in the trust store."),
        .init(
            code: .certExpired, category: .certificate, summary: "The certificate (or one in its chain) has expired."),
        .init(
            code: .certNotYetValid, category: .certificate,
            summary: "The certificate (or one in its chain) is not valid yet."),
        .init(code: .certRevoked, category: .certificate, summary: "The certificate is revoked by its CA's CRL."),
        .init(
            code: .certRevocationUnknown, category: .certificate,
            summary: "No valid CRL is available for a CA in the chain, so revocation cannot be checked."),
        .init(
            code: .certChainInvalid, category: .certificate,
            summary: "The certificate chain is invalid for another reason (bad CA signature, path length, CA flags…)."),
        .init(
            code: .certKeyPurpose, category: .certificate,
            summary: "The certificate's key is not for signing (e.g. an NCA authentication key, EKU 1.3.6.1.5.5.7.3.2)."
        ),
        .init(
            code: .keyInvalid, category: .internal,
            summary: "The signing key cannot be loaded, is of an unsupported type, or does not match the certificate."),
        .init(
            code: .fileUnreadable, category: .internal, summary: "A file named by the caller cannot be read or written."
        ),
        .init(code: .configInvalid, category: .internal, summary: "The hub's configuration is invalid."),
        .init(code: .internal, category: .internal, summary: "An internal fault in the hub or a library it uses."),
    ]

    /// Looks up a code's definition.
    public static func definition(of code: ErrorCode) -> ErrorDefinition? { all.first { $0.code == code } }
}
