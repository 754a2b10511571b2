import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization
import TanbaBrowserTestSupport
import TanbaErrors
import TanbaSigner
import TanbaXML

/// One test PKI for the suite (keys are slow to make), and a signer started in-process around a test's body.
enum SignerHarness {
    static let pki: TestPKI = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-signer-tests-\(UUID().uuidString)")
        return try! TestPKI.create(at: directory)
    }()

    /// A signer key from the test PKI.
    static func key(_ participant: TestPKI.Participant) throws -> SignerKey {
        try SignerKey(keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
    }

    /// The verifier a hub would use, trusting the test PKI's CAs; `purposes` [.signing, .authentication] for a login.
    static func verifier(purposes: Set<KeyPurpose> = [.signing]) throws -> SignatureVerifier {
        SignatureVerifier(
            trustStore: try TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory),
            keyPurposes: purposes)
    }

    /// A login challenge as the hub issues it (`LoginService`'s shape).
    static func challenge(nonce: String = UUID().uuidString) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <LoginChallenge xmlns="urn:kz:tanba:login:1"><Nonce>\(nonce)</Nonce><IssuedAt>2026-12-01T10:00:00Z</IssuedAt></LoginChallenge>
        """
    }

    /// A request as a page sends it.
    static func request(
        _ data: String, oids: [String] = [SignerProtocol.authenticationOID], format: String = "xml",
        locale: String = "ru"
    ) -> String {
        let request = SignerRequest(
            args: SignArguments(format: format, data: .one(data), extendedKeyUsage: oids, locale: locale))
        return String(decoding: try! JSONEncoder().encode(request), as: UTF8.self)
    }

    /// Runs a signer with `keys` on an ephemeral port while `body` runs, then stops it as SIGTERM would.
    static func withSigner<T: Sendable>(
        keys: [TestPKI.Participant], origins: [String] = [], maxDataBytes: Int = 64 << 10,
        logger: Logger = Logger(label: "signer-test") { _ in SwiftLogNoOpLogHandler() },
        _ body: @Sendable (_ port: Int, _ tls: TLSIdentity) async throws -> T
    ) async throws -> T {
        let signer = LocalSigner(keyring: SignerKeyring(try keys.map(key)), maxDataBytes: maxDataBytes)
        let tls = try TLSIdentity.selfSigned()
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = SignerServer(
            signer: signer, port: 0, origins: try OriginPolicy(allowing: origins), tls: tls, logger: logger
        ) { port in
            continuation.yield(port)
            continuation.finish()
        }
        return try await withRunningService(server, ports: ports, logger: logger) { port in
            try await body(port, tls)
        }
    }

    /// What a websocket client saw: the greeting, one answer per request, and how the signer closed.
    struct Exchange: Sendable {
        var greeting: String?
        var answers: [String] = []
        var close: WebSocketCloseFrame?
    }

    /// Opens `wss://127.0.0.1:<port>` (with `Origin` when given), reads the greeting, sends each request and
    /// reads its answer.
    static func exchange(port: Int, origin: String? = nil, requests: [String]) async throws -> Exchange {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none  // the signer's self-signed certificate; pinning is the browser test's
        var headers = HTTPFields()
        if let origin { headers[.origin] = origin }
        let seen = Mutex(Exchange())
        let close = try await WebSocketClient.connect(
            url: "wss://127.0.0.1:\(port)/",
            // SNI cannot carry an IP address; the self-signed certificate names localhost too.
            configuration: .init(maxFrameSize: 16 << 20, additionalHeaders: headers, sniHostname: "localhost"),
            tlsConfiguration: tls,
            logger: Logger(label: "ws-client") { _ in SwiftLogNoOpLogHandler() }
        ) { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 64 << 20).makeAsyncIterator()
            let greeting = try await messages.next()
            seen.withLock { $0.greeting = greeting.flatMap(Self.text) }
            for request in requests {
                try await outbound.write(.text(request))
                guard let answer = try await messages.next() else { return }
                seen.withLock { $0.answers.append(Self.text(answer) ?? "") }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        var result = seen.withLock { $0 }
        result.close = close
        return result
    }

    private static func text(_ message: WebSocketMessage) -> String? {
        if case .text(let text) = message { return text }
        return nil
    }
}

/// Keeps log records: the signer's log is part of its contract (who signed what).
final class CapturedLog: Sendable {
    let records = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    var logger: Logger {
        Logger(label: "captured") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.records.withLock { $0.append((event.level, event.message.description, event.metadata ?? [:])) }
        }
    }
}
