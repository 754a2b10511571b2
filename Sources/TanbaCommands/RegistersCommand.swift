import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TanbaCore
import TanbaErrors
import TanbaOutbound
import TanbaStore
import TanbaXML

/// Where the state registers are asked (the e-government gateway), and how often: shared by `tanba serve` and
/// `tanba registers refresh`. The gateway's password comes from `TANBA_REGISTER_PASSWORD`, never the command line.
struct RegisterOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The e-government gateway's SyncChannel endpoint for the registers (default: $TANBA_REGISTER_ENDPOINT; none: statuses are not read)."
    )
    var registerEndpoint: String?
    @Option(
        name: .long,
        help:
            "The gateway's PEM certificate: its answers must be signed with it (default: $TANBA_REGISTER_CERT; needed with an endpoint)."
    )
    var registerCert: String?
    @Option(name: .long, help: "The hub's sender id at the gateway.") var registerSender = "tanba"
    @Option(name: .long, help: "Seconds between two refreshes in `tanba serve`.") var registerRefresh: Double = 3600

    func validate() throws {
        guard registerRefresh >= 1 else { throw ValidationError("--register-refresh is at least 1 second") }
    }

    func endpoint() throws -> String? {
        guard let text = registerEndpoint ?? ProcessInfo.processInfo.environment["TANBA_REGISTER_ENDPOINT"],
            !text.isEmpty
        else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw TanbaError(.configInvalid, "the registers' endpoint \(text) is not an http:// or https:// URL")
        }
        return text
    }

    /// The gateway's certificate. Required with an endpoint: an unsigned answer could suspend any participant.
    func gatewayCertificate() throws -> Certificate {
        guard let path = registerCert ?? ProcessInfo.processInfo.environment["TANBA_REGISTER_CERT"], !path.isEmpty
        else {
            throw TanbaError(
                .configInvalid, "the registers' gateway certificate is needed to verify its answers: --register-cert")
        }
        guard let first = try Certificate.load(contentsOf: URL(fileURLWithPath: path)).first else {
            throw TanbaError(.configInvalid, "no certificate in \(path)")
        }
        return first
    }

    func refresher(store: any HubStore) throws -> RegisterRefresh? {
        guard let endpoint = try endpoint() else { return nil }
        return RegisterRefresh(
            store: store, endpoint: endpoint, gateway: try gatewayCertificate(), senderId: registerSender,
            password: ProcessInfo.processInfo.environment["TANBA_REGISTER_PASSWORD"] ?? "")
    }

    func services(store: any HubStore, logger: Logger) throws -> [any Service] {
        guard let refresh = try refresher(store: store) else { return [] }
        return [
            RegisterRefreshService(
                refresh: refresh, interval: .milliseconds(Int64(registerRefresh * 1000)), logger: logger)
        ]
    }
}

struct RegistersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registers",
        abstract:
            "The state registers of legal entities and entrepreneurs: the hub's copy (import) and participants' statuses (refresh).",
        subcommands: [Import.self, Refresh.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import the registers' dump into the hub's copy, which registrations are then checked against.",
            discussion: """
                The dump is a JSON object of BIN/IIN → {"status": CODE, "name": …}, CODE in the register's directory \
                (ACTIVE, SUSPENDED, IN_LIQUIDATION, LIQUIDATED). All of it or nothing: an invalid subject is \
                REGISTER_ANSWER_INVALID naming it. Registered participants among the subjects take their status \
                (a suspended or liquidated one can no longer log in or sign); each change and the import are audited.
                """)
        @Argument(help: "The registers' dump (JSON).") var file: String
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "registers import", json: output.json) {
                let data = try readFile(file)
                let now = Date()
                let entries = try RegisterCopy.parse(data, at: now)
                let store = try storeOptions.open()
                let report = try OperatorAudit.write(
                    store, action: "registers-import", object: URL(fileURLWithPath: file).lastPathComponent,
                    result: { "\($0.read) read, \($0.saved) saved" }
                ) { tx in
                    try RegisterCopy.save(
                        entries, in: tx, at: now, audit: OperatorAudit.channel, address: OperatorAudit.who)
                }
                if output.json { return try printJSON(report) }
                print("\(report.read) subjects read, \(report.saved) new or changed")
                for change in report.participants { print("changed \(change)") }
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Ask the registers about every participant now; a suspended or liquidated one can no longer log in or sign (audited)."
        )
        @OptionGroup var register: RegisterOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "registers refresh", json: output.json) {
                guard let refresh = try register.refresher(store: try storeOptions.open()) else {
                    throw TanbaError(
                        .configInvalid,
                        "no registers' endpoint: pass --register-endpoint or set TANBA_REGISTER_ENDPOINT")
                }
                let report = try runBlocking { try await refresh.refresh() }
                if output.json { return try printJSON(report) }
                print("asked about \(report.asked) participants")
                for change in report.changed { print("changed \(change)") }
                if !report.unknown.isEmpty { print("not in the register: \(report.unknown.joined(separator: ", "))") }
            }
        }
    }
}
