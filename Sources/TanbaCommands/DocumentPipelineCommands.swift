import ArgumentParser
import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaPipeline
import TanbaStore
import TanbaXML

/// The hub's own signing key and certificate (receipts).
struct HubOptions: ParsableArguments {
    @Option(name: .long, help: "The hub's PEM key for signing receipts (default: $TANBA_HUB_KEY).") var hubKey: String?
    @Option(name: .long, help: "The hub's PEM certificate (default: $TANBA_HUB_CERT).") var hubCert: String?

    func signer() throws -> DocumentSigner {
        let env = ProcessInfo.processInfo.environment
        guard let key = hubKey ?? env["TANBA_HUB_KEY"], let cert = hubCert ?? env["TANBA_HUB_CERT"] else {
            throw TanbaError(
                .configInvalid,
                "the hub needs its key and certificate: --hub-key/--hub-cert or TANBA_HUB_KEY/TANBA_HUB_CERT")
        }
        return try DocumentSigner(keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert))
    }
}

/// The pipeline every document command runs (submit, folders, serve), built from their shared options.
func makePipeline(
    trust: TrustOptions, schemas: SchemaOptions, store: StoreOptions, hub: HubOptions,
    partners: EAEUPartners = .none
) throws -> DocumentPipeline {
    DocumentPipeline(
        store: try store.open(), schemas: try schemas.schemaSet(),
        verifier: SignatureVerifier(trust: TrustAnchor(try trust.trustStore())), reference: try store.referenceData(),
        hub: try hub.signer(), partners: partners)
}

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run a signed document through the pipeline on the embedded store and print its receipt.",
        discussion: """
            Steps: safe parse, XSD, signature and certificate, authority of the signer for the sender, \
            format-logical control (docs/FLC.md), atomic application, a receipt signed by the hub. With --dry-run \
            every check runs and the changes are previewed, then rolled back. Exit status 0 accepted, 1 rejected, \
            2 could not run (a missing file, the trust store or hub key not configured, the store missing).
            """)

    @Argument(help: "The signed XML document.") var file: String
    @Flag(name: .long, help: "Check and preview the changes; change nothing.") var dryRun = false
    @Option(name: [.short, .long], help: "Write the receipt here instead of standard output.") var output: String?
    @OptionGroup var trust: TrustOptions
    @OptionGroup var schemas: SchemaOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var hub: HubOptions
    @Flag(name: .long, help: "Print a JSON summary instead of the receipt.") var json = false

    func run() throws {
        try reportingFailures(command: "submit", json: json) {
            let pipeline = try makePipeline(trust: trust, schemas: schemas, store: storeOptions, hub: hub)
            let data = try readFile(file)
            let action = dryRun ? "dry-run" : "submit"
            // The person is the document's signer and the participant its sender, as over HTTP; the address says
            // which operating-system user on which host ran the command.
            let decision = try pipeline.submit(data, dryRun: dryRun) { decision in
                OperatorAudit.event(
                    action, participant: decision.sender, iin: decision.signer?.iin, object: decision.documentID,
                    result: decision.outcome)
            }
            if let output {
                try Data(decision.receipt).write(to: URL(fileURLWithPath: output))
            }
            if json {
                try printJSON(SubmitReport(decision, file: file))
            } else if output == nil {
                FileHandle.standardOutput.write(Data(decision.receipt))
            } else {
                print(
                    "\(decision.documentID): \(decision.accepted ? "accepted" : "rejected") (\(decision.status.rawValue))"
                )
            }
            for diagnostic in decision.diagnostics where !json {
                FileHandle.standardError.write(Data("  \(diagnostic)\n".utf8))
            }
            if !decision.accepted { throw ExitCode(ExitStatus.refused) }
        }
    }
}

struct DocumentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "documents", abstract: "Documents the hub decided: list (outbox, inbox) and show.",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Newest first, a page at a time: the filters and the cursor of GET /v1/inbox and /v1/outbox.")
        @Option(name: .long, help: "Sent by this BIN/IIN (outbox).") var sender: String?
        @Option(name: .long, help: "Addressed to this BIN/IIN (inbox).") var recipient: String?
        @Option(name: .long, help: "Of this type (reference/document-types.json).") var type: String?
        @Option(name: .long, help: "In this status (accepted, waitingForCounterparty, rejected…).") var status: String?
        @Option(name: .long, help: "Received from this date or date-time (ISO 8601; a date is its day in UTC).")
        var from: String?
        @Option(name: .long, help: "Received before this date-time, or up to the end of this date.") var to: String?
        @Option(name: .long, help: "Document date from (YYYY-MM-DD, inclusive).") var dateFrom: String?
        @Option(name: .long, help: "Document date to (YYYY-MM-DD, inclusive).") var dateTo: String?
        @Option(name: .long, help: "The sender's document number, exactly.") var number: String?
        @Option(name: .long, help: "Continue after this cursor (the 'next' a previous page printed).") var after:
            String?
        @Option(name: .long, help: "At most this many (1-1000).") var limit = 100
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        /// The filter the options describe, read by the core's parser of GET /v1/inbox and /v1/outbox
        /// (`DocumentQuery`): the same parameters and the same refusals, named as the options are spelt.
        /// - Throws: `REQUEST_PARAMETER_INVALID` naming the option that does not parse.
        func filter(reference: ReferenceData) throws -> DocumentFilter {
            let options: [(String, String?)] = [
                ("type", type), ("status", status), ("from", from), ("to", to), ("dateFrom", dateFrom),
                ("dateTo", dateTo), ("number", number), ("after", after), ("limit", "\(limit)"),
            ]
            let query = try QueryText(
                options.compactMap { name, value in value.map { (name, $0) } }, known: DocumentQuery.parameters,
                naming: QueryText.option)
            var filter = try DocumentQuery.filter(query, reference: reference)
            // The operator's view: any sender and recipient, not one participant's box.
            filter.sender = sender
            filter.recipient = recipient
            return filter
        }

        func run() throws {
            try reportingFailures(command: "documents list", json: output.json) {
                let filter = try filter(reference: try storeOptions.referenceData())
                let page = DocumentSummaryPage(try storeOptions.open().read { try $0.documentPage(filter) })
                if output.json { return try printJSON(page) }
                for row in page.documents {
                    print(
                        "\(row.id)  \(row.type)  \(row.number)  from \(row.sender) to \(row.recipient ?? "")  \(row.status)"
                            + (row.code.map { " \($0)" } ?? ""))
                }
                if let next = page.next { print("next: --after \(next)") }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A document as received, or its receipt.")
        @Argument(help: "The document id (DOC-…).") var id: String
        @Flag(name: .long, help: "Print the signed receipt instead of the document.") var receipt = false
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            try reportingFailures(command: "documents show", json: false) {
                let (document, rejection) = try storeOptions.open().read { tx in
                    (try tx.document(id: id), try tx.rejection(id: id))
                }
                if let document {
                    return FileHandle.standardOutput.write(Data(receipt ? document.receipt : document.content))
                }
                // The hub keeps only the receipt of a document it refused.
                guard let rejection else { throw TanbaError(.notFound, "no document \(id)") }
                guard receipt else {
                    throw TanbaError(
                        .notFound, "\(id) was refused (\(rejection.code)); only its receipt is kept: add --receipt")
                }
                FileHandle.standardOutput.write(Data(rejection.receipt))
            }
        }
    }
}

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "The format-logical control rules, with messages in Kazakh, Russian and English.")
    @Flag(name: .long, help: "Print docs/FLC.md.") var markdown = false

    func run() throws {
        var lines: [String] = []
        if markdown {
            lines += [
                "# Format-logical control (FLC)", "",
                "Every document that passes its schema and signature is checked against these rules; **all** violations",
                "are reported at once, each pointing to its element (line and path), and nothing is applied. The receipt",
                "carries each error's code, the detail, and the rule's message in Kazakh, Russian and English. Generated",
                "by `tanba rules --markdown`; a test keeps this file current.", "",
                "Rule sets are versioned and chosen by the document's date (the receipt names the set applied):", "",
                "| version | valid from |", "|---|---|",
            ]
            lines += RuleSet.all.map { "| \($0.version) | \($0.validFrom) |" }
            // The reference data found as every command finds it ($TANBA_REFERENCE_DIR, ./reference, beside the binary).
            let reference = try StoreOptions.parse([]).referenceData()
            lines += [
                "", "## Product groups' own requirements", "",
                "The regulation tightens group by group. What a group's documents must carry, and from which document",
                "date, is reference data (`requires` in reference/product-groups.json), not code:", "",
                "| product group | rule | for documents dated from |", "|---|---|---|",
            ]
            for group in reference.productGroups.items {
                for requirement in group.requires ?? [] {
                    lines.append("| `\(group.code)` | `\(requirement.rule)` | \(requirement.from) |")
                }
            }
            lines += [
                "", "## Rules per document type", "",
                "Each rule is a value in Sources/TanbaPipeline/Rules/Controls (one file each); a document type runs",
                "these, in this order, then its own checks of the codes' states (CODE_*, AGGREGATION_*):", "",
                "| document type | rules (codes) |", "|---|---|",
            ]
            for (type, rules) in RuleComposition.byDocumentType {
                let listed = rules.map { rule in
                    "\(rule.name) (" + rule.codes.map { "`\($0.rawValue)`" }.joined(separator: ", ") + ")"
                }
                lines.append("| `\(type)` | \(listed.joined(separator: "; ")) |")
            }
            lines += ["", "## Messages"]
            lines += ["", "| code | қазақша | русский | English |", "|---|---|---|---|"]
        }
        for rule in RuleCatalogue.rules {
            lines.append(
                markdown
                    ? "| `\(rule.code.rawValue)` | \(rule.kk) | \(rule.ru) | \(rule.en) |"
                    : "\(rule.code.rawValue)\n  kk: \(rule.kk)\n  ru: \(rule.ru)\n  en: \(rule.en)")
        }
        print(lines.joined(separator: "\n"))
    }
}
