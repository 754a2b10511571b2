import ArgumentParser
import Foundation
import TanbaCore
import TanbaErrors
import TanbaIntegrations
import TanbaOutbound
import TanbaStore
import TanbaXML

/// The Ministry of Finance exports for operators: make one, list them, record an acknowledgement, reconcile SNTs.
struct MoFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mof",
        abstract: "Ministry of Finance exports: daily and on demand, their acknowledgements, SNT reconciliation.",
        subcommands: [Export.self, Exports.self, Ack.self, Reconcile.self, Reconciliations.self, SNT.self])

    /// An export's line in the text output.
    static func line(_ export: MoFExportView) -> String {
        "\(export.id)  \(export.mode)  \(export.from)…\(export.to)  \(export.total) events  sha256 \(export.sha256)  "
            + "\(export.size) bytes  delivery \(export.delivery ?? "-")  ack \(export.acknowledgement)"
            + (export.reason.map { " (\($0))" } ?? "")
    }

    /// A reconciliation report's line in the text output.
    static func line(_ report: MoFReconciliationView) -> String {
        "\(report.id)  \(report.from)…\(report.to)  \(report.withoutSNT) without SNT"
            + (report.sntWithoutShipment.map { ", \($0) SNT without shipment" } ?? "")
            + (report.quantitiesDiffer.map { ", \($0) quantities differ" } ?? "")
            + (report.partiesDiffer.map { ", \($0) parties differ" } ?? "")
            + "  sha256 \(report.sha256)  delivery \(report.delivery ?? "-")  ack \(report.acknowledgement)"
            + (report.reason.map { " (\($0))" } ?? "")
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a closed day (the daily export) or, on demand, a period; queue it for delivery.",
            discussion: """
                --day D makes the daily export of D (once per day; D must have closed: Kazakhstan's midnight plus \
                --mof-grace). Without options, every closed day after the cursor is exported (as `tanba serve \
                --mof-schedule` does). --from D --to D re-exports a period as a separate export marked on demand, \
                leaving the daily cursor alone.
                """)
        @Option(name: .long, help: "The day to export (YYYY-MM-DD, Kazakhstan's time).") var day: String?
        @Option(name: .long, help: "First day of an on-demand export.") var from: String?
        @Option(name: .long, help: "Last day of an on-demand export.") var to: String?
        @Option(name: .long, help: "Without --day: the first day when no daily export was made yet.") var start: String?
        @OptionGroup var exportOptions: MoFExportOptions
        @OptionGroup var hub: HubOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if day != nil, from != nil || to != nil { throw ValidationError("--day or --from/--to, not both") }
            if (from == nil) != (to == nil) { throw ValidationError("--from and --to go together") }
        }

        func run() throws {
            try reportingFailures(command: "mof export", json: output.json) {
                let store = try storeOptions.open()
                let exporter = try exportOptions.exporter(store: store, path: storeOptions.path, hub: hub)
                let made: [MoFExportRecord]
                if let day {
                    made = [try exporter.exportDay(day)]
                } else if let from, let to {
                    made = [try exporter.exportPeriod(from: from, to: to)]
                } else {
                    made = try exporter.exportDue(start: start)
                }
                let listed = made.map { MoFExportView($0, message: nil) }
                if output.json { return try printJSON(listed) }
                if made.isEmpty { print("nothing to export: every closed day is exported") }
                for export in listed { print(MoFCommand.line(export)) }
            }
        }
    }

    struct Exports: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The exports made, newest first, a page at a time: period, counts, digest, delivery and "
                + "acknowledgement.",
            discussion: """
                The list of GET /v1/operator/mof/exports: the same parameters and refusals. When older exports \
                remain, the last line is `next: --after CURSOR` (with --json: `next`, null on the last page); \
                give it back as is for the next page.
                """)
        @Option(name: .long, help: "At most this many (1…200).") var limit = 50
        @Option(name: .long, help: "Continue after this cursor (the 'next' a previous page printed).") var after:
            String?
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try MoFCommand.list(
                MoFExportView.self, command: "mof exports", limit: limit, after: after, storeOptions: storeOptions,
                json: output.json, none: after == nil ? "no export made yet" : "no older export", line: MoFCommand.line)
        }
    }

    /// Prints a page of a list (`tanba mof exports`, `tanba mof reconciliations`): the API's parameters and
    /// refusals (each naming its option), the API's page with `--json`, else a line each (`none` when there is
    /// none) and `next: --after CURSOR` when older ones remain.
    static func list<Fields>(
        _: MoFListItem<Fields>.Type, command: String, limit: Int, after: String?, storeOptions: StoreOptions,
        json: Bool, none: String, line: (MoFListItem<Fields>) -> String
    ) throws {
        try reportingFailures(command: command, json: json) {
            let options = [("limit", "\(limit)")] + (after.map { [("after", $0)] } ?? [])
            let asked = try MoFListItem<Fields>.page(
                asked: try QueryText(options, known: HubCore.mofListParameters, naming: QueryText.option))
            let page = try MoFListItem<Fields>.list(
                store: try storeOptions.open(), limit: asked.limit, after: asked.after)
            if json { return try printJSON(page) }
            if page.items.isEmpty { print(none) }
            for item in page.items { print(line(item)) }
            if let next = page.next { print("next: --after \(next)") }
        }
    }

    struct Ack: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an acknowledgement the Ministry sent apart from the delivery (a file).",
            discussion: """
                An export's (MoFAcknowledgement) or a reconciliation report's (MoFReconciliationAcknowledgement), \
                told apart by the root element. It must be signed with the Ministry's certificate (--mof-cert), \
                name an export or report the hub made, carry its digest, be dated after it, and be the first for \
                it. A refusal changes nothing and is audited; exit status 1.
                """)
        @Argument(help: "The signed MoFAcknowledgement or MoFReconciliationAcknowledgement XML.") var file: String
        @OptionGroup var ministry: MoFCertificateOption
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "mof ack", json: output.json) {
                let data = try readFile(file)
                let store = try storeOptions.open()
                // The root says which kind it is; anything else (not XML among it) goes the export's way, whose
                // checks refuse it with its code.
                if (try? XMLDocument.parse(data))?.root.name == MoFReconciliationAcknowledgement.rootName {
                    let report = try MoFAnswers.apply(
                        data, .reconciliation, pinned: try ministry.load(), store: store, source: OperatorAudit.who)
                    let view = MoFReconciliationView(report, message: nil)
                    if output.json { return try printJSON(view) }
                    return print(MoFCommand.line(view))
                }
                let export = try MoFAcknowledgements.apply(
                    data, pinned: try ministry.load(), store: store, source: OperatorAudit.who)
                let view = MoFExportView(export, message: nil)
                if output.json { return try printJSON(view) }
                print(MoFCommand.line(view))
            }
        }
    }

    struct Reconciliations: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The reconciliation reports queued for the Ministry, newest first, a page at a time: period, "
                + "counts, digest, delivery and acknowledgement.",
            discussion: """
                The list of GET /v1/operator/mof/reconciliations: the same parameters and refusals. When older \
                reports remain, the last line is `next: --after CURSOR` (with --json: `next`, null on the last \
                page); give it back as is for the next page.
                """)
        @Option(name: .long, help: "At most this many (1…200).") var limit = 50
        @Option(name: .long, help: "Continue after this cursor (the 'next' a previous page printed).") var after:
            String?
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try MoFCommand.list(
                MoFReconciliationView.self, command: "mof reconciliations", limit: limit, after: after,
                storeOptions: storeOptions, json: output.json,
                none: after == nil ? "no reconciliation report queued yet" : "no older reconciliation report",
                line: MoFCommand.line)
        }
    }

    struct Reconcile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ownership transfers without an SNT; with --snt, compared with the Ministry's list of SNTs.",
            discussion: """
                The hub's report of the period's accepted shipments that name no SNT, compared with the Ministry's \
                SNTs: with --snt FILE (a signed SNTList) or --snt-url URL (the Ministry's or the simulator's list), \
                that list, verified against the Ministry's certificate (--mof-cert); without them, the SNTs kept by \
                `tanba mof snt import` when a list covers a day of the period (the output says so); else no \
                comparison. Compared: the SNTs no shipment names, quantities per GTIN that differ, and SNTs whose \
                parties differ. Exit status 0 when everything matches, 1 when something differs.

                --send also signs the report with the hub's key (--hub-key, --hub-cert) and queues it for the \
                Ministry (outbox channel mof, kind MOF.RECONCILIATION.1), whose worker (`tanba serve \
                --mof-endpoint`) delivers it; without an endpoint it waits in the outbox. The report's id is made \
                from the period and its findings: the same report sent again is not queued twice.
                """)
        @Option(name: .long, help: "First day (YYYY-MM-DD).") var from: String
        @Option(name: .long, help: "Last day (YYYY-MM-DD).") var to: String
        @Option(name: .long, help: "The Ministry's signed SNT list (SNTList XML).") var snt: String?
        @Option(name: .customLong("snt-url"), help: "Fetch the signed SNT list from this URL (GET).") var sntURL:
            String?
        @Flag(help: "Sign the report with the hub's key and queue it for the Ministry.") var send = false
        @OptionGroup var ministry: MoFCertificateOption
        @OptionGroup var hub: HubOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        /// The list at `url`, fetched while this (synchronous) command waits.
        static func fetch(_ url: String) throws -> [UInt8] {
            try runBlocking { try await MoFTransport.fetchSNTList(url) }
        }

        func run() throws {
            try reportingFailures(command: "mof reconcile", json: output.json) {
                // Without the hub's key there is nothing to send: refused before any work.
                let signer = send ? try hub.signer() : nil
                var list: SNTList?
                var source: SNTSource?
                if let snt {
                    list = try MoFSNTLists.verify(try readFile(snt), pinned: try ministry.load())
                    source = SNTSource(kind: "file", lists: nil, daysCovered: nil)
                } else if let sntURL {
                    list = try MoFSNTLists.verify(try Self.fetch(sntURL), pinned: try ministry.load())
                    source = SNTSource(kind: "url", lists: nil, daysCovered: nil)
                }
                let store = try storeOptions.open()
                if list == nil, let stored = try MoFSNTLists.stored(store: store, from: from, to: to) {
                    list = stored.list
                    source = SNTSource(kind: "stored", lists: stored.lists, daysCovered: stored.daysCovered)
                }
                let report = try MoFReconciliation.make(store: store, from: from, to: to, list: list)
                var sent: MoFReconciliation.Sent?
                if let signer { sent = try report.send(signer: signer, store: store, source: OperatorAudit.who) }
                let differs =
                    !report.withoutSNT.isEmpty || !(report.sntWithoutShipment ?? []).isEmpty
                    || !(report.differences ?? []).isEmpty || !(report.partiesDiffer ?? []).isEmpty
                if output.json {
                    struct Sending: Encodable {
                        let reportId: String
                        let queuedBefore: Bool
                    }
                    /// The report's fields, as without --send, and what was sent.
                    struct Output: Encodable {
                        let from: String
                        let to: String
                        let withoutSNT: [MoFReconciliation.Transfer]
                        let sntWithoutShipment: [String]?
                        let differences: [MoFReconciliation.Difference]?
                        let partiesDiffer: [String]?
                        let snts: SNTSource?
                        let sent: Sending?
                    }
                    try printJSON(
                        Output(
                            from: report.from, to: report.to, withoutSNT: report.withoutSNT,
                            sntWithoutShipment: report.sntWithoutShipment, differences: report.differences,
                            partiesDiffer: report.partiesDiffer, snts: source,
                            sent: sent.map { Sending(reportId: $0.report.reportId, queuedBefore: $0.queuedBefore) }))
                } else {
                    print("\(from)…\(to): \(report.withoutSNT.count) shipment(s) without an SNT")
                    if let source, source.kind == "stored" {
                        print(
                            "compared with the stored SNT lists: \(source.lists?.count ?? 0) list(s) covering "
                                + "\(source.daysCovered ?? 0) day(s) of the period")
                    } else if source == nil {
                        print("no SNT list given or stored for the period: not compared")
                    }
                    for transfer in report.withoutSNT {
                        print(
                            "  no SNT: \(transfer.document) \(transfer.day) \(transfer.seller ?? "-") → "
                                + "\(transfer.buyer ?? "-") "
                                + transfer.quantities.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
                                .joined(separator: " "))
                    }
                    if let missing = report.sntWithoutShipment {
                        print(
                            "\(missing.count) SNT(s) without a shipment" + (missing.isEmpty ? "" : ": ")
                                + missing.joined(separator: ", "))
                    }
                    for difference in report.differences ?? [] {
                        print(
                            "  quantity differs: SNT \(difference.snt) GTIN \(difference.gtin): hub \(difference.hub), "
                                + "SNT \(difference.snt_)")
                    }
                    for number in report.partiesDiffer ?? [] { print("  parties differ: SNT \(number)") }
                    if let sent {
                        print(
                            sent.queuedBefore
                                ? "report \(sent.report.reportId) was queued for the Ministry before: not queued again"
                                : "report \(sent.report.reportId) queued for the Ministry (outbox channel mof)")
                    }
                }
                if differs { throw ExitCode(1) }
            }
        }
    }

    /// Where `tanba mof reconcile` took the SNTs it compared: `file`, `url` or `stored` (then the lists in force and
    /// the days of the period they cover).
    struct SNTSource: Encodable {
        let kind: String
        let lists: [String]?
        let daysCovered: Int?
    }

    struct SNT: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "snt",
            abstract: "The Ministry's SNT lists kept in the store: import a signed list, show what is kept.",
            subcommands: [Import.self, List.self])

        struct Import: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Verify the Ministry's signed SNT list (a file or a URL) and keep it in the store.",
                discussion: """
                    The list must be signed with the Ministry's certificate (--mof-cert). A newer list (CreatedAt) \
                    replaces the SNTs an older one held for the days of its period; an older or equally old list \
                    for a day held already is refused (MOF_SNT_LIST_OUT_OF_ORDER); the same list again changes \
                    nothing (unchanged). Every import is audited; a refusal changes nothing, exit status 1.
                    """)
            @Argument(help: "The signed SNTList XML.") var file: String?
            @Option(name: .long, help: "Fetch the signed list from this URL (GET) instead.") var url: String?
            @OptionGroup var ministry: MoFCertificateOption
            @OptionGroup var storeOptions: StoreOptions
            @OptionGroup var output: OutputOptions

            func validate() throws {
                if (file == nil) == (url == nil) { throw ValidationError("a FILE or --url URL, one of them") }
            }

            func run() throws {
                try reportingFailures(command: "mof snt import", json: output.json) {
                    let pinned = try ministry.load()
                    let bytes: [UInt8]
                    if let file { bytes = try readFile(file) } else { bytes = try Reconcile.fetch(url ?? "") }
                    let imported = try MoFSNTLists.import(
                        bytes, pinned: pinned, store: try storeOptions.open(), source: OperatorAudit.who)
                    if output.json { return try printJSON(imported) }
                    let list = imported.list
                    print(
                        imported.unchanged
                            ? "SNT list \(list.digest) (\(list.fromDay)…\(list.toDay)) was imported before: unchanged"
                            : "SNT list \(list.digest) imported: \(list.fromDay)…\(list.toDay), \(list.count) SNT(s), "
                                + "\(imported.replacedDays) day(s) replaced")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "The SNT lists kept whose period meets --from…--to (default: all), newest first, and a page "
                    + "of their SNTs in force.",
                discussion: """
                    The answer of GET /v1/operator/mof/snts: the same parameters and refusals. First the lists (at \
                    most 50, each with the days of its period it still holds; a line says when more meet the \
                    period), then the SNTs in force by day and number, --limit at a time. When more remain, the last \
                    line is `next: --after CURSOR` (with --json: `next`, null on the last page); give it back as is, \
                    with the same --from and --to, for the next page.
                    """)
            @Option(name: .long, help: "First day (YYYY-MM-DD; default: the first kept).") var from: String?
            @Option(name: .long, help: "Last day (YYYY-MM-DD; default: the last kept).") var to: String?
            @Option(name: .long, help: "At most this many SNTs (1…500; default 100).") var limit: String?
            @Option(name: .long, help: "Continue after this cursor (the 'next' a previous page printed).") var after:
                String?
            @OptionGroup var storeOptions: StoreOptions
            @OptionGroup var output: OutputOptions

            func run() throws {
                try reportingFailures(command: "mof snt list", json: output.json) {
                    let options = [("from", from), ("to", to), ("limit", limit), ("after", after)].compactMap { pair in
                        pair.1.map { (pair.0, $0) }
                    }
                    let asked = try MoFSNTPage.asked(
                        try QueryText(options, known: HubCore.mofSNTParameters, naming: QueryText.option))
                    let page = try MoFSNTPage.read(store: try storeOptions.open(), asked)
                    if output.json { return try printJSON(page) }
                    if page.lists.isEmpty { print("no SNT list kept for the period") }
                    for list in page.lists {
                        print(
                            "\(list.sha256)  \(list.from)…\(list.to)  created \(MoFFormat.dateTime(list.createdAt))  "
                                + "imported \(MoFFormat.dateTime(list.importedAt))  \(list.count) SNT(s)  "
                                + "\(list.daysInForce) day(s) in force")
                    }
                    if page.moreLists {
                        print("more lists meet the period than these \(page.lists.count): give a shorter --from…--to")
                    }
                    for snt in page.snts {
                        print(
                            "  SNT \(snt.number) \(snt.date) \(snt.seller) → \(snt.buyer) "
                                + snt.lines.map { "\($0.gtin)×\($0.quantity)" }.joined(separator: " "))
                    }
                    if let next = page.next { print("next: --after \(next)") }
                }
            }
        }
    }
}
