import Foundation
import Synchronization

/// The trust store in force, replaced as a whole when fresh CRLs arrive.
///
/// Verifiers read `current` once per verification and keep that store to the end of it: a verification in flight is
/// never checked half against the old CRLs and half against the new. A swap is one reference exchanged under a lock
/// (the lock is held for the exchange only, never during a validation), and the old store is freed when its last
/// verification ends.
public final class TrustAnchor: Sendable {
    private let store: Mutex<TrustStore>
    /// CRL distribution points (full and Freshest CRL) named by certificates that validated against a trusted CA, by
    /// that CA's name.
    private let seen = Mutex<[String: Set<String>]>([:])
    /// A bound on the URLs remembered (each comes from a certificate a trusted CA issued; the bound only keeps a
    /// CA that names a new URL in every certificate from growing the set without end).
    private let maximumSeen = 1_000

    /// Starts with `store` in force.
    public init(_ store: TrustStore) { self.store = Mutex(store) }

    /// The store in force now.
    public var current: TrustStore { store.withLock { $0 } }

    /// Puts `replacement` in force if `expected` still is (a refresh built on a store another refresh has replaced
    /// meanwhile would drop that refresh's CRLs).
    /// - Returns: whether the swap happened.
    @discardableResult
    public func replace(_ expected: TrustStore, with replacement: TrustStore) -> Bool {
        store.withLock { current in
            guard current === expected else { return false }
            current = replacement
            return true
        }
    }

    /// Remembers the CRL distribution points of a certificate whose chain validated, its delta CRLs' (Freshest CRL)
    /// among them: its issuer publishes there.
    func observe(_ certificate: Certificate) {
        let points = Set(certificate.crlDistributionPoints + certificate.freshestCRL)
        guard !points.isEmpty else { return }
        let issuer = certificate.issuer
        seen.withLock { seen in
            guard !seen[issuer, default: []].isSuperset(of: points) else { return }
            guard seen.values.reduce(0, { $0 + $1.count }) + points.count <= maximumSeen else { return }
            seen[issuer, default: []].formUnion(points)
        }
    }

    /// The CRL distribution points to fetch (full and delta CRLs), by the name of the CA that publishes there: those
    /// named by the trust store's own CA certificates (for their issuers) and by the certificates seen in validated
    /// signatures.
    public var distributionPoints: [String: Set<String>] {
        var points = seen.withLock { $0 }
        for anchor in current.anchors {
            let urls = anchor.crlDistributionPoints + anchor.freshestCRL
            if !urls.isEmpty { points[anchor.issuer, default: []].formUnion(urls) }
        }
        return points
    }
}
