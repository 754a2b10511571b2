internal import COpenSSL
import Foundation
import TanbaErrors

/// A certificate revocation list (OpenSSL `X509_CRL`), owned and freed by this object.
final class RevocationList: @unchecked Sendable {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { X509_CRL_free(pointer) }

    var thisUpdate: Date { OpenSSL.date(X509_CRL_get0_lastUpdate(pointer)) }
    var nextUpdate: Date? { X509_CRL_get0_nextUpdate(pointer).map { OpenSSL.date($0) } }
    /// The issuer's name, one line (RFC 2253).
    var issuer: String { Certificate.oneLine(X509_CRL_get_issuer(pointer)) }
    /// How many certificates the CRL lists.
    var revokedCount: Int { X509_CRL_get_REVOKED(pointer).map { Int(tanba_sk_X509_REVOKED_num($0)) } ?? 0 }

    /// The CRL number extension (2.5.29.20) as its big-endian magnitude without leading zeros; nil when absent.
    var number: [UInt8]? { integerExtension(NID_crl_number) }

    /// Whether this is a delta CRL (extension 2.5.29.27), which lists only changes since a base CRL.
    var isDelta: Bool { X509_CRL_get_ext_by_NID(pointer, NID_delta_crl, -1) >= 0 }

    /// A delta CRL's BaseCRLNumber (the Delta CRL Indicator, 2.5.29.27): the number of the full CRL it lists the
    /// changes since, as `number` is written; nil for a full CRL, or when the indicator does not decode (twice, or
    /// not an INTEGER) while `isDelta` still says it is there.
    var deltaBase: [UInt8]? { integerExtension(NID_delta_crl) }

    /// An INTEGER extension's big-endian magnitude without leading zeros; nil when absent, repeated or undecodable.
    private func integerExtension(_ nid: Int32) -> [UInt8]? {
        guard let raw = X509_CRL_get_ext_d2i(pointer, nid, nil, nil) else {
            OpenSSL.clearErrors()
            return nil
        }
        let integer = raw.assumingMemoryBound(to: ASN1_INTEGER.self)
        defer { ASN1_INTEGER_free(integer) }
        let bytes = Array(UnsafeBufferPointer(start: integer.pointee.data, count: Int(integer.pointee.length)))
        return Array(bytes.drop { $0 == 0 })
    }

    /// The extension `nid`'s value (the DER inside its OCTET STRING); nil when absent.
    func extensionValue(_ nid: Int32) -> [UInt8]? {
        let index = X509_CRL_get_ext_by_NID(pointer, nid, -1)
        guard index >= 0, let ext = X509_CRL_get_ext(pointer, index), let data = X509_EXTENSION_get_data(ext) else {
            return nil
        }
        return Array(UnsafeBufferPointer(start: data.pointee.data, count: Int(data.pointee.length)))
    }

    /// Two CRL numbers (as `number` gives them) in order.
    static func compare(_ x: [UInt8], _ y: [UInt8]) -> ComparisonResult {
        if x == y { return .orderedSame }
        if x.count != y.count { return x.count < y.count ? .orderedAscending : .orderedDescending }
        return x.lexicographicallyPrecedes(y) ? .orderedAscending : .orderedDescending
    }

    /// Whether this full CRL already lists everything `delta` does: its number is at least the delta's (RFC 5280
    /// numbers a CA's full and delta CRLs in one sequence). False when either has no number.
    func supersedes(_ delta: RevocationList) -> Bool {
        guard let mine = number, let theirs = delta.number else { return false }
        return Self.compare(mine, theirs) != .orderedAscending
    }

    /// Whether `other` has this CRL's issuer name.
    func hasIssuer(of other: RevocationList) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_CRL_get_issuer(other.pointer)) == 0
    }

    /// Whether `issuer` is this CRL's issuer by name.
    func isNamed(by issuer: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_subject_name(issuer.pointer)) == 0
    }

    var pem: String {
        let bytes = (try? OpenSSL.writingMemoryBIO { PEM_write_bio_X509_CRL($0, pointer) }) ?? []
        return String(decoding: bytes, as: UTF8.self)
    }

    var der: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = i2d_X509_CRL(pointer, &out)
        guard count > 0, let out else { return [] }
        defer { tanba_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(count)))
    }

    /// Whether `certificate`'s issuer name is this CRL's issuer.
    func covers(_ certificate: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(pointer), X509_get_issuer_name(certificate.pointer)) == 0
    }

    /// Whether the CRL lists `certificate`'s serial number as revoked (or on hold). An entry whose reason is
    /// removeFromCRL (RFC 5280 §5.3.1, delta CRLs only) does not revoke: OpenSSL reports it apart, and so does this.
    func revokes(_ certificate: Certificate) -> Bool {
        var entry: OpaquePointer? = nil
        return X509_CRL_get0_by_serial(pointer, &entry, X509_get_serialNumber(certificate.pointer)) == 1
    }

    /// How many entries carry the reason removeFromCRL (8): a delta CRL's word that a certificate on hold is no longer
    /// revoked, which the hub does not act on (a certificate stays as its full CRL lists it; see `DeltaRevocation`).
    var removalCount: Int {
        guard let entries = X509_CRL_get_REVOKED(pointer) else { return 0 }
        var count = 0
        for index in 0..<tanba_sk_X509_REVOKED_num(entries) {
            guard let entry = tanba_sk_X509_REVOKED_value(entries, index),
                let raw = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nil, nil)
            else { continue }
            let reason = raw.assumingMemoryBound(to: ASN1_ENUMERATED.self)
            if ASN1_ENUMERATED_get(reason) == Int(CRL_REASON_REMOVE_FROM_CRL) { count += 1 }
            ASN1_ENUMERATED_free(reason)
        }
        OpenSSL.clearErrors()
        return count
    }
}

extension Certificate {
    /// How a validation error names this certificate at `depth` of its chain, as the OpenSSL path words it.
    func named(atDepth depth: Int) -> String {
        "\(depth == 0 ? "the signer's certificate" : "CA certificate at depth \(depth)") (\(subject))"
    }

    /// Whether this certificate's subject is `other`'s issuer name.
    func isNamedIssuer(of other: Certificate) -> Bool {
        X509_NAME_cmp(X509_get_subject_name(pointer), X509_get_issuer_name(other.pointer)) == 0
    }

    /// Whether OpenSSL cannot process this certificate alone: a Kazakh GOST key or GOST issuer signature.
    var involvesKazakhGOST: Bool {
        signatureAlgorithm == KazakhGOST.signatureAlgorithm || publicKey.kind == .gost
    }

    /// Whether `issuer`'s key made this certificate's signature (Kazakh GOST, or anything OpenSSL knows).
    func isSigned(by issuer: Certificate) -> Bool {
        if signatureAlgorithm == KazakhGOST.signatureAlgorithm {
            guard let key = try? GOSTPublicKey(certificate: issuer), let parts = signedParts else { return false }
            return (try? KazakhGOST.verify(message: parts.tbs, signature: parts.signature, publicKey: key)) ?? false
        }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        defer { OpenSSL.clearErrors() }
        return X509_verify(pointer, key) == 1
    }
}

extension RevocationList {
    /// Whether `issuer`'s key made this CRL's signature.
    func isSigned(by issuer: Certificate) -> Bool {
        var algorithm: UnsafePointer<X509_ALGOR>? = nil
        X509_CRL_get0_signature(pointer, nil, &algorithm)
        var object: OpaquePointer? = nil
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        if OpenSSL.oidText(object) == KazakhGOST.signatureAlgorithm {
            guard let key = try? GOSTPublicKey(certificate: issuer), let parts = OpenSSL.signedParts(der) else {
                return false
            }
            return (try? KazakhGOST.verify(message: parts.tbs, signature: parts.signature, publicKey: key)) ?? false
        }
        guard let key = X509_get0_pubkey(issuer.pointer) else { return false }
        defer { OpenSSL.clearErrors() }
        return X509_CRL_verify(pointer, key) == 1
    }
}

/// RFC 5280 path validation for chains OpenSSL cannot check (Kazakh GOST keys or signatures), with the
/// same answers as OpenSSL's: build the path to a trust anchor by name and signature, check every
/// certificate's validity at the verification time, CA flags of issuers, and the CRL of every CA in the path.
struct KazakhChainValidator {
    let store: TrustStore
    let maximumDepth = 8

    func validate(_ leaf: Certificate, intermediates: [Certificate], at time: Date) throws -> ClosedRange<Date> {
        var chain = [leaf]
        var current = leaf
        func isAnchor(_ certificate: Certificate) -> Bool { store.anchors.contains(certificate) }
        while !isAnchor(current) {
            guard chain.count <= maximumDepth else {
                throw TanbaError(.certChainInvalid, "the certificate chain is longer than \(maximumDepth)")
            }
            // By name: OpenSSL's X509_check_issued also wants an issuer key it can decode, which GOST keys are not.
            let candidates = (store.anchors + intermediates).filter { $0 != current && $0.isNamedIssuer(of: current) }
            guard !candidates.isEmpty else {
                throw TanbaError(
                    .certUntrusted, "\(current.named(atDepth: chain.count - 1)): unable to get local issuer certificate"
                )
            }
            guard let issuer = candidates.first(where: { current.isSigned(by: $0) }) else {
                throw TanbaError(
                    .certChainInvalid, "\(current.named(atDepth: chain.count - 1)): certificate signature failure")
            }
            guard issuer.isCA else {
                throw TanbaError(.certChainInvalid, "\(issuer.named(atDepth: chain.count)): invalid CA certificate")
            }
            chain.append(issuer)
            current = issuer
        }
        var from = store.crlWindow.lowerBound
        var until = store.crlWindow.upperBound
        for (depth, certificate) in chain.enumerated() {
            if time < certificate.notBefore {
                throw TanbaError(.certNotYetValid, "\(certificate.named(atDepth: depth)): certificate is not yet valid")
            }
            if time > certificate.notAfter {
                throw TanbaError(.certExpired, "\(certificate.named(atDepth: depth)): certificate has expired")
            }
            from = max(from, certificate.notBefore)
            until = min(until, certificate.notAfter)
        }
        // Revocation of every certificate below the trust anchor, by its issuer's CRL.
        for depth in 0..<(chain.count - 1) {
            let certificate = chain[depth]
            let issuer = chain[depth + 1]
            // Full CRLs here; their deltas are applied below, once every full CRL of the chain is checked, in the
            // order OpenSSL's path checks them.
            let issued = store.revocationLists.filter {
                !$0.isDelta && $0.covers(certificate) && $0.thisUpdate <= time && $0.isSigned(by: issuer)
            }
            var current = issued.filter { $0.nextUpdate.map { time <= $0 } ?? true }
            if current.isEmpty, !issued.isEmpty {
                // Only stale CRLs: as OpenSSL, `required` refuses with its own code; best effort reads them anyway.
                guard store.revocation == .bestEffort else {
                    throw TanbaError(.certCRLExpired, "\(certificate.named(atDepth: depth)): CRL has expired")
                }
                current = issued
            }
            if current.isEmpty {
                guard store.revocation == .bestEffort else {
                    throw TanbaError(
                        .certRevocationUnknown, "\(certificate.named(atDepth: depth)): unable to get certificate CRL")
                }
                continue
            }
            if current.contains(where: { $0.revokes(certificate) }) {
                throw TanbaError(.certRevoked, "\(certificate.named(atDepth: depth)): certificate revoked")
            }
        }
        try DeltaRevocation(store: store).check(chain, at: time)
        return from <= until ? from...until : time...time
    }
}
