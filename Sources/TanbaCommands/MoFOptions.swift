import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TanbaCore
import TanbaErrors
import TanbaOutbound
import TanbaPostgres
import TanbaStore
import TanbaXML

/// The Ministry of Finance exports' settings: where the files are, when a day closes, and (for `tanba serve`) the
/// schedule and the endpoint.
struct MoFExportOptions: ParsableArguments {
    @Option(
        name: .customLong("mof-exports"),
        help:
            "Folder of the export files (default: $TANBA_MOF_EXPORTS, else <store>.mof-exports beside an SQLite store, ./mof-exports for PostgreSQL)."
    )
    var exports: String?
    @Option(
        name: .customLong("mof-grace"),
        help: "Seconds after Kazakhstan's midnight before a day counts as closed (longer than any transaction).")
    var grace: Double = 900

    /// The exports folder for `store` (`path`: the store option's value).
    func folder(store path: String) -> URL {
        if let explicit = exports ?? ProcessInfo.processInfo.environment["TANBA_MOF_EXPORTS"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        if PostgresStore.names(path) { return URL(fileURLWithPath: "mof-exports") }
        return URL(fileURLWithPath: path + ".mof-exports")
    }

    func exporter(store: any HubStore, path: String, hub: HubOptions) throws -> MoFExporter {
        guard grace >= 0 else { throw TanbaError(.configInvalid, "--mof-grace is 0 or more seconds") }
        return MoFExporter(store: store, folder: folder(store: path), signer: try hub.signer(), grace: grace)
    }
}

/// The Ministry's certificate, which its acknowledgements and SNT lists must be signed with.
struct MoFCertificateOption: ParsableArguments {
    @Option(
        name: .customLong("mof-cert"),
        help:
            "The Ministry's PEM certificate: acknowledgements and SNT lists must be signed with it (default: $TANBA_MOF_CERT)."
    )
    var certificate: String?

    func load() throws -> Certificate {
        guard let path = certificate ?? ProcessInfo.processInfo.environment["TANBA_MOF_CERT"], !path.isEmpty else {
            throw TanbaError(
                .configInvalid,
                "the Ministry's certificate is needed to verify its acknowledgements and SNT lists: --mof-cert")
        }
        guard let first = try Certificate.load(contentsOf: URL(fileURLWithPath: path)).first else {
            throw TanbaError(.configInvalid, "no certificate in \(path)")
        }
        return first
    }
}

/// `tanba serve`'s Ministry of Finance options: the daily schedule and the delivery.
struct MoFServeOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The Ministry of Finance's endpoint for exports (default: $TANBA_MOF_ENDPOINT; none: exports wait in the outbox)."
    )
    var mofEndpoint: String?
    @Option(
        name: .long,
        help:
            "The Ministry's endpoint for reconciliation reports (default: $TANBA_MOF_RECONCILIATION_ENDPOINT, else --mof-endpoint with its last path segment reconciliations)."
    )
    var mofReconciliationEndpoint: String?
    @Option(
        name: .long,
        help: "Run the daily export from this time of day on, Kazakhstan's time (HH:MM); none: no daily export.")
    var mofSchedule: String?
    @Option(
        name: .long, help: "The first day of the daily export when none was made yet (default: the last closed day).")
    var mofStart: String?
    @Option(
        name: .long,
        help:
            "Fetch the Ministry's signed SNT list from this URL at start and every --mof-snt-interval, and keep it (default: $TANBA_MOF_SNT_URL; none: no refresh)."
    )
    var mofSntUrl: String?
    @Option(name: .long, help: "Seconds between two refreshes of the SNT list (--mof-snt-url).")
    var mofSntInterval: Double = 3600
    @OptionGroup var exportOptions: MoFExportOptions
    @OptionGroup var ministry: MoFCertificateOption

    /// Minutes after midnight of `--mof-schedule`.
    func minuteOfDay() throws -> Int? {
        guard let text = mofSchedule else { return nil }
        let parts = text.split(separator: ":")
        guard text.utf8.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw TanbaError(.configInvalid, "--mof-schedule is a time of day HH:MM, not \(text)") }
        return hour * 60 + minute
    }

    /// - Throws: `CONFIG_INVALID` unless `text` is an http:// or https:// URL with a host.
    static func checkHTTP(_ text: String, _ what: String) throws {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw TanbaError(.configInvalid, "\(what) \(text) is not an http:// or https:// URL")
        }
    }

    func services(
        store: any HubStore, path: String, hub: HubOptions, outbox: OutboxOptions, logger: Logger
    ) throws -> [any Service] {
        var services: [any Service] = []
        if let minute = try minuteOfDay() {
            if let start = mofStart, MoFEvent.start(of: start) == nil {
                throw TanbaError(.configInvalid, "--mof-start is a day YYYY-MM-DD, not \(start)")
            }
            services.append(
                MoFScheduleService(
                    exporter: try exportOptions.exporter(store: store, path: path, hub: hub), minuteOfDay: minute,
                    start: mofStart, logger: logger))
        }
        if let snt = mofSntUrl ?? ProcessInfo.processInfo.environment["TANBA_MOF_SNT_URL"], !snt.isEmpty {
            try Self.checkHTTP(snt, "the Ministry's SNT list URL")
            guard mofSntInterval >= 1 else {
                throw TanbaError(.configInvalid, "--mof-snt-interval is 1 or more seconds")
            }
            services.append(
                MoFSNTRefreshService(
                    url: snt, ministry: try ministry.load(), store: store,
                    interval: .milliseconds(Int64(mofSntInterval * 1000)), logger: logger))
        }
        let text = mofEndpoint ?? ProcessInfo.processInfo.environment["TANBA_MOF_ENDPOINT"]
        if let text, !text.isEmpty {
            try Self.checkHTTP(text, "the Ministry's endpoint")
            var reconciliations: String?
            if let other = mofReconciliationEndpoint
                ?? ProcessInfo.processInfo.environment["TANBA_MOF_RECONCILIATION_ENDPOINT"], !other.isEmpty
            {
                try Self.checkHTTP(other, "the Ministry's reconciliation endpoint")
                reconciliations = other
            }
            let transport = MoFTransport(
                endpoint: text, reconciliationEndpoint: reconciliations, folder: exportOptions.folder(store: path),
                ministry: try ministry.load(), store: store,
                timeout: .milliseconds(Int64(max(outbox.outboxTimeout, 1) * 1000)))
            services.append(
                OutboxService(delivery: outbox.delivery(store: store, transport: transport), logger: logger))
        }
        return services
    }
}
