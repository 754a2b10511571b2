internal import COpenSSL
public import Foundation
import TanbaErrors

/// What is known of one CRL: for `tanba pki crl-status`, the refresher's log lines and its decisions.
public struct RevocationListInfo: Sendable, Codable, Equatable {
    /// The issuing CA's name (RFC 2253).
    public let issuer: String
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// The CRL number (2.5.29.20) in decimal, or hexadecimal with `0x` beyond 64 bits; nil when the CRL has none.
    public let number: String?
    /// How many certificates it lists.
    public let revoked: Int
    /// The file it is kept in, if any.
    public let file: String?

    /// Whether the CRL is past its nextUpdate at `time`.
    public func isStale(at time: Date) -> Bool { nextUpdate.map { time > $0 } ?? false }
}

/// A CRL fetched from a distribution point and found good: one CRL of a trusted CA, signed by it, newer than the
/// one held. `TrustStore.replacing(_:)` puts it in force.
public final class CheckedRevocationList: Sendable {
    let list: RevocationList
    /// The CRL's facts.
    public let info: RevocationListInfo

    init(_ list: RevocationList) {
        self.list = list
        self.info = RevocationListInfo(list, file: nil)
    }
}

extension RevocationListInfo {
    init(_ list: RevocationList, file: URL?) {
        issuer = list.issuer
        thisUpdate = list.thisUpdate
        nextUpdate = list.nextUpdate
        number = list.number.map(Self.text(of:))
        revoked = list.revokedCount
        self.file = file?.path
    }

    static func text(of magnitude: [UInt8]) -> String {
        if magnitude.count <= 8 { return String(magnitude.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }) }
        return "0x" + magnitude.map { String(format: "%02x", $0) }.joined()
    }
}

extension TrustStore {
    /// The CRLs in force, as loaded or refreshed.
    public var revocationListInfo: [RevocationListInfo] {
        zip(revocationLists, crlSources).map { RevocationListInfo($0, file: $1) }
    }

    /// Checks a CRL fetched from `source` against this store.
    ///
    /// - Parameters:
    ///   - bytes: the CRL as fetched, PEM or DER.
    ///   - expectedIssuer: the CA whose distribution point `source` is (by name), when known.
    /// - Returns: the checked CRL, or nil when it is the very CRL already held (nothing to change).
    /// - Throws: `CRL_MALFORMED` (not one CRL, or a delta CRL), `CRL_ISSUER_UNKNOWN` (not a trusted CA's, or not the
    ///   expected CA's), `CRL_SIGNATURE_INVALID` (not signed by its CA's key), `CRL_REPLAYED` (older than the one
    ///   held: a lower CRL number, or an earlier thisUpdate).
    public func check(fetchedCRL bytes: [UInt8], source: String, expectedIssuer: String? = nil) throws
        -> CheckedRevocationList?
    {
        _ = LibraryRuntime.ready
        let lists: [RevocationList]
        do {
            lists = try Self.loadCRLs(bytes, name: source).map(RevocationList.init(owning:))
        } catch {
            throw TanbaError(.crlMalformed, "\(source): not a CRL (PEM or DER)")
        }
        guard lists.count == 1, let crl = lists.first else {
            throw TanbaError(.crlMalformed, "\(source): \(lists.count) CRLs in one answer; one is expected")
        }
        // A DER CRL followed by garbage decodes; so does a CRL whose re-encoding differs (a BER CRL whose signature
        // then could not verify). Either is refused here rather than guessed at.
        if !bytes.looksLikePEM, crl.der != bytes {
            throw TanbaError(.crlMalformed, "\(source): the CRL is not exactly one DER structure")
        }
        if crl.isDelta {
            throw TanbaError(
                .crlMalformed, "\(source): a delta CRL (2.5.29.27); delta CRLs are not supported, fetch the full CRL")
        }
        if let expectedIssuer, crl.issuer != expectedIssuer {
            throw TanbaError(
                .crlIssuerUnknown,
                "\(source): the CRL is issued by \(crl.issuer), not by \(expectedIssuer) whose distribution point it is"
            )
        }
        let issuers = anchors.filter { crl.isNamed(by: $0) }
        guard !issuers.isEmpty else {
            throw TanbaError(.crlIssuerUnknown, "\(source): the CRL's issuer \(crl.issuer) is not a trusted CA")
        }
        guard issuers.contains(where: { crl.isSigned(by: $0) }) else {
            throw TanbaError(
                .crlSignatureInvalid,
                "\(source): the CRL's signature does not verify with the key of \(crl.issuer) (forged, or signed by "
                    + "another CA)")
        }
        if let held = held(for: crl) {
            if held.der == crl.der { return nil }
            let order = Self.order(crl, held)
            if order != .orderedDescending {
                let newer = RevocationListInfo(crl, file: nil)
                let old = RevocationListInfo(held, file: nil)
                throw TanbaError(
                    .crlReplayed,
                    "\(source): the CRL (number \(newer.number ?? "none"), thisUpdate \(newer.thisUpdate)) is "
                        + (order == .orderedSame ? "as old as" : "older than")
                        + " the one held (number \(old.number ?? "none"), thisUpdate \(old.thisUpdate))")
            }
        }
        return CheckedRevocationList(crl)
    }

    /// The CRL held for `crl`'s issuer (the newest, if several are).
    func held(for crl: RevocationList) -> RevocationList? {
        revocationLists.filter { X509_NAME_cmp(X509_CRL_get_issuer($0.pointer), X509_CRL_get_issuer(crl.pointer)) == 0 }
            .max { Self.order($0, $1) == .orderedAscending }
    }

    /// `a` against `b`: by CRL number when both have one, else by thisUpdate (two different CRLs of one number, or of
    /// one instant, are the same age: neither replaces the other).
    static func order(_ a: RevocationList, _ b: RevocationList) -> ComparisonResult {
        // RFC 5280 numbers a CA's CRLs in increasing order: two CRLs of one number are the same age, whatever their
        // thisUpdate says (a second CRL under a used number is refused, not taken as newer).
        if let x = a.number, let y = b.number {
            if x == y { return .orderedSame }
            if x.count != y.count { return x.count < y.count ? .orderedAscending : .orderedDescending }
            return x.lexicographicallyPrecedes(y) ? .orderedAscending : .orderedDescending
        }
        if a.thisUpdate != b.thisUpdate { return a.thisUpdate < b.thisUpdate ? .orderedAscending : .orderedDescending }
        return .orderedSame
    }

    /// A store with the same CAs and policy where each of `updates` replaces the CRL held for its issuer.
    ///
    /// When the store came from a CRL folder, each new CRL is first written there (to a temporary file, then renamed
    /// over the file that held its predecessor, or a new `<issuer hash>.crl.pem`), so a restart starts from it.
    /// - Throws: `FILE_UNREADABLE` when the folder cannot be written; nothing is swapped then.
    public func replacing(_ updates: [CheckedRevocationList]) throws -> TrustStore {
        var lists = revocationLists
        var sources = crlSources
        var touched: Set<URL> = []
        for update in updates {
            let replaced = lists.indices.filter {
                X509_NAME_cmp(X509_CRL_get_issuer(lists[$0].pointer), X509_CRL_get_issuer(update.list.pointer)) == 0
            }
            let file =
                replaced.compactMap { sources[$0] }.first
                ?? crlDirectory.map {
                    $0.appendingPathComponent(
                        String(
                            format: "%08lx", X509_NAME_hash_ex(X509_CRL_get_issuer(update.list.pointer), nil, nil, nil))
                            + ".crl.pem")
                }
            for index in replaced { sources[index].map { _ = touched.insert($0) } }
            for index in replaced.reversed() {
                lists.remove(at: index)
                sources.remove(at: index)
            }
            lists.append(update.list)
            sources.append(file)
            if let file { touched.insert(file) }
        }
        for file in touched.sorted(by: { $0.path < $1.path }) {
            let text = zip(lists, sources).filter { $0.1 == file }.map { $0.0.pem }.joined()
            try Self.replaceFile(file, with: Array(text.utf8))
        }
        return try TrustStore(
            anchors: anchors, crls: lists, revocation: revocation, sources: sources, crlDirectory: crlDirectory)
    }

    /// Writes beside `file`, syncs, then renames over it: a reader (or a restart) sees the old file or the new one.
    static func replaceFile(_ file: URL, with bytes: [UInt8]) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(
            ".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, file.path) == 0 else {
                throw TanbaError(.fileUnreadable, "cannot rename onto \(file.path): errno \(errno)")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw TanbaError(.fileUnreadable, "cannot write the CRL file \(file.path): \(error)")
        }
    }
}
