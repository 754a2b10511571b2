import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TanbaCore
import TanbaErrors
import TanbaSigner

/// `tanba signer`: NCALayer's websocket protocol (`kz.gov.pki.knca.basics` `sign`, XML) with key files, for users
/// and browser tests without NCALayer. See docs/SIGNER.md.
struct SignerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signer",
        abstract: "Sign XML for web pages as NCALayer does (wss://127.0.0.1:13579), with key files and no prompt.",
        discussion: """
            Signs without asking anyone, so it signs only for the web pages named by --allow-origin: a browser \
            names the page's origin when it opens the websocket, and any other page is refused \
            (SIGNER_ORIGIN_FORBIDDEN). Every signature is logged on standard error with the certificate's \
            subject and the SHA-256 of what was signed. The first line on standard output names the port once \
            it is bound. SIGTERM or SIGINT stops the signer.
            """)

    @Option(name: .long, help: "Port on 127.0.0.1 (0: any free port, named in the first line printed).")
    var port = SignerServer.defaultPort
    @Option(name: .long, help: "A PEM private key (RSA, ECDSA or Kazakh GOST); repeat with --cert for each key.")
    var key: [String] = []
    @Option(name: .long, help: "The certificate of the --key at the same position.") var cert: [String] = []
    @Option(
        name: .customLong("allow-origin"),
        help:
            "A web page origin allowed to ask for signatures, e.g. https://hub.example.kz (repeatable; none: no page).")
    var allowOrigin: [String] = []
    @Option(
        name: .customLong("tls-cert"), help: "PEM certificate to serve wss:// with (default: a new self-signed one).")
    var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "The key of --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("max-data-mib"), help: "Largest XML a request may carry, in MiB (XML_TOO_LARGE beyond).")
    var maxDataMib = 8

    func run() throws {
        try reportingFailures(command: "signer", json: false) {
            guard !key.isEmpty, key.count == cert.count else {
                throw TanbaError(.configInvalid, "give each --key with its --cert, at least one pair")
            }
            guard (0...65535).contains(port), (1...512).contains(maxDataMib) else {
                throw TanbaError(.configInvalid, "--port must be 0…65535 and --max-data-mib 1…512")
            }
            let keys = try zip(key, cert).map {
                try SignerKey(keyFile: URL(fileURLWithPath: $0), certificateFile: URL(fileURLWithPath: $1))
            }
            let tls: TLSIdentity
            switch (tlsCert, tlsKey) {
            case (let certificate?, let key?):
                tls = try TLSIdentity(
                    certificateFile: URL(fileURLWithPath: certificate), keyFile: URL(fileURLWithPath: key))
            case (nil, nil): tls = try TLSIdentity.selfSigned()
            default: throw TanbaError(.configInvalid, "--tls-cert and --tls-key go together")
            }
            let origins = try OriginPolicy(allowing: allowOrigin)
            var logger = Logger(label: "tanba.signer") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .info
            let signer = LocalSigner(
                keyring: SignerKeyring(keys), maxDataBytes: maxDataMib << 20,
                messages: { code, locale in ErrorMessages.text(code, in: Language.ofLocale(locale) ?? .en) })
            let listening = Flag()
            let report = Self.startReport(keys: keys, tls: tls, origins: origins)
            let server = SignerServer(signer: signer, port: port, origins: origins, tls: tls, logger: logger) { bound in
                // Straight to the descriptor, flushed: a test or a script reads the port from a pipe.
                FileHandle.standardOutput.write(
                    Data(("tanba signer listening on wss://\(SignerServer.host):\(bound)\n" + report).utf8))
                listening.set()
            }
            let group = ServiceGroup(
                configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            let done = DispatchSemaphore(value: 0)
            let failure = Mutex<(any Error)?>(nil)
            Task {
                do { try await group.run() } catch { failure.withLock { $0 = error } }
                done.signal()
            }
            done.wait()
            guard let error = failure.withLock({ $0 }) else { return }
            guard listening.isSet else {
                throw TanbaError(
                    .configInvalid, "cannot listen on \(SignerServer.host):\(port): the port is in use (\(error))")
            }
            throw error
        }
    }

    /// What the signer says after the listening line: how to trust its certificate, its keys, the pages allowed.
    static func startReport(keys: [SignerKey], tls: TLSIdentity, origins: OriginPolicy) -> String {
        var lines = [
            "TLS certificate SPKI SHA-256: \(tls.spkiSHA256)",
            "  (chromium --ignore-certificate-errors-spki-list=\(tls.spkiSHA256), or install --tls-cert)",
        ]
        for (index, key) in keys.enumerated() {
            lines.append(
                "key \(index + 1): \(key.identity.subject) [\(key.identity.extendedKeyUsage.joined(separator: ", "))]")
        }
        lines.append(
            origins.allowed.isEmpty
                ? "pages allowed: none (only clients that are not browsers)"
                : "pages allowed: \(origins.allowed.sorted().joined(separator: " "))")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Whether the signer got as far as listening: an error before that is the port's.
private final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
