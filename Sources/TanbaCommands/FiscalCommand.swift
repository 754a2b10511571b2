import ArgumentParser
import Foundation
import TanbaCore
import TanbaErrors
import TanbaPipeline
import TanbaStore

/// `tanba fiscal`: the fiscal data intake from the command line — an OFD's batch submitted from a file (as over
/// HTTP, audited as channel `cli`), the receipts of a code, and the repair of violations' filing.
struct FiscalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fiscal", abstract: "Cash receipts relayed by OFDs: submit a batch, list a code's receipts.",
        subcommands: [Submit.self, Receipts.self, Refile.self])

    /// Files the violations of the last two days' receipts again (those filed already are skipped); `tanba serve`
    /// runs it at start.
    static func refileAtStart(_ core: HubCore) throws {
        let filed = try core.fiscal.refile(since: Date().addingTimeInterval(-2 * 86_400))
        if filed > 0 {
            var stderr = StandardError()
            print("fiscal: filed \(filed) violation(s) a crash had left unfiled", to: &stderr)
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Decide an OFD's signed batch of cash receipts (as POST /v1/fiscal/receipts) and print the answer.",
            discussion: """
                Each receipt is applied once per register and fiscal sign: a batch submitted again answers its \
                receipts as repeated. Lines the codes' state machine cannot apply are recorded with their violation \
                (for the inspectors). A malformed batch, a bad signature or a signer that is not an OFD is refused \
                whole: exit status 1, nothing applied.
                """)
        @Argument(help: "The signed batch (xsd/fiscal-receipts-1.xsd).") var file: String
        @OptionGroup var trust: TrustOptions
        @OptionGroup var schemas: SchemaOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "fiscal submit", json: output.json) {
                let pipeline = try makePipeline(trust: trust, schemas: schemas, store: storeOptions, hub: hub)
                let data = try readFile(file)
                let core = HubCore(pipeline: pipeline)
                let answer = try core.submitFiscal(
                    data, via: ChannelOrigin(OperatorAudit.channel, address: OperatorAudit.who))
                if output.json { return try printJSON(answer) }
                print("batch \(answer.batch) of \(answer.ofd): \(answer.outcome)")
                for receipt in answer.receipts {
                    print("  \(receipt.id) \(receipt.kind): \(receipt.status)\(receipt.error.map { " (\($0))" } ?? "")")
                    for line in receipt.lines {
                        print(
                            "    \(line.line) \(line.code): \(line.outcome)"
                                + (line.violation.map { " \($0): \(line.message ?? "")" } ?? ""))
                    }
                }
            }
        }
    }

    struct Receipts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The receipts with a line naming a code, newest first, each line with its outcome.")
        @Option(name: .long, help: "The code in any form (bracketed, 01…21…, raw).") var code: String
        @Option(name: .long, help: "At most this many receipts.") var limit = 100
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            try reportingFailures(command: "fiscal receipts", json: output.json) {
                let store = try storeOptions.open()
                let reference = try storeOptions.referenceData()
                let id = try store.read { try CodeLookup.parse(code, reference: reference, in: $0).identification }
                let receipts = try store.read { try $0.fiscalReceipts(code: id, limit: max(1, min(limit, 1000))) }
                if output.json { return try printJSON(receipts) }
                let formatter = ISO8601DateFormatter()
                for receipt in receipts {
                    print(
                        "\(formatter.string(from: receipt.issuedAt))  \(receipt.kind.rawValue)  \(receipt.id)  "
                            + "seller \(receipt.seller)  OFD \(receipt.ofd) batch \(receipt.batch)")
                    for line in receipt.lines where line.code == id {
                        print(
                            "    line \(line.line)  \(line.price)  "
                                + (line.violation.map { "violation \($0.rawValue): \(line.message ?? "")" }
                                    ?? "applied"))
                    }
                }
                if receipts.isEmpty { print("no receipt names \(id)") }
            }
        }
    }

    struct Refile: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File again the violations of receipts recorded since a moment (none is filed twice).")
        @Option(name: .long, help: "Hours back from now (default 48).") var hours = 48
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var trust: TrustOptions
        @OptionGroup var schemas: SchemaOptions
        @OptionGroup var hub: HubOptions

        func run() throws {
            try reportingFailures(command: "fiscal refile", json: false) {
                let pipeline = try makePipeline(trust: trust, schemas: schemas, store: storeOptions, hub: hub)
                let filed = try FiscalIntake(pipeline: pipeline).refile(
                    since: Date().addingTimeInterval(-Double(max(0, hours)) * 3600))
                print("filed \(filed) violation(s)")
            }
        }
    }
}
