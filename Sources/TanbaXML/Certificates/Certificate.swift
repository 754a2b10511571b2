internal import COpenSSL
public import Foundation
import SwiftASN1
import TanbaErrors

/// An X.509 certificate. It owns its OpenSSL `X509` and frees it when released.
///
/// Immutable after decoding, so it may be shared across threads (OpenSSL reference-counts `X509` and
/// reading it is thread-safe).
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let pointer: OpaquePointer

    /// Takes ownership of an `X509*` (the caller must not free it).
    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_free(pointer) }

    /// Decodes a DER-encoded certificate.
    /// - Throws: `CERT_MALFORMED`.
    public convenience init(der: [UInt8]) throws {
        let decoded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            throw TanbaError(.certMalformed, "the certificate is not valid DER: \(OpenSSL.lastError())")
        }
        self.init(owning: decoded)
    }

    /// Decodes every certificate in PEM text, or one DER certificate.
    /// - Throws: `CERT_MALFORMED` when no certificate can be read.
    public static func load(_ bytes: [UInt8]) throws -> [Certificate] {
        guard bytes.looksLikePEM else { return [try Certificate(der: bytes)] }
        var result: [Certificate] = []
        try OpenSSL.withMemoryBIO(bytes) { bio in
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) { result.append(Certificate(owning: x509)) }
        }
        OpenSSL.clearErrors()  // the loop ends on a "no start line" error by design
        guard !result.isEmpty else { throw TanbaError(.certMalformed, "no PEM certificate found") }
        return result
    }

    /// Reads certificates from a PEM or DER file.
    public static func load(contentsOf url: URL) throws -> [Certificate] {
        try load(Array(readFile(url, limit: 1 << 20)))
    }

    /// DER encoding.
    public var der: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = i2d_X509(pointer, &out)
        guard count > 0, let out else { return [] }
        defer { tanba_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(count)))
    }

    /// PEM encoding.
    public var pem: String {
        let bytes = (try? OpenSSL.writingMemoryBIO { PEM_write_bio_X509($0, pointer) }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    /// SHA-256 of the DER encoding, lowercase hex: the certificate's identity in caches and audit logs.
    public var sha256Fingerprint: String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 32
        X509_digest(pointer, EVP_sha256(), &digest, &length)
        return Hex.encode(digest.prefix(Int(length)))
    }

    /// The subject's attributes in order, as (OID, value).
    public var subjectAttributes: [(oid: String, value: String)] { Self.attributes(of: X509_get_subject_name(pointer)) }
    /// The issuer's attributes in order, as (OID, value).
    public var issuerAttributes: [(oid: String, value: String)] { Self.attributes(of: X509_get_issuer_name(pointer)) }

    /// The subject as a one-line RFC 2253 string.
    public var subject: String { Self.oneLine(X509_get_subject_name(pointer)) }
    /// The issuer as a one-line RFC 2253 string.
    public var issuer: String { Self.oneLine(X509_get_issuer_name(pointer)) }

    /// The serial number in uppercase hex.
    public var serialNumber: String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(pointer), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { tanba_openssl_free(hex) }
        return String(cString: hex)
    }

    public var notBefore: Date { OpenSSL.date(X509_get0_notBefore(pointer)) }
    public var notAfter: Date { OpenSSL.date(X509_get0_notAfter(pointer)) }

    /// Extended key usage OIDs in dotted form; empty when the extension is absent.
    public var extendedKeyUsage: [String] {
        guard let stack = tanba_x509_get_eku(pointer) else { return [] }
        defer { tanba_sk_ASN1_OBJECT_pop_free(stack) }
        return (0..<tanba_sk_ASN1_OBJECT_num(stack)).map { OpenSSL.oidText(tanba_sk_ASN1_OBJECT_value(stack, $0)) }
    }

    /// Whether the certificate is a CA (basicConstraints CA:TRUE).
    public var isCA: Bool { X509_check_ca(pointer) > 0 }

    /// The algorithm and strength of the subject's public key.
    public var publicKey: PublicKeyInfo {
        if rawPublicKey?.algorithm == KazakhGOST.publicKeyAlgorithm { return .kazakhGOST512 }
        return PublicKeyInfo(X509_get0_pubkey(pointer))
    }

    /// The SubjectPublicKeyInfo's algorithm OID and the content of its BIT STRING, whatever the algorithm
    /// (OpenSSL cannot turn a Kazakh GOST key into an `EVP_PKEY`, but it parses the structure).
    var rawPublicKey: (algorithm: String, key: [UInt8])? {
        guard let info = X509_get_X509_PUBKEY(pointer) else { return nil }
        var object: OpaquePointer? = nil
        var key: UnsafePointer<UInt8>? = nil
        var length: Int32 = 0
        guard X509_PUBKEY_get0_param(&object, &key, &length, nil, info) == 1, let key else { return nil }
        return (OpenSSL.oidText(object), Array(UnsafeBufferPointer(start: key, count: Int(length))))
    }

    /// The SubjectPublicKeyInfo DER, as in the certificate: what a browser pins a certificate by
    /// (Chromium's `--ignore-certificate-errors-spki-list` takes its SHA-256 in base64).
    public var subjectPublicKeyInfoDER: [UInt8] { subjectPublicKeyInfo }

    /// The SubjectPublicKeyInfo DER, as in the certificate.
    var subjectPublicKeyInfo: [UInt8] {
        guard let info = X509_get_X509_PUBKEY(pointer) else { return [] }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = i2d_X509_PUBKEY(info, &out)
        guard count > 0, let out else { return [] }
        defer { tanba_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(count)))
    }

    /// The OID of the algorithm the issuer signed this certificate with.
    var signatureAlgorithm: String { OpenSSL.signatureAlgorithmOID(of: pointer) }

    /// The signed part (TBSCertificate) as encoded, and the signature's bytes.
    var signedParts: (tbs: [UInt8], signature: [UInt8])? { OpenSSL.signedParts(der) }

    public var description: String { subject }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { X509_cmp(lhs.pointer, rhs.pointer) == 0 }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    private static func attributes(of name: OpaquePointer?) -> [(oid: String, value: String)] {
        guard let name else { return [] }
        return (0..<X509_NAME_entry_count(name)).compactMap { index in
            guard let entry = X509_NAME_get_entry(name, index) else { return nil }
            return (OpenSSL.oidText(X509_NAME_ENTRY_get_object(entry)), OpenSSL.string(X509_NAME_ENTRY_get_data(entry)))
        }
    }

    static func oneLine(_ name: OpaquePointer?) -> String {
        let flags = tanba_xn_flag_rfc2253_utf8()
        let bytes =
            (try? OpenSSL.writingMemoryBIO { bio in X509_NAME_print_ex(bio, name, 0, flags) >= 0 ? 1 : 0 }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What kind of public key a certificate holds.
public struct PublicKeyInfo: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// RSA, ECDSA, Kazakh GOST 34.10-2015 (1.2.398.3.10.1.1.2.2), anything else.
        case rsa, ec, gost, other
    }
    public let kind: Kind
    /// Key size in bits (RSA modulus, EC field).
    public let bits: Int
    /// The curve's short name for EC keys (e.g. `prime256v1`), the algorithm's name otherwise.
    public let name: String

    init(_ key: OpaquePointer?) {
        guard let key else {
            kind = .other
            bits = 0
            name = "none"
            return
        }
        bits = Int(EVP_PKEY_get_bits(key))
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_RSA:
            kind = .rsa
            name = "RSA"
        case EVP_PKEY_EC:
            kind = .ec
            var buffer = [CChar](repeating: 0, count: 64)
            var length = 0
            if EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 {
                name = String(cString: buffer, truncatingNull: true)
            } else {
                name = "EC"
            }
        default:
            kind = .other
            name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        }
    }

    public var description: String { kind == .rsa ? "RSA-\(bits)" : "\(name) (\(bits) bit)" }

    init(kind: Kind, bits: Int, name: String) {
        self.kind = kind
        self.bits = bits
        self.name = name
    }

    /// A Kazakh GOST 34.10-2015 512-bit key.
    static let kazakhGOST512 = PublicKeyInfo(kind: .gost, bits: 512, name: "GOST 34.10-2015")
}

extension Certificate {
    /// The HTTP(S) URLs of the CRL distribution points extension (2.5.29.31): where the issuer of this certificate
    /// publishes the CRL that covers it. Other kinds of names (LDAP, directory names) are left out.
    public var crlDistributionPoints: [String] { distributionPointURLs(NID_crl_distribution_points) }

    /// The HTTP(S) URLs of the Freshest CRL extension (2.5.29.46): where the issuer publishes the delta CRLs of that
    /// CRL (NCA's `nca_d_…` points).
    public var freshestCRL: [String] { distributionPointURLs(NID_freshest_crl) }

    /// The HTTP(S) URIs of a CRLDistributionPoints-shaped extension (both extensions above share that syntax).
    private func distributionPointURLs(_ nid: Int32) -> [String] {
        let index = X509_get_ext_by_NID(pointer, nid, -1)
        guard index >= 0, let ext = X509_get_ext(pointer, index), let data = X509_EXTENSION_get_data(ext) else {
            return []
        }
        let bytes = Array(UnsafeBufferPointer(start: data.pointee.data, count: Int(data.pointee.length)))
        guard let root = try? DER.parse(bytes) else { return [] }
        // A GeneralName's uniformResourceIdentifier is the only [6] in CRLDistributionPoints: walk the structure
        // rather than model every optional field of DistributionPoint.
        var urls: [String] = []
        func walk(_ node: ASN1Node) {
            switch node.content {
            case .constructed(let children): for child in children { walk(child) }
            case .primitive(let value):
                if node.identifier.tagClass == .contextSpecific, node.identifier.tagNumber == 6 {
                    let text = String(decoding: value, as: UTF8.self)
                    let lower = text.lowercased()
                    if lower.hasPrefix("http://") || lower.hasPrefix("https://") { urls.append(text) }
                }
            }
        }
        walk(root)
        return urls
    }
}
