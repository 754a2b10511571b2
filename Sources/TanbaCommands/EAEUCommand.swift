import ArgumentParser
import Foundation
import TanbaCore
import TanbaErrors
import TanbaIntegrations
import TanbaPipeline
import TanbaXML

/// The partner states' systems whose goods messages the hub takes: `--eaeu-partner RU=FILE.pem`, repeated, or
/// `TANBA_EAEU_PARTNERS="RU=/path/ru.pem,BY=/path/by.pem"`.
struct EAEUPartnerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A partner state's system and the PEM certificate it signs its goods messages with, as COUNTRY=FILE "
                + "(RU, BY, KG or AM); repeat for several (default: $TANBA_EAEU_PARTNERS, comma-separated).",
            valueName: "country=file"))
    var eaeuPartner: [String] = []

    /// The pinned certificates, read from their files.
    /// - Throws: `CONFIG_INVALID` for an entry that is not COUNTRY=FILE with a member state's code, a file that
    ///   does not hold a certificate; `FILE_UNREADABLE` for a file that cannot be read.
    func partners() throws -> EAEUPartners {
        let entries =
            eaeuPartner.isEmpty
            ? (ProcessInfo.processInfo.environment["TANBA_EAEU_PARTNERS"] ?? "").split(separator: ",").map(String.init)
            : eaeuPartner
        var certificates: [EAEUCountry: [Certificate]] = [:]
        for entry in entries where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let country = EAEUCountry(rawValue: parts[0]) else {
                throw TanbaError(
                    .configInvalid,
                    "--eaeu-partner \(entry): expected COUNTRY=FILE with COUNTRY one of "
                        + EAEUCountry.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let bytes = FileManager.default.contents(atPath: parts[1]) else {
                throw TanbaError(.fileUnreadable, "cannot read the partner certificate \(parts[1])")
            }
            let loaded = try Certificate.load(Array(bytes))
            guard !loaded.isEmpty else {
                throw TanbaError(.configInvalid, "\(parts[1]) holds no certificate (PEM or DER expected)")
            }
            certificates[country, default: []] += loaded
        }
        return EAEUPartners(certificates)
    }
}

/// `tanba eaeu`: the EAEU partners' messages taken locally (what `POST /eaeu/soap` takes over the network).
struct EAEUCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eaeu", abstract: "EAEU partners' goods messages (P.LS.03): receive one from a file.",
        subcommands: [Receive.self])

    struct Receive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide a partner's signed goods message (GoodsDeparture to a Kazakh receiver) and print the "
                + "hub's signed processing result.",
            discussion: """
                The message passes every check a document passes (XSD, the signature of the sender country's pinned \
                system, format-logical control) and, accepted, puts its units into circulation for the receiver. \
                The same message again changes nothing. Exit status 0 accepted, 1 refused, 2 could not run.
                """)

        @Argument(help: "The signed message (the SOAP Body's content, not the envelope).") var file: String
        @OptionGroup var partners: EAEUPartnerOptions
        @OptionGroup var trust: TrustOptions
        @OptionGroup var schemas: SchemaOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var hub: HubOptions
        @Flag(name: .long, help: "Print a JSON summary instead of the processing result.") var json = false

        func run() throws {
            try reportingFailures(command: "eaeu receive", json: json) {
                let pipeline = try makePipeline(
                    trust: trust, schemas: schemas, store: storeOptions, hub: hub, partners: try partners.partners())
                let data = try readFile(file)
                let (decision, answer) = try pipeline.receiveEAEU(data) { decision in
                    OperatorAudit.event(
                        "eaeu-receive", participant: nil, iin: nil, object: decision.documentID,
                        result: decision.repeated ? "repeated" : decision.outcome)
                }
                if json {
                    try printJSON(SubmitReport(decision, file: file))
                } else if case .result(_, let signed) = answer {
                    FileHandle.standardOutput.write(Data(signed))
                }
                for diagnostic in decision.diagnostics where !json {
                    FileHandle.standardError.write(Data("  \(diagnostic)\n".utf8))
                }
                if !decision.accepted { throw ExitCode(ExitStatus.refused) }
            }
        }
    }
}
