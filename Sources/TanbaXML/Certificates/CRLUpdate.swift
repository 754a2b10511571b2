internal import COpenSSL
public import Foundation
import TanbaErrors

/// What is known of one CRL: for `tanba pki crl-status`, the refresher's log lines and its decisions.
public struct RevocationListInfo: Sendable, Codable, Equatable {
    /// A full CRL, or a delta CRL (RFC 5280 §5.2.4: the changes since the full CRL numbered `base`).
    public enum Kind: String, Sendable, Codable {
        case full
        case delta
    }
    /// The issuing CA's name (RFC 2253).
    public let issuer: String
    public let kind: Kind
    public let thisUpdate: Date
    public let nextUpdate: Date?
    /// The CRL number (2.5.29.20) in decimal, or hexadecimal with `0x` beyond 64 bits; nil when the CRL has none.
    public let number: String?
    /// A delta CRL's base CRL number (2.5.29.27), written as `number`; nil for a full CRL.
    public let base: String?
    /// How many certificates it lists, removeFromCRL entries included.
    public let revoked: Int
    /// How many of them are removeFromCRL entries, which the hub does not act on (a delta cannot un-revoke here).
    public let removals: Int
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
        kind = list.isDelta ? .delta : .full
        thisUpdate = list.thisUpdate
        nextUpdate = list.nextUpdate
        number = list.number.map(Self.text(of:))
        base = list.deltaBase.map(Self.text(of:))
        revoked = list.revokedCount
        removals = list.removalCount
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
    /// A full CRL replaces the full CRL held for its CA; a delta CRL (2.5.29.27) is checked further against the full
    /// CRL held (`check(delta:source:)`) and replaces the delta held.
    /// - Parameters:
    ///   - bytes: the CRL as fetched, PEM or DER.
    ///   - expectedIssuer: the CA whose distribution point `source` is (by name), when known.
    /// - Returns: the checked CRL, or nil when there is nothing to change (the very CRL already held, or a delta CRL
    ///   the full CRL held already covers).
    /// - Throws: `CRL_MALFORMED` (not one CRL, or a delta CRL without a number above its base), `CRL_ISSUER_UNKNOWN`
    ///   (not a trusted CA's, or not the expected CA's), `CRL_SIGNATURE_INVALID` (not signed by its CA's key),
    ///   `CRL_REPLAYED` (older than the one held of its kind: a lower CRL number, or an earlier thisUpdate),
    ///   `CRL_DELTA_BASE_UNKNOWN` (a delta CRL of a full CRL the hub does not hold).
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
        if crl.isDelta { return try check(delta: crl, source: source) }
        if let held = held(for: crl, delta: false) {
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

    /// The full or delta CRL held for `crl`'s issuer (the newest, if several are).
    func held(for crl: RevocationList, delta: Bool) -> RevocationList? {
        revocationLists.filter { $0.isDelta == delta && $0.hasIssuer(of: crl) }.max {
            Self.order($0, $1) == .orderedAscending
        }
    }

    /// `a` against `b`: by CRL number when both have one, else by thisUpdate (two different CRLs of one number, or of
    /// one instant, are the same age: neither replaces the other).
    static func order(_ a: RevocationList, _ b: RevocationList) -> ComparisonResult {
        // RFC 5280 numbers a CA's CRLs in increasing order: two CRLs of one number are the same age, whatever their
        // thisUpdate says (a second CRL under a used number is refused, not taken as newer).
        if let x = a.number, let y = b.number { return RevocationList.compare(x, y) }
        if a.thisUpdate != b.thisUpdate { return a.thisUpdate < b.thisUpdate ? .orderedAscending : .orderedDescending }
        return .orderedSame
    }

    /// A store with the same CAs and policy where each of `updates` replaces the CRL of its kind (full or delta) held
    /// for its issuer.
    ///
    /// A full CRL numbered at least as high as the delta CRL held for its CA lists everything the delta did: the delta
    /// is dropped (and a delta of the same pass that the new full CRL covers is not taken). A delta whose base is older
    /// than a newer full CRL is kept: RFC 5280 lets a delta complete any full CRL numbered from its base up to below
    /// its own number.
    ///
    /// When the store came from a CRL folder, each new CRL is first written there (to a temporary file, then renamed
    /// over the file that held its predecessor, or a new `<issuer hash>.crl.pem` / `<issuer hash>.delta.crl.pem`), so
    /// a restart starts from it; the file of a dropped delta is removed after the full CRL is written.
    /// - Throws: `FILE_UNREADABLE` when the folder cannot be written; nothing is swapped then.
    public func replacing(_ updates: [CheckedRevocationList]) throws -> TrustStore {
        var lists = revocationLists
        var sources = crlSources
        var touched: Set<URL> = []
        // Full CRLs first, so a delta of the same pass meets the full CRL it will be used with.
        for update in updates.filter({ !$0.list.isDelta }) + updates.filter(\.list.isDelta) {
            let crl = update.list
            if crl.isDelta, lists.contains(where: { !$0.isDelta && $0.hasIssuer(of: crl) && $0.supersedes(crl) }) {
                continue
            }
            let replaced = lists.indices.filter { lists[$0].isDelta == crl.isDelta && lists[$0].hasIssuer(of: crl) }
            let superseded =
                crl.isDelta
                ? []
                : lists.indices.filter {
                    lists[$0].isDelta && lists[$0].hasIssuer(of: crl) && crl.supersedes(lists[$0])
                }
            let file =
                replaced.compactMap { sources[$0] }.first
                ?? crlDirectory.map {
                    $0.appendingPathComponent(
                        String(format: "%08lx", X509_NAME_hash_ex(X509_CRL_get_issuer(crl.pointer), nil, nil, nil))
                            + (crl.isDelta ? ".delta.crl.pem" : ".crl.pem"))
                }
            let dropped = Set(replaced + superseded)
            for index in dropped { sources[index].map { _ = touched.insert($0) } }
            for index in dropped.sorted(by: >) {
                lists.remove(at: index)
                sources.remove(at: index)
            }
            lists.append(crl)
            sources.append(file)
            if let file { touched.insert(file) }
        }
        var emptied: [URL] = []
        for file in touched.sorted(by: { $0.path < $1.path }) {
            let text = zip(lists, sources).filter { $0.1 == file }.map { $0.0.pem }.joined()
            if text.isEmpty {
                emptied.append(file)
            } else {
                try Self.replaceFile(file, with: Array(text.utf8))
            }
        }
        // Last, and a failure is no reason to refuse the swap: a superseded delta left on disk is not applied after a
        // restart either (DeltaRevocation skips a delta a full CRL held supersedes).
        for file in emptied { try? FileManager.default.removeItem(at: file) }
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
