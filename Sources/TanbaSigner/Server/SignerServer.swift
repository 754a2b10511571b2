import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
public import Logging
import NIOCore
public import ServiceLifecycle
import TanbaErrors

/// `tanba signer`'s server: `wss://127.0.0.1:<port>`, one websocket per page, NCALayer's greeting on open and an
/// answer per request (`LocalSigner`). A service: run it in a `ServiceGroup`, which stops it on SIGTERM/SIGINT
/// (open websockets are closed, requests being signed finish first).
///
/// Loopback only: the address is 127.0.0.1 and cannot be changed, like NCALayer's.
public struct SignerServer: Service {
    /// NCALayer's port, which pages open.
    public static let defaultPort = 13579
    /// The only address the signer listens on.
    public static let host = "127.0.0.1"

    public let signer: LocalSigner
    /// 0: any free port (the chosen one is handed to `onListening`).
    public let port: Int
    public let origins: OriginPolicy
    public let tls: TLSIdentity
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// - Parameters:
    ///   - onListening: called with the port once it is bound (before any connection is accepted).
    public init(
        signer: LocalSigner, port: Int = Self.defaultPort, origins: OriginPolicy, tls: TLSIdentity, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.signer = signer
        self.port = port
        self.origins = origins
        self.tls = tls
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the service group shuts down or the task is cancelled.
    /// - Throws: `KEY_INVALID` for a TLS identity BoringSSL cannot use; NIO's error when the port cannot be bound.
    public func run() async throws {
        let tlsConfiguration = try tls.serverConfiguration()
        let (signer, origins, logger, onListening) = (self.signer, self.origins, self.logger, self.onListening)
        let websocket = HTTP1WebSocketUpgradeChannel.Configuration(
            ws: .init(maxFrameSize: signer.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(30))))
        let application = Application(
            router: Self.router(origins: origins),
            server: try .tls(
                .http1WebSocketUpgrade(configuration: websocket) { request, _, logger in
                    let values = request.headerFields[values: .origin]
                    let origin = values.isEmpty ? nil : values.joined(separator: ", ")
                    guard origins.admits(values) else {
                        logger.warning(
                            "refused a page",
                            metadata: ["origin": "\(origin ?? "-")", "code": "SIGNER_ORIGIN_FORBIDDEN"])
                        return .dontUpgrade  // answered by the router: 403 with the code
                    }
                    return .upgrade([:]) { inbound, outbound, _ in
                        try await outbound.write(.text(SignerProtocol.greeting))
                        for try await message in inbound.messages(maxSize: signer.maxMessageBytes) {
                            let text: String
                            switch message {
                            case .text(let string): text = string
                            case .binary(let buffer): text = String(buffer: buffer)
                            }
                            let answer = signer.answer(text, origin: origin, logger: logger)
                            try await outbound.write(.text(answer.json))
                        }
                    }
                }, tlsConfiguration: tlsConfiguration),
            configuration: .init(address: .hostname(Self.host, port: port), serverName: "tanba-signer"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        try await application.run()
    }

    /// What a request that is not upgraded gets: 403 with `SIGNER_ORIGIN_FORBIDDEN` for a refused page, 426 for
    /// anything else (the signer speaks websocket only).
    static func router(origins: OriginPolicy) -> Router<BasicRequestContext> {
        let router = Router()
        let reply: @Sendable (Request, BasicRequestContext) -> Response = { request, _ in
            let values = request.headers[values: .origin]
            let origin = values.isEmpty ? nil : values.joined(separator: ", ")
            guard origins.admits(values) else {
                let refusal = SignerResponse.refused(
                    code: .signerOriginForbidden, message: LocalSigner.englishMessages(.signerOriginForbidden, nil),
                    details: "origin \(origin ?? "-") is not allowed (--allow-origin)")
                return Response(
                    status: .forbidden, headers: [.contentType: "application/json"],
                    body: .init(byteBuffer: ByteBuffer(string: refusal.json)))
            }
            return Response(
                status: .upgradeRequired, headers: [.contentType: "text/plain", .upgrade: "websocket"],
                body: .init(byteBuffer: ByteBuffer(string: "tanba signer: websocket only (NCALayer's protocol)\n")))
        }
        router.get("/", use: reply)
        router.get("**", use: reply)
        return router
    }
}
