public import Foundation

/// Roles and key purposes carried by Kazakh NCA certificates in the extended key usage extension.
public enum NCARole: String, Sendable, Codable, CaseIterable, Comparable {
    /// 1.2.398.3.3.4.1.1 — an individual (natural person, incl. individual entrepreneurs).
    case individual
    /// 1.2.398.3.3.4.1.2 — a legal entity's employee certificate.
    case legalEntity
    /// 1.2.398.3.3.4.1.2.1 — the organisation's first head.
    case firstHead
    /// 1.2.398.3.3.4.1.2.2 — a person with the right to sign.
    case rightToSign
    /// 1.2.398.3.3.4.1.2.3 — a person with the right to sign financial documents.
    case financialSignature
    /// 1.2.398.3.3.4.1.2.4 — an HR employee.
    case hrEmployee
    /// 1.2.398.3.3.4.1.2.5 — an employee of the organisation.
    case employee

    /// The OID in dotted form.
    public var oid: String {
        switch self {
        case .individual: "1.2.398.3.3.4.1.1"
        case .legalEntity: "1.2.398.3.3.4.1.2"
        case .firstHead: "1.2.398.3.3.4.1.2.1"
        case .rightToSign: "1.2.398.3.3.4.1.2.2"
        case .financialSignature: "1.2.398.3.3.4.1.2.3"
        case .hrEmployee: "1.2.398.3.3.4.1.2.4"
        case .employee: "1.2.398.3.3.4.1.2.5"
        }
    }

    public init?(oid: String) {
        guard let role = Self.allCases.first(where: { $0.oid == oid }) else { return nil }
        self = role
    }

    public static func < (lhs: NCARole, rhs: NCARole) -> Bool { lhs.oid < rhs.oid }
}

/// What a certificate's key is for, from its extended key usage.
public enum KeyPurpose: String, Sendable, Codable, CaseIterable {
    /// 1.3.6.1.5.5.7.3.4 — NCA signing keys (RSA/GOST "sign" keys).
    case signing
    /// 1.3.6.1.5.5.7.3.2 — NCA authentication keys (TLS client, portal login).
    case authentication

    public var oid: String {
        switch self {
        case .signing: "1.3.6.1.5.5.7.3.4"
        case .authentication: "1.3.6.1.5.5.7.3.2"
        }
    }
}

/// Who signed: the identity a Kazakh NCA certificate carries in its subject and extended key usage.
public struct SignerIdentity: Sendable, Hashable, Codable {
    /// The person's IIN, from `SERIALNUMBER=IIN…`.
    public var iin: String?
    /// The organisation's BIN, from `OU=BIN…`; nil for individuals and individual entrepreneurs.
    public var bin: String?
    /// The common name (NCA: "SURNAME NAME").
    public var commonName: String?
    public var surname: String?
    /// NCA puts the patronymic in GIVENNAME.
    public var givenName: String?
    /// The organisation's name (O).
    public var organization: String?
    public var country: String?
    public var email: String?
    /// Roles from the NCA OIDs in the extended key usage, sorted.
    public var roles: [NCARole]
    /// Key purposes from the extended key usage.
    public var keyPurposes: [KeyPurpose]
    /// Every extended key usage OID, including ones Tanba does not interpret.
    public var extendedKeyUsage: [String]
    /// The certificate's subject and issuer (RFC 2253), serial (hex) and SHA-256 fingerprint.
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var fingerprint: String
    public var notBefore: Date
    public var notAfter: Date

    /// Reads the identity from a certificate.
    public init(certificate: Certificate) {
        let attributes = certificate.subjectAttributes
        func value(_ oid: String) -> String? { attributes.first { $0.oid == oid }?.value }
        func prefixed(_ oid: String, _ prefix: String) -> String? {
            attributes.lazy.filter { $0.oid == oid }.map(\.value).first { $0.hasPrefix(prefix) }
                .map { String($0.dropFirst(prefix.count)) }
        }
        iin = prefixed("2.5.4.5", "IIN")
        bin = prefixed("2.5.4.11", "BIN")
        commonName = value("2.5.4.3")
        surname = value("2.5.4.4")
        givenName = value("2.5.4.42")
        organization = value("2.5.4.10")
        country = value("2.5.4.6")
        email = value("1.2.840.113549.1.9.1")
        let usage = certificate.extendedKeyUsage
        extendedKeyUsage = usage
        roles = usage.compactMap(NCARole.init(oid:)).sorted()
        keyPurposes = KeyPurpose.allCases.filter { usage.contains($0.oid) }
        subject = certificate.subject
        issuer = certificate.issuer
        serialNumber = certificate.serialNumber
        fingerprint = certificate.sha256Fingerprint
        notBefore = certificate.notBefore
        notAfter = certificate.notAfter
    }

    /// Whether the certificate belongs to an organisation (carries a BIN).
    public var isOrganisation: Bool { bin != nil }
}
