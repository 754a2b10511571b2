internal import COpenSSL
public import Foundation
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

    public init(
        subject: [(String, String)], serialNumber: UInt64, notBefore: Date, notAfter: Date, isCA: Bool = false,
        extendedKeyUsage: [String] = []
    ) {
        self.subject = subject
        self.serialNumber = serialNumber
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.isCA = isCA
        self.extendedKeyUsage = extendedKeyUsage
    }
}

/// Issues X.509 certificates and CRLs with OpenSSL: the hub's test PKI and demo. Not a production CA.
public enum CertificateIssuer {
    /// Issues a certificate for `subjectKey`, signed by `issuerKey` (self-signed when `issuer` is nil).
    public static func issue(
        _ request: CertificateRequest, subjectKey: PrivateKey, issuer: Certificate?, issuerKey: PrivateKey
    ) throws -> Certificate {
        _ = LibraryRuntime.ready
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
        X509_set_pubkey(x509, subjectKey.pointer)

        var extensions: [(Int32, String)] = [
            (NID_basic_constraints, request.isCA ? "critical,CA:TRUE" : "critical,CA:FALSE"),
            (NID_key_usage, request.isCA ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation"),
            (NID_subject_key_identifier, "hash"),
            (NID_authority_key_identifier, "keyid:always"),
        ]
        if !request.extendedKeyUsage.isEmpty {
            extensions.append((NID_ext_key_usage, request.extendedKeyUsage.joined(separator: ",")))
        }
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw TanbaError(.internal, "bad extension \(value): \(OpenSSL.lastError())")
            }
            X509_add_ext(x509, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(x509, issuerKey.pointer, EVP_sha256()) > 0 else {
            throw TanbaError(.internal, "certificate signing failed: \(OpenSSL.lastError())")
        }
        return certificate
    }

    /// A CRL of `ca` revoking `serials`, valid from `thisUpdate` to `nextUpdate`, as PEM.
    public static func revocationList(
        ca: Certificate, key: PrivateKey, revoking serials: [UInt64], thisUpdate: Date, nextUpdate: Date
    ) throws -> String {
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
        for serial in serials {
            guard let revoked = X509_REVOKED_new(), let number = ASN1_INTEGER_new() else {
                throw TanbaError(.internal, "X509_REVOKED_new failed")
            }
            ASN1_INTEGER_set_uint64(number, serial)
            X509_REVOKED_set_serialNumber(revoked, number)
            X509_REVOKED_set_revocationDate(revoked, last)
            ASN1_INTEGER_free(number)
            X509_CRL_add0_revoked(crl, revoked)  // the CRL owns it now
        }
        X509_CRL_sort(crl)
        guard X509_CRL_sign(crl, key.pointer, EVP_sha256()) > 0 else {
            throw TanbaError(.internal, "CRL signing failed: \(OpenSSL.lastError())")
        }
        return String(decoding: try OpenSSL.writingMemoryBIO { PEM_write_bio_X509_CRL($0, crl) }, as: UTF8.self)
    }
}
