import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import Synchronization
public import TanbaErrors
public import TanbaXML

/// One fetch of one distribution point and what became of it.
public struct CRLRefreshAttempt: Sendable, Codable, Equatable {
    /// What became of the fetched CRL.
    public enum Result: String, Sendable, Codable {
        /// Newer than the one held: in force now.
        case updated
        /// Nothing new: the very CRL already held, or a delta CRL the full CRL held already covers.
        case unchanged
        /// Not fetched, or refused: the held CRL stays in force.
        case refused
    }
    public let url: String
    /// The CA whose distribution point this is, when a certificate named it.
    public let expectedIssuer: String?
    public let at: Date
    public let result: Result
    /// The fetched CRL, when it could be read.
    public let crl: RevocationListInfo?
    /// The refusal's code and message.
    public let code: ErrorCode?
    public let message: String?
}

/// What `tanba pki crl-status` shows: the CRLs in force and the last attempt at each distribution point.
public struct CRLStatus: Sendable, Codable {
    /// When the last refresh ended.
    public var refreshedAt: Date?
    /// The CRLs in force, each with whether it is past its nextUpdate at `checkedAt`.
    public var held: [Held]
    /// The last attempt at each distribution point.
    public var attempts: [CRLRefreshAttempt]
    /// When `held[].stale` was judged.
    public var checkedAt: Date

    public struct Held: Sendable, Codable {
        public let crl: RevocationListInfo
        public let stale: Bool
    }

    /// The status of `store` with `attempts`.
    public init(store: TrustStore, attempts: [CRLRefreshAttempt], refreshedAt: Date?, now: Date = Date()) {
        self.refreshedAt = refreshedAt
        self.checkedAt = now
        self.attempts = attempts
        self.held = store.revocationListInfo.map { Held(crl: $0, stale: $0.isStale(at: now)) }
    }

    /// The file in a CRL folder where the refresher writes the status (hidden: the trust store loader skips it).
    public static func file(in crlDirectory: URL) -> URL { crlDirectory.appendingPathComponent(".crl-refresh.json") }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// The status as JSON (ISO 8601 dates).
    public func json() throws -> [UInt8] { Array(try Self.encoder.encode(self)) }

    /// Reads a status written by a refresher.
    public static func read(_ file: URL) throws -> CRLStatus {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(CRLStatus.self, from: Data(contentsOf: file))
    }
}

/// Fetches the CRLs of the trusted CAs from their distribution points and puts the good ones in force.
///
/// Where: the distribution points (2.5.29.31) that the trusted CA certificates and the certificates seen in validated
/// signatures name (a certificate's distribution point is its issuer's), and the URLs configured. Each fetch has a
/// deadline and a size limit. A CRL is put in force only when it is one CRL (PEM or DER) of a trusted CA, signed by that
/// CA and newer than the one of its kind held; a delta CRL must also follow the full CRL held for its CA
/// (`TrustStore.check(fetchedCRL:source:expectedIssuer:)`). All the good ones of a pass are swapped in at once
/// (`TrustAnchor.replace`), after they are written to the CRL folder. Anything else is refused with its code, logged,
/// kept in `attempts`, and the held CRL stays in force.
public final class CRLRefresher: Sendable {
    public let trust: TrustAnchor
    /// URLs fetched besides the distribution points (e.g. NCA's full and delta CRLs), whatever CA they turn out to be of.
    public let urls: [String]
    public let timeout: Duration
    public let maximumBytes: Int
    let logger: Logger
    private let state = Mutex<(attempts: [String: CRLRefreshAttempt], refreshedAt: Date?)>(([:], nil))

    /// - Parameters:
    ///   - timeout: the deadline of one fetch, body included.
    ///   - maximumBytes: the largest CRL taken (NCA's full CRLs are tens of MiB).
    public init(
        trust: TrustAnchor, urls: [String] = [], timeout: Duration = .seconds(30), maximumBytes: Int = 128 << 20,
        logger: Logger
    ) {
        self.trust = trust
        self.urls = urls
        self.timeout = timeout
        self.maximumBytes = maximumBytes
        self.logger = logger
    }

    /// The last attempt at every distribution point, by URL order.
    public var attempts: [CRLRefreshAttempt] { state.withLock { $0.attempts.values.sorted { $0.url < $1.url } } }

    /// The status now: the CRLs in force and the last attempts.
    public func status(now: Date = Date()) -> CRLStatus {
        CRLStatus(store: trust.current, attempts: attempts, refreshedAt: state.withLock { $0.refreshedAt }, now: now)
    }

    /// One pass over every distribution point.
    /// - Returns: this pass's attempts.
    @discardableResult
    public func refresh(now: @Sendable () -> Date = { Date() }) async -> [CRLRefreshAttempt] {
        let base = trust.current
        var targets: [String: String?] = [:]
        for url in urls { targets[url] = .some(nil) }
        for (issuer, points) in trust.distributionPoints {
            for url in points { targets[url] = .some(issuer) }
        }
        // Nothing to fetch (no certificate names a distribution point yet, no --crl-url): nothing to record either,
        // and nothing written into the CRL folder.
        if targets.isEmpty { return [] }
        var attempts: [CRLRefreshAttempt] = []
        var good: [GoodKey: (url: String, crl: CheckedRevocationList)] = [:]
        for (url, expected) in targets.sorted(by: { $0.key < $1.key }) {
            var info: RevocationListInfo?
            do {
                let bytes = try await fetch(url)
                guard let checked = try base.check(fetchedCRL: bytes, source: url, expectedIssuer: expected) else {
                    attempts.append(
                        .init(
                            url: url, expectedIssuer: expected, at: now(), result: .unchanged, crl: nil, code: nil,
                            message: nil))
                    continue
                }
                info = checked.info
                // Two distribution points of one CA (for one kind, full or delta): the newer CRL wins.
                let key = GoodKey(issuer: checked.info.issuer, kind: checked.info.kind)
                if let other = good[key], !Self.isNewer(checked.info, than: other.crl.info) { continue }
                good[key] = (url, checked)
                attempts.append(
                    .init(
                        url: url, expectedIssuer: expected, at: now(), result: .updated, crl: checked.info, code: nil,
                        message: nil))
            } catch {
                let failure =
                    error as? TanbaError ?? TanbaError(.crlUnreachable, "\(url): \(error)")
                attempts.append(
                    .init(
                        url: url, expectedIssuer: expected, at: now(), result: .refused, crl: info,
                        code: failure.code, message: failure.message))
            }
        }
        if !good.isEmpty {
            do {
                let replacement = try base.replacing(good.values.map(\.crl))
                if !trust.replace(base, with: replacement) {
                    // Another refresh put a store in force meanwhile: its CRLs are as new; the next pass checks again.
                    logger.warning("crl refresh: the trust store changed during the pass; the next pass retries")
                }
            } catch {
                let failure = error as? TanbaError ?? TanbaError(.internal, "\(error)")
                attempts = attempts.map { attempt in
                    guard attempt.result == .updated else { return attempt }
                    return .init(
                        url: attempt.url, expectedIssuer: attempt.expectedIssuer, at: attempt.at, result: .refused,
                        crl: attempt.crl, code: failure.code, message: failure.message)
                }
            }
        }
        for attempt in attempts { log(attempt) }
        let finished = now()
        state.withLock { state in
            for attempt in attempts { state.attempts[attempt.url] = attempt }
            state.refreshedAt = finished
        }
        writeStatus(now: finished)
        return attempts
    }

    /// How long to wait before the next pass: `interval`, sooner before a held CRL's nextUpdate (a tenth of its
    /// validity, at most an hour, ahead of it), and at most a minute after a refusal or while a CRL is stale.
    public func delay(after attempts: [CRLRefreshAttempt], interval: Duration, now: Date = Date()) -> Duration {
        var seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let retry = min(seconds, 60)
        if attempts.contains(where: { $0.result == .refused }) { seconds = min(seconds, retry) }
        for crl in trust.current.revocationListInfo {
            guard let next = crl.nextUpdate else { continue }
            let margin = min(3600, max(1, next.timeIntervalSince(crl.thisUpdate) / 10))
            let until = next.timeIntervalSince(now) - margin
            seconds = min(seconds, until > 0 ? until : retry)
        }
        return .milliseconds(Int64(max(0.05, seconds) * 1000))
    }

    /// What one pass keeps one CRL of: a CA's full CRL and its delta CRL are taken side by side.
    struct GoodKey: Hashable {
        let issuer: String
        let kind: RevocationListInfo.Kind
    }

    static func isNewer(_ a: RevocationListInfo, than b: RevocationListInfo) -> Bool {
        if let x = a.number.flatMap({ UInt64($0) }), let y = b.number.flatMap({ UInt64($0) }), x != y { return x > y }
        return a.thisUpdate > b.thisUpdate
    }

    func fetch(_ url: String) async throws -> [UInt8] {
        let lower = url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw TanbaError(.crlUnreachable, "\(url): only http:// and https:// distribution points are fetched")
        }
        let request = HTTPClientRequest(url: url)
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(
                request,
                timeout: .nanoseconds(
                    Int64(timeout.components.seconds) * 1_000_000_000
                        + timeout.components.attoseconds / 1_000_000_000))
        } catch {
            throw TanbaError(.crlUnreachable, "\(url): \(Self.describe(error))")
        }
        guard response.status == .ok else {
            throw TanbaError(.crlUnreachable, "\(url): HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumBytes {
            throw TanbaError(.crlTooLarge, "\(url): \(length) bytes, more than the limit of \(maximumBytes)")
        }
        do {
            let body = try await response.body.collect(upTo: maximumBytes)
            return Array(body.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw TanbaError(.crlTooLarge, "\(url): more than the limit of \(maximumBytes) bytes")
        } catch {
            throw TanbaError(.crlUnreachable, "\(url): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }

    func log(_ attempt: CRLRefreshAttempt) {
        var metadata: Logger.Metadata = ["crl.url": "\(attempt.url)", "crl.result": "\(attempt.result.rawValue)"]
        if let crl = attempt.crl {
            metadata["crl.issuer"] = "\(crl.issuer)"
            metadata["crl.kind"] = "\(crl.kind.rawValue)"
            if let base = crl.base { metadata["crl.base"] = "\(base)" }
            if crl.removals > 0 { metadata["crl.removals_not_applied"] = "\(crl.removals)" }
            metadata["crl.this_update"] = "\(crl.thisUpdate)"
            metadata["crl.next_update"] = "\(crl.nextUpdate.map { "\($0)" } ?? "none")"
            metadata["crl.number"] = "\(crl.number ?? "none")"
        } else if let issuer = attempt.expectedIssuer {
            metadata["crl.issuer"] = "\(issuer)"
        }
        if let code = attempt.code {
            metadata["error.code"] = "\(code.rawValue)"
            metadata["error.message"] = "\(attempt.message ?? "")"
            logger.error("crl refresh refused; the held CRL stays in force", metadata: metadata)
        } else {
            logger.info("crl refresh", metadata: metadata)
        }
    }

    /// Writes the status beside the CRLs, for `tanba pki crl-status` (another process).
    func writeStatus(now: Date) {
        guard let folder = trust.current.crlDirectory else { return }
        do {
            let file = CRLStatus.file(in: folder)
            let temporary = folder.appendingPathComponent(".crl-refresh.\(UUID().uuidString).tmp")
            try Data(try status(now: now).json()).write(to: temporary)
            guard rename(temporary.path, file.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw TanbaError(.fileUnreadable, "cannot rename onto \(file.path)")
            }
        } catch {
            logger.error("crl refresh: the status file cannot be written", metadata: ["error": "\(error)"])
        }
    }
}
