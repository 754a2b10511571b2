import ArgumentParser
import Foundation
import Logging
import TanbaErrors
import TanbaRevocation
import TanbaXML

/// How CRLs are fetched from their distribution points (`tanba serve`, `tanba pki crl-refresh`).
struct CRLRefreshOptions: ParsableArguments {
    @Option(
        name: .customLong("crl-refresh"),
        help:
            "Seconds between CRL refreshes from the distribution points (sooner before a CRL's nextUpdate); 0: off.")
    var refreshSeconds: Double = 3600

    @Option(
        name: .customLong("crl-url"),
        help:
            "A CRL to fetch besides the distribution points certificates name (repeatable), e.g. http://crl.pki.gov.kz/nca_rsa_2022.crl."
    )
    var urls: [String] = []

    @Option(name: .customLong("crl-timeout"), help: "Seconds a CRL fetch may take, body included.")
    var timeoutSeconds: Double = 30

    @Option(name: .customLong("crl-max-mib"), help: "Largest CRL taken, in MiB.") var maximumMiB = 128

    func validate() throws {
        guard refreshSeconds >= 0 else { throw ValidationError("--crl-refresh is 0 (off) or more seconds") }
        guard timeoutSeconds > 0 else { throw ValidationError("--crl-timeout is more than 0 seconds") }
        guard maximumMiB > 0 else { throw ValidationError("--crl-max-mib is more than 0") }
        for url in urls {
            let lower = url.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), URL(string: url)?.host != nil else {
                throw ValidationError("--crl-url \(url) is not an http:// or https:// URL")
            }
        }
    }

    func refresher(trust: TrustAnchor, logger: Logger) -> CRLRefresher {
        CRLRefresher(
            trust: trust, urls: urls, timeout: .milliseconds(Int64(timeoutSeconds * 1000)),
            maximumBytes: maximumMiB << 20, logger: logger)
    }
}

/// `tanba pki crl-refresh`: one pass, as `tanba serve` runs them.
struct PKICRLRefreshCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl-refresh",
        abstract: "Fetch the trusted CAs' CRLs once and keep the good ones in the CRL folder.",
        discussion: """
            Fetches the distribution points the CA certificates name and every --crl-url. A CRL is kept only when it \
            is one CRL of a trusted CA, signed by it and newer than the one of its kind held (a delta CRL must also \
            follow the full CRL held); it replaces its predecessor's file in --crl. Exit status 0 when nothing was refused, else the first refusal's (1: a CRL refused, 2: a \
            distribution point unreachable).
            """)

    @OptionGroup var trust: TrustOptions
    @OptionGroup var crl: CRLRefreshOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingFailures(command: "pki crl-refresh", json: output.json) {
            let store = try trust.trustStore()
            guard store.crlDirectory != nil else {
                throw TanbaError(
                    .configInvalid, "no CRL folder to keep the CRLs in: pass --crl DIR or set TANBA_CRL_DIR")
            }
            let anchor = TrustAnchor(store)
            let refresher = crl.refresher(trust: anchor, logger: Logger(label: "tanba.crl"))
            _ = try runBlocking { await refresher.refresh() }
            let status = refresher.status()
            if output.json {
                print(String(decoding: try status.json(), as: UTF8.self))
            } else {
                print(PKICRLStatusCommand.text(status))
            }
            if let refused = status.attempts.first(where: { $0.result == .refused }), let code = refused.code {
                throw ExitCode(ExitStatus.status(for: code))
            }
        }
    }
}

/// `tanba pki crl-status`: the CRLs in force in the CRL folder and the last refresh of each distribution point.
struct PKICRLStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl-status",
        abstract:
            "Show the CRLs held (full or delta, number, thisUpdate, nextUpdate, stale) and the last refresh per distribution point."
    )

    @OptionGroup var trust: TrustOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingFailures(command: "pki crl-status", json: output.json) {
            let store = try trust.trustStore()
            var status = CRLStatus(store: store, attempts: [], refreshedAt: nil)
            if let folder = store.crlDirectory, let written = try? CRLStatus.read(CRLStatus.file(in: folder)) {
                status.attempts = written.attempts
                status.refreshedAt = written.refreshedAt
            }
            if output.json {
                print(String(decoding: try status.json(), as: UTF8.self))
            } else {
                print(Self.text(status))
            }
        }
    }

    static func text(_ status: CRLStatus) -> String {
        let format = ISO8601DateFormatter()
        var lines = ["CRLs held:"]
        for held in status.held {
            let crl = held.crl
            lines.append(
                "  \(crl.issuer): \(Self.kind(crl)), number \(crl.number ?? "none"), thisUpdate \(format.string(from: crl.thisUpdate)), "
                    + "nextUpdate \(crl.nextUpdate.map { format.string(from: $0) } ?? "none"), \(crl.revoked) revoked"
                    + (crl.removals > 0 ? " (\(crl.removals) removeFromCRL, not applied)" : "")
                    + (held.stale ? ", STALE (past nextUpdate)" : "") + (crl.file.map { " [\($0)]" } ?? ""))
        }
        lines.append(
            "last refresh: \(status.refreshedAt.map { format.string(from: $0) } ?? "never (no refresh status in the CRL folder)")"
        )
        for attempt in status.attempts {
            var line = "  \(attempt.url): \(attempt.result.rawValue) at \(format.string(from: attempt.at))"
            if let crl = attempt.crl {
                line +=
                    " (\(crl.issuer), \(Self.kind(crl)), number \(crl.number ?? "none"), thisUpdate \(format.string(from: crl.thisUpdate)), "
                    + "nextUpdate \(crl.nextUpdate.map { format.string(from: $0) } ?? "none"))"
            }
            if let code = attempt.code { line += " \(code.rawValue): \(attempt.message ?? "")" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// "full", or "delta of N" (its base CRL number).
    static func kind(_ crl: RevocationListInfo) -> String {
        crl.kind == .delta ? "delta of \(crl.base ?? "?")" : crl.kind.rawValue
    }
}

/// `tanba pki crl`: a new CRL of a test CA, for demos and tests of the refresh (a CA publishing).
struct PKICRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl", abstract: "Issue a new CRL of a test CA (PEM), e.g. to publish at a distribution point.")

    @Argument(help: "The test PKI folder (`tanba pki init`).") var directory: String
    @Option(help: "The CA: root-ca, intermediate-ca, gost-root-ca or gost-intermediate-ca.") var ca = "intermediate-ca"
    @Option(help: "A participant whose certificate it revokes (repeatable).") var revoke: [String] = []
    @Option(help: "The CRL number (the generated CRLs are number 1).") var number: UInt64?
    @Option(
        name: .customLong("delta-of"),
        help: "Make it a delta CRL of this base CRL number (give --number above it), as NCA publishes hourly.")
    var deltaOf: UInt64?
    @Option(help: "A participant it lists with reason removeFromCRL (repeatable; delta CRLs: off hold).")
    var remove: [String] = []
    @Option(help: "Hours from now to its nextUpdate (negative, as --valid-hours=-1: already stale).")
    var validHours: Double = 24
    @Option(name: [.short, .long], help: "Write it here (default: standard output).") var output: String?

    func run() throws {
        try reportingFailures(command: "pki crl", json: false) {
            func participants(_ names: [String], option: String) throws -> [TestPKI.Participant] {
                try names.map { name in
                    guard let participant = TestPKI.Participant(rawValue: name) else {
                        throw TanbaError(.configInvalid, "--\(option) \(name): no such participant in the test PKI")
                    }
                    return participant
                }
            }
            let now = Date()
            let pem = try TestPKI(directory: URL(fileURLWithPath: directory)).revocationList(
                of: ca, revoking: try participants(revoke, option: "revoke"), thisUpdate: now - 60,
                nextUpdate: now + validHours * 3600, number: number, deltaOf: deltaOf,
                removing: try participants(remove, option: "remove"))
            if let output {
                try Data(pem.utf8).write(to: URL(fileURLWithPath: output))
            } else {
                print(pem, terminator: "")
            }
        }
    }
}
