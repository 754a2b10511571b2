internal import COpenSSL
public import Foundation
import SwiftASN1
import TanbaErrors

/// What a new certificate should say. Subject attributes are given by OID so KZ-specific ones fit.
public struct CertificateRequest: Sendable {
    /// Subject attributes in order, as (short name or dotted OID, value), e.g. `("CN", "ТОО Алатау")`.
    public var subject: [(String, String)]
    public var serialNumber: UInt64
    public var notBefore: Date
    public var notAfter: Date
    public var isCA: Bool
    /// Extended key usage OIDs (NCA roles and key purposes); empty means no extension.
    public var extendedKeyUsage: [String]
    /// Subject alternative names in OpenSSL's notation (`IP:127.0.0.1`, `DNS:localhost`); empty means no
    /// extension. A TLS server certificate (the local signer's) names its addresses here.
    public var subjectAlternativeNames: [String]
    /// URLs where the issuer publishes the CRL covering this certificate (extension 2.5.29.31); empty: none.
    public var crlDistributionPoints: [String]
    /// URLs where the issuer publishes the delta CRLs of that CRL (Freshest CRL, 2.5.29.46); empty: none.
    public var freshestCRL: [String]

    public init(
        subject: [(String, String)], serialNumber: UInt64, notBefore: Date, notAfter: Date, isCA: Bool = false,
        extendedKeyUsage: [String] = [], subjectAlternativeNames: [String] = [], crlDistributionPoints: [String] = [],
        freshestCRL: [String] = []
    ) {
        self.subject = subject
        self.serialNumber = serialNumber
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
        self.extendedKeyUsage = extendedKeyUsage
        self.crlDistributionPoints = crlDistributionPoints
        self.freshestCRL = freshestCRL
        self.subjectAlternativeNames = subjectAlternativeNames
    }
}

/// Issues X.509 certificates and CRLs with OpenSSL: the hub's test PKI and demo. Not a production CA.
public enum CertificateIssuer {
    /// Issues a certificate for `subjectKey`, signed by `issuerKey` (self-signed when `issuer` is nil).
    ///
    /// RSA and ECDSA issuers sign through OpenSSL; a Kazakh GOST issuer signs a TBSCertificate built here with
    /// the Kazakh OIDs and byte layout (OpenSSL cannot sign with such keys).
    public static func issue(
        _ request: CertificateRequest, subjectKey: PrivateKey, issuer: Certificate?, issuerKey: PrivateKey
    ) throws -> Certificate {
        _ = LibraryRuntime.ready
        if let gost = issuerKey.gost {
            return try KazakhIssuer.issue(request, subjectKey: subjectKey, issuer: issuer, issuerKey: gost)
        }
        guard let subjectEVP = subjectKey.evp, let issuerEVP = issuerKey.evp else {
            throw TanbaError(.keyInvalid, "a GOST key can only be certified by a GOST CA")
        }
        guard let x509 = X509_new() else { throw TanbaError(.internal, "X509_new failed") }
        let certificate = Certificate(owning: x509)  // frees on any throw below
        X509_set_version(x509, 2)
        ASN1_INTEGER_set_uint64(X509_get_serialNumber(x509), request.serialNumber)
        ASN1_TIME_set(X509_getm_notBefore(x509), time_t(request.notBefore.timeIntervalSince1970))
        ASN1_TIME_set(X509_getm_notAfter(x509), time_t(request.notAfter.timeIntervalSince1970))
        guard let name = X509_NAME_new() else { throw TanbaError(.internal, "X509_NAME_new failed") }
        defer { X509_NAME_free(name) }
        for (field, value) in request.subject {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw TanbaError(.internal, "bad subject attribute \(field): \(OpenSSL.lastError())")
            }
        }
        X509_set_subject_name(x509, name)
        X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.pointer) } ?? name)
        X509_set_pubkey(x509, subjectEVP)

        let extensions =
            request.commonExtensions + [
                (NID_subject_key_identifier, "hash"), (NID_authority_key_identifier, "keyid:always"),
            ]
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TanbaError(.internal, "bad extension \(value): \(OpenSSL.lastError())")
            }
            X509_add_ext(x509, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(x509, issuerEVP, EVP_sha256()) > 0 else {
            throw TanbaError(.internal, "certificate signing failed: \(OpenSSL.lastError())")
        }
        return certificate
    }

    /// A CRL of `ca` revoking `serials`, valid from `thisUpdate` to `nextUpdate`, as PEM.
    /// - Parameters:
    ///   - number: the CRL number extension (2.5.29.20), which orders a CA's CRLs; nil: none.
    ///   - deltaOf: makes it a delta CRL of that base CRL number (2.5.29.27, critical), as NCA publishes hourly.
    ///   - removing: serials listed with reason removeFromCRL (8): in a delta CRL, "no longer on hold".
    public static func revocationList(
        ca: Certificate, key: PrivateKey, revoking serials: [UInt64], thisUpdate: Date, nextUpdate: Date,
        number: UInt64? = nil, deltaOf: UInt64? = nil, removing: [UInt64] = []
    ) throws -> String {
        if let gost = key.gost {
            return try KazakhIssuer.revocationList(
                ca: ca, key: gost, revoking: serials, thisUpdate: thisUpdate, nextUpdate: nextUpdate, number: number,
                deltaOf: deltaOf, removing: removing)
        }
        guard let evp = key.evp else { throw TanbaError(.keyInvalid, "no usable CA key") }
        guard let crl = X509_CRL_new() else { throw TanbaError(.internal, "X509_CRL_new failed") }
        defer { X509_CRL_free(crl) }
        X509_CRL_set_version(crl, 1)
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca.pointer))
        let last = ASN1_TIME_set(nil, time_t(thisUpdate.timeIntervalSince1970))
        let next = ASN1_TIME_set(nil, time_t(nextUpdate.timeIntervalSince1970))
        defer {
            ASN1_TIME_free(last)
            ASN1_TIME_free(next)
        }
        X509_CRL_set1_lastUpdate(crl, last)
        X509_CRL_set1_nextUpdate(crl, next)
        for (serial, isRemoval) in serials.map({ ($0, false) }) + removing.map({ ($0, true) }) {
            guard let revoked = X509_REVOKED_new(), let number = ASN1_INTEGER_new() else {
                throw TanbaError(.internal, "X509_REVOKED_new failed")
            }
            ASN1_INTEGER_set_uint64(number, serial)
            X509_REVOKED_set_serialNumber(revoked, number)
            X509_REVOKED_set_revocationDate(revoked, last)
            ASN1_INTEGER_free(number)
            X509_CRL_add0_revoked(crl, revoked)  // the CRL owns it now
            if isRemoval {
                try KazakhIssuer.withRemoveFromCRLReason { reason in
                    guard X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, reason, 0, 0) == 1 else {
                        throw TanbaError(.internal, "bad CRL entry reason: \(OpenSSL.lastError())")
                    }
                }
            }
        }
        // The CRL number and delta indicator have no configuration-string form in OpenSSL: set as integers.
        for (nid, value, critical) in [(NID_crl_number, number, Int32(0)), (NID_delta_crl, deltaOf, Int32(1))] {
            guard let value else { continue }
            guard let integer = ASN1_INTEGER_new() else { throw TanbaError(.internal, "ASN1_INTEGER_new failed") }
            defer { ASN1_INTEGER_free(integer) }
            ASN1_INTEGER_set_uint64(integer, value)
            guard X509_CRL_add1_ext_i2d(crl, nid, integer, critical, UInt(X509V3_ADD_DEFAULT)) == 1 else {
                throw TanbaError(.internal, "bad CRL extension \(value): \(OpenSSL.lastError())")
            }
        }
        X509_CRL_sort(crl)
        guard X509_CRL_sign(crl, evp, EVP_sha256()) > 0 else {
            throw TanbaError(.internal, "CRL signing failed: \(OpenSSL.lastError())")
        }
        return String(decoding: try OpenSSL.writingMemoryBIO { PEM_write_bio_X509_CRL($0, crl) }, as: UTF8.self)
    }
}

extension CertificateRequest {
    /// Basic constraints, key usage and extended key usage, as OpenSSL configuration values.
    var commonExtensions: [(Int32, String)] {
        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, isCA ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_key_usage, isCA ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation"),
        ]
        if !extendedKeyUsage.isEmpty { extensions.append((NID_ext_key_usage, extendedKeyUsage.joined(separator: ","))) }
        if !subjectAlternativeNames.isEmpty {
            extensions.append((NID_subject_alt_name, subjectAlternativeNames.joined(separator: ",")))
        }
        if !crlDistributionPoints.isEmpty {
            extensions.append(
                (NID_crl_distribution_points, crlDistributionPoints.map { "URI:\($0)" }.joined(separator: ",")))
        }
        if !freshestCRL.isEmpty {
            extensions.append((NID_freshest_crl, freshestCRL.map { "URI:\($0)" }.joined(separator: ",")))
        }
        return extensions
    }
}

/// Certificates and CRLs signed with Kazakh GOST 34.10-2015: DER built here (SwiftASN1 for structure, OpenSSL
/// for names, times and extension values), signed in the Kazakh layout, then decoded by OpenSSL like any other.
enum KazakhIssuer {
    static func issue(
        _ request: CertificateRequest, subjectKey: PrivateKey, issuer: Certificate?, issuerKey: GOSTPrivateKey
    ) throws -> Certificate {
        let subjectName = try der(name: request.subject)
        let issuerName = try issuer.map { try der(X509_get_subject_name($0.pointer), i2d_X509_NAME) } ?? subjectName
        let spki: [UInt8]
        if let gost = subjectKey.gost {
            spki = try gost.publicKey.subjectPublicKeyInfo()
        } else if let evp = subjectKey.evp {
            spki = try der(evp, i2d_PUBKEY)
        } else {
            throw TanbaError(.keyInvalid, "no usable subject key")
        }
        let subjectKeyID = try keyIdentifier(ofSubjectPublicKeyInfo: spki)
        let issuerKeyID =
            try issuer.map { try keyIdentifier(ofSubjectPublicKeyInfo: $0.subjectPublicKeyInfo) } ?? subjectKeyID
        var extensions: [[UInt8]] = []
        for (nid, value) in request.commonExtensions {
            guard let ext = X509V3_EXT_conf_nid(nil, nil, nid, value) else {
                throw TanbaError(.internal, "bad extension \(value): \(OpenSSL.lastError())")
            }
            defer { X509_EXTENSION_free(ext) }
            extensions.append(try der(ext, i2d_X509_EXTENSION))
        }
        extensions.append(
            try extensionDER("2.5.29.14") { try $0.serialize(ASN1OctetString(contentBytes: ArraySlice(subjectKeyID))) })
        extensions.append(
            try extensionDER("2.5.29.35") { coder in
                coder.appendConstructedNode(identifier: .sequence) { coder in
                    coder.appendPrimitiveNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                    {
                        $0.append(contentsOf: issuerKeyID)
                    }
                }
            })

        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                try $0.serialize(2)
            }
            try coder.serialize(request.serialNumber)
            try signatureAlgorithm(&coder)
            coder.serializeRawBytes(issuerName)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                coder.serializeRawBytes(try time(request.notBefore))
                coder.serializeRawBytes(try time(request.notAfter))
            }
            coder.serializeRawBytes(subjectName)
            coder.serializeRawBytes(spki)
            coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)) {
                $0.appendConstructedNode(identifier: .sequence) { coder in
                    for ext in extensions { coder.serializeRawBytes(ext) }
                }
            }
        }
        return try Certificate(der: try signed(tbs.serializedBytes, key: issuerKey))
    }

    static func revocationList(
        ca: Certificate, key: GOSTPrivateKey, revoking serials: [UInt64], thisUpdate: Date, nextUpdate: Date,
        number: UInt64?, deltaOf: UInt64?, removing: [UInt64]
    ) throws -> String {
        // Extensions made by OpenSSL from their values (as the RSA path adds them), then placed in the DER built here.
        let removal = try withRemoveFromCRLReason { try extensionDER(NID_crl_reason, critical: false, value: $0) }
        var crlExtensions: [[UInt8]] = []
        for (nid, value, critical) in [(NID_crl_number, number, false), (NID_delta_crl, deltaOf, true)] {
            guard let value else { continue }
            guard let integer = ASN1_INTEGER_new() else { throw TanbaError(.internal, "ASN1_INTEGER_new failed") }
            defer { ASN1_INTEGER_free(integer) }
            ASN1_INTEGER_set_uint64(integer, value)
            crlExtensions.append(try extensionDER(nid, critical: critical, value: UnsafeMutableRawPointer(integer)))
        }
        // RFC 5280 wants the entries in no order, but OpenSSL sorts them on lookup anyway.
        let entries = serials.map { ($0, false) } + removing.map { ($0, true) }
        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(1)  // v2
            try signatureAlgorithm(&coder)
            coder.serializeRawBytes(try der(X509_get_subject_name(ca.pointer), i2d_X509_NAME))
            coder.serializeRawBytes(try time(thisUpdate))
            coder.serializeRawBytes(try time(nextUpdate))
            if !entries.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for (serial, isRemoval) in entries {
                        try coder.appendConstructedNode(identifier: .sequence) { coder in
                            try coder.serialize(serial)
                            coder.serializeRawBytes(try time(thisUpdate))
                            if isRemoval {
                                coder.appendConstructedNode(identifier: .sequence) { $0.serializeRawBytes(removal) }
                            }
                        }
                    }
                }
            }
            if !crlExtensions.isEmpty {
                coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) {
                    $0.appendConstructedNode(identifier: .sequence) { coder in
                        for ext in crlExtensions { coder.serializeRawBytes(ext) }
                    }
                }
            }
        }
        let encoded = try signed(tbs.serializedBytes, key: key)
        return PEMDocument(type: "X509 CRL", derBytes: encoded).pemString + "\n"
    }

    /// Runs `body` with the CRL entry reason removeFromCRL (8) as an `ASN1_ENUMERATED`.
    static func withRemoveFromCRLReason<T>(_ body: (UnsafeMutableRawPointer) throws -> T) throws -> T {
        guard let reason = ASN1_ENUMERATED_new() else { throw TanbaError(.internal, "ASN1_ENUMERATED_new failed") }
        defer { ASN1_ENUMERATED_free(reason) }
        ASN1_ENUMERATED_set(reason, Int(CRL_REASON_REMOVE_FROM_CRL))
        return try body(UnsafeMutableRawPointer(reason))
    }

    /// The DER of extension `nid` holding `value` (an OpenSSL object of the extension's type).
    private static func extensionDER(_ nid: Int32, critical: Bool, value: UnsafeMutableRawPointer) throws -> [UInt8] {
        guard let ext = X509V3_EXT_i2d(nid, critical ? 1 : 0, value) else {
            throw TanbaError(.internal, "bad CRL extension: \(OpenSSL.lastError())")
        }
        defer { X509_EXTENSION_free(ext) }
        return try der(ext, i2d_X509_EXTENSION)
    }

    /// SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING(r_LE ‖ s_LE) }.
    private static func signed(_ tbs: [UInt8], key: GOSTPrivateKey) throws -> [UInt8] {
        let signature = try KazakhGOST.sign(message: tbs, key: key)
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbs)
            try signatureAlgorithm(&coder)
            try coder.serialize(ASN1BitString(bytes: ArraySlice(signature)))
        }
        return coder.serializedBytes
    }

    private static func signatureAlgorithm(_ coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(ASN1ObjectIdentifier(dotRepresentation: KazakhGOST.signatureAlgorithm))
            try coder.serialize(ASN1Null())
        }
    }

    private static func extensionDER(_ oid: String, _ value: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var inner = DER.Serializer()
        try value(&inner)
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(ASN1ObjectIdentifier(dotRepresentation: oid))
            try coder.serialize(ASN1OctetString(contentBytes: ArraySlice(inner.serializedBytes)))
        }
        return coder.serializedBytes
    }

    /// RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's content.
    private static func keyIdentifier(ofSubjectPublicKeyInfo spki: [UInt8]) throws -> [UInt8] {
        guard let node = try? DER.parse(spki), case .constructed(let parts) = node.content,
            let bits = Array(parts).last, case .primitive(let content) = bits.content
        else { throw TanbaError(.internal, "malformed SubjectPublicKeyInfo") }
        var digest = [UInt8](repeating: 0, count: 20)
        let key = Array(content.dropFirst())
        EVP_Digest(key, key.count, &digest, nil, EVP_sha1(), nil)
        return digest
    }

    private static func der(name attributes: [(String, String)]) throws -> [UInt8] {
        guard let name = X509_NAME_new() else { throw TanbaError(.internal, "X509_NAME_new failed") }
        defer { X509_NAME_free(name) }
        for (field, value) in attributes {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw TanbaError(.internal, "bad subject attribute \(field): \(OpenSSL.lastError())")
            }
        }
        return try der(name, i2d_X509_NAME)
    }

    /// UTCTime before 2050, GeneralizedTime after, as RFC 5280 wants.
    private static func time(_ date: Date) throws -> [UInt8] {
        guard let time = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970)) else {
            throw TanbaError(.internal, "ASN1_TIME_set failed")
        }
        defer { ASN1_TIME_free(time) }
        return try der(time, i2d_ASN1_TIME)
    }

    private static func der<T>(
        _ value: T, _ encode: (T, UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32
    ) throws -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = encode(value, &out)
        guard count > 0, let out else { throw TanbaError(.internal, "DER encoding failed: \(OpenSSL.lastError())") }
        defer { tanba_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(count)))
    }
}
