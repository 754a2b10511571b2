internal import COpenSSL
import Foundation
import TanbaErrors

extension TrustStore {
    /// The checks a fetched delta CRL passes after those of every CRL (one CRL, a trusted CA's, signed by it): it
    /// follows a full CRL of that CA the hub holds (RFC 5280 §5.2.4) and is newer than the delta held.
    ///
    /// - Returns: the checked delta, or nil when there is nothing to change: the very delta held, or a delta the full
    ///   CRL held already covers (numbered no higher: the CA published a full CRL since).
    /// - Throws: `CRL_MALFORMED` (no CRL number, an indicator that does not decode, a number not above its base),
    ///   `CRL_DELTA_BASE_UNKNOWN` (its base is not a full CRL the hub holds), `CRL_REPLAYED` (not newer than the delta
    ///   held).
    func check(delta crl: RevocationList, source: String) throws -> CheckedRevocationList? {
        // RFC 5280 §5.2.4: a delta CRL carries a CRL number, in the sequence its full CRLs share, above its base's.
        guard let number = crl.number, let base = crl.deltaBase else {
            throw TanbaError(
                .crlMalformed,
                "\(source): a delta CRL (2.5.29.27) without a CRL number, or whose base CRL number does not decode")
        }
        let numberText = RevocationListInfo.text(of: number)
        let baseText = RevocationListInfo.text(of: base)
        guard RevocationList.compare(number, base) == .orderedDescending else {
            throw TanbaError(
                .crlMalformed, "\(source): the delta CRL's number \(numberText) is not above its base \(baseText)")
        }
        guard let full = held(for: crl, delta: false) else {
            throw TanbaError(
                .crlDeltaBaseUnknown,
                "\(source): a delta CRL of \(crl.issuer), whose full CRL the hub does not hold; fetch the full CRL first"
            )
        }
        guard let fullNumber = full.number else {
            throw TanbaError(
                .crlDeltaBaseUnknown,
                "\(source): the full CRL held for \(crl.issuer) has no CRL number, so no delta CRL can follow it")
        }
        let fullText = RevocationListInfo.text(of: fullNumber)
        let heldDelta = held(for: crl, delta: true)
        // OpenSSL's rule for pairing a delta with a full CRL: one authority key and one scope (distribution point).
        for (nid, name) in [
            (NID_authority_key_identifier, "authority key identifier"),
            (NID_issuing_distribution_point, "issuing distribution point"),
        ]
        where crl.extensionValue(nid) != full.extensionValue(nid) {
            throw TanbaError(
                .crlDeltaBaseUnknown,
                "\(source): the delta CRL's \(name) differs from the full CRL's held for \(crl.issuer): not its delta")
        }
        if RevocationList.compare(base, fullNumber) == .orderedDescending {
            let onDelta = heldDelta?.number == base ? ", which is the delta CRL held: a delta of a delta" : ""
            throw TanbaError(
                .crlDeltaBaseUnknown,
                "\(source): the delta CRL (number \(numberText)) lists the changes since CRL number \(baseText)"
                    + onDelta + "; the full CRL held is number \(fullText): fetch the full CRL first")
        }
        if let heldDelta {
            if heldDelta.der == crl.der { return nil }
            if let heldNumber = heldDelta.number, RevocationList.compare(number, heldNumber) != .orderedDescending {
                throw TanbaError(
                    .crlReplayed,
                    "\(source): the delta CRL (number \(numberText)) is "
                        + (number == heldNumber ? "as old as" : "older than") + " the delta CRL held (number "
                        + "\(RevocationListInfo.text(of: heldNumber)))")
            }
        }
        // A delta numbered no higher than the full CRL held lists nothing the full CRL does not: right after the CA
        // publishes a full CRL, its delta point may still serve the previous delta. Nothing to take, nothing wrong.
        if full.supersedes(crl) { return nil }
        return CheckedRevocationList(crl)
    }
}

/// The delta CRLs' part of revocation, applied in Swift to every chain after its full CRLs were checked: chains
/// OpenSSL validated and Kazakh GOST chains alike, so both answer the same.
///
/// Why not OpenSSL's own delta support (`X509_V_FLAG_USE_DELTAS`): OpenSSL 3.0 uses a delta only when the certificate
/// or the full CRL names a Freshest CRL (2.5.29.46) and otherwise ignores it without a word; and unless
/// `X509_V_FLAG_EXTENDED_CRL_SUPPORT` is set, a delta in the `X509_STORE` that is newer than the full CRL is taken as
/// the complete CRL, so a certificate revoked only in the full CRL passes (both seen with `openssl verify` 3.0.19). So
/// deltas are kept out of the `X509_STORE` and checked here.
///
/// For each certificate below the trust anchor, the deltas applied are its issuer's that are signed by the issuer,
/// issued by the verification time, and not superseded by a full CRL of that issuer held (numbered at least as high;
/// a superseded delta only survives a crash between writing the new full CRL and removing the delta's file). Under
/// `required` a stale delta refuses with `CERT_CRL_EXPIRED` even when the full CRL is fresh: with hourly deltas, a
/// stale one means the hub stopped hearing from the CA. Best effort reads it anyway. A certificate the delta lists is
/// revoked. An entry with reason removeFromCRL neither revokes nor un-revokes: a certificate on hold in the full CRL
/// stays refused until a full CRL no longer lists it (OpenSSL has already refused it on the full CRL by then; the
/// GOST path does the same).
struct DeltaRevocation {
    let store: TrustStore

    /// - Parameter chain: from the certificate checked to the trust anchor.
    /// - Throws: `CERT_CRL_EXPIRED` (a delta applied is stale; `required` only) or `CERT_REVOKED`.
    func check(_ chain: [Certificate], at time: Date) throws {
        let deltas = store.revocationLists.filter(\.isDelta)
        guard !deltas.isEmpty, chain.count > 1 else { return }
        let fulls = store.revocationLists.filter { !$0.isDelta && $0.thisUpdate <= time }
        for depth in 0..<(chain.count - 1) {
            let certificate = chain[depth]
            let issuer = chain[depth + 1]
            let applied = deltas.filter { delta in
                delta.covers(certificate) && delta.thisUpdate <= time && delta.isSigned(by: issuer)
                    && !fulls.contains { $0.hasIssuer(of: delta) && $0.supersedes(delta) && $0.isSigned(by: issuer) }
            }
            if store.revocation == .required, applied.contains(where: { $0.nextUpdate.map { time > $0 } ?? false }) {
                throw TanbaError(.certCRLExpired, "\(certificate.named(atDepth: depth)): delta CRL has expired")
            }
            if let delta = applied.first(where: { $0.revokes(certificate) }) {
                let number = delta.number.map(RevocationListInfo.text(of:)) ?? "none"
                throw TanbaError(
                    .certRevoked,
                    "\(certificate.named(atDepth: depth)): certificate revoked (delta CRL number \(number))")
            }
        }
    }
}
