import ArgumentParser
import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization
import TanbaCore
import TanbaErrors
import TanbaFolders
import TanbaHTTP
import TanbaPipeline
import TanbaRevocation
import TanbaWeb
import TanbaXML

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub: the HTTP API for participants' ERPs (signature login, documents, inbox, codes).")

    @Option(name: .long, help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(name: .long, help: "Port to listen on (0: any free port, named in the listening line).") var port = 8080
    @Option(name: .long, help: "Requests a second per client (verified bearer token, else IP address); 0: no limit.")
    var rateLimit: Double = 1000
    @Option(name: .long, help: "Largest request body in MiB (413 REQUEST_TOO_LARGE beyond).") var maxBodyMib = 64
    @Option(name: .long, help: "Public checks and reports a second per address (no login); 0: no limit.")
    var publicRate: Double = 20
    @Option(name: .long, help: "Public requests an address may send at once (default: three times the rate).")
    var publicBurst: Double?
    @Option(name: .long, help: "Requests a client may send at once (default: twice the rate).") var burst: Double?
    @Option(name: .long, help: "MiB that request bodies in flight may hold together (503 SERVICE_BUSY beyond).")
    var bodyBudgetMib = 256
    @Option(name: .long, help: "Login challenges outstanding at most (503 SERVICE_BUSY beyond).")
    var maxChallenges = 10_000
    @Option(
        name: .long,
        help: "Also serve the EDI drop folders under this root (as `tanba folders`), started and stopped with the hub.")
    var folders: String?
    @Option(name: .long, help: "Seconds between drop-folder polls when idle.") var folderInterval: Double = 1
    @Option(
        name: .long,
        help:
            "Folder of the web application (templates, i18n, static; default: $TANBA_WEB_DIR, ./web, or beside the binary)."
    )
    var web: String?
    @Flag(name: .long, help: "Serve the API only, without the web application.") var noWeb = false
    @Option(
        name: .long,
        help:
            "Where the web pages' signing script finds NCALayer or `tanba signer` (a wss:// address on the user's machine)."
    )
    var signerUrl = "wss://127.0.0.1:13579"
    @Flag(
        name: .long,
        help: "Mark the web session cookies Secure: the hub is reached over HTTPS (directly or by a proxy).")
    var secureCookies = false
    @OptionGroup var outbox: OutboxOptions
    @OptionGroup var partners: EAEUPartnerOptions
    @OptionGroup var mof: MoFServeOptions
    @OptionGroup var register: RegisterOptions
    @OptionGroup var trust: TrustOptions
    @OptionGroup var crl: CRLRefreshOptions
    @OptionGroup var schemas: SchemaOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var hub: HubOptions

    /// Runs the server until it is stopped (SIGINT/SIGTERM end the service group). The command line itself is
    /// synchronous; the server runs on Swift concurrency while this thread waits.
    ///
    /// The listening line is printed, and flushed (standard output is a pipe under a supervisor or a script, and
    /// block-buffered there), only once the port is bound. A port that cannot be bound is `CONFIG_INVALID`,
    /// exit 2, with no listening line before it.
    func run() throws {
        try reportingFailures(command: "serve", json: false) {
            let pipeline = try makePipeline(
                trust: trust, schemas: schemas, store: storeOptions, hub: hub, partners: try partners.partners())
            let api = HubAPI(
                pipeline: pipeline, verifier: pipeline.verifier, maxBodySize: maxBodyMib << 20,
                limiter: RateLimiter(rate: rateLimit, burst: burst ?? rateLimit * 2),
                publicLimiter: RateLimiter(rate: publicRate, burst: publicBurst ?? publicRate * 3),
                challengeCapacity: maxChallenges, bodyBudget: bodyBudgetMib << 20
            )
            // Fiscal violations a crash left unfiled (SQLite commits the checks file apart): filed now, once.
            try FiscalCommand.refileAtStart(api.core)
            let (host, location) = (self.host, pipeline.store.location)
            let listening = ListeningFlag()
            // One service group: the HTTP server and, when asked, the drop folders start together and stop
            // together; SIGTERM lets requests in flight and a folder pass under way finish.
            var services: [any Service] = []
            if let folders {
                let root = URL(fileURLWithPath: folders)
                guard (try? root.checkResourceIsReachable()) == true else {
                    throw TanbaError(.configInvalid, "drop-folder root \(folders) does not exist")
                }
                services.append(
                    DropFolderService(
                        folders: DropFolders(root: root, core: api.core),
                        interval: .milliseconds(Int(max(0.05, folderInterval) * 1000)), logger: api.logger))
            }
            services += try outbox.services(store: pipeline.store, logger: api.logger)
            services += try mof.services(
                store: pipeline.store, path: storeOptions.path, hub: hub, outbox: outbox, logger: api.logger)
            services += try register.services(store: pipeline.store, logger: api.logger)
            if crl.refreshSeconds > 0 {
                // The verifiers of documents and logins share the pipeline's trust anchor: one swap reaches both.
                services.append(
                    CRLRefreshService(
                        refresher: crl.refresher(trust: pipeline.verifier.trust, logger: api.logger),
                        interval: .milliseconds(Int64(crl.refreshSeconds * 1000)), logger: api.logger))
            }
            // The EAEU partners' endpoint is always served: without a pinned partner it refuses every message
            // (EAEU_PARTNER_UNKNOWN), audited, which tells a partner being connected what is missing.
            let channels: [any HubChannel] =
                [EAEUChannel()]
                + (noWeb
                    ? []
                    : [
                        try WebApp(
                            folder: Locations.folder(
                                explicit: web, environment: "TANBA_WEB_DIR", name: "web", marker: "i18n/en.json",
                                label: "web application"),
                            signerURL: signerUrl, secureCookies: secureCookies)
                    ])
            let application = api.application(host: host, port: port, services: services, channels: channels) {
                channel in
                let bound = channel.localAddress?.port ?? 0
                // Written straight to the descriptor: print's buffer would hold the line until exit on a pipe.
                FileHandle.standardOutput.write(
                    Data("tanba hub listening on http://\(host):\(bound) (store \(location))\n".utf8))
                listening.set()
            }
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            Task {
                do { try await application.runService() } catch { failure.error = error }
                done.signal()
            }
            done.wait()
            // The last half second of public checks, journalled before the process ends.
            api.core.journal.flush()
            guard let error = failure.error else { return }
            guard listening.isSet else {
                // SwiftNIO's error text names its internal calls; the likely causes are the operator's to fix.
                throw TanbaError(
                    .configInvalid,
                    "cannot serve on \(host):\(port): the port is in use or the address is not this machine's")
            }
            throw error
        }
    }
}

/// Whether the server got as far as listening: an error before that is one of configuration (the address).
private final class ListeningFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Carries the server's error back to the waiting thread.
private final class FailureBox: @unchecked Sendable {
    var error: (any Error)?
}
