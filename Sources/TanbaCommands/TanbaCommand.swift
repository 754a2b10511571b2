public import ArgumentParser
import Foundation
import TanbaErrors
import TanbaXML

/// `tanba`: the hub's command line.
public struct TanbaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tanba",
        abstract: "Tanba — document-exchange hub for marked goods: validate, sign and verify XML documents.",
        discussion: """
            Exit status: 0 success; 1 the input was judged and refused (a document rejected, a code not genuine or \
            not found; the error codes say why); 2 the command could not run (a missing file, bad configuration, \
            a missing or failing store); 64 usage (an unknown option, a missing argument). Error codes are listed \
            by `tanba errors` and docs/ERRORS.md; their category decides between 1 and 2.
            """,
        subcommands: [
            ServeCommand.self, FoldersCommand.self, ValidateCommand.self, SignCommand.self, VerifyCommand.self,
            SubmitCommand.self,
            DocumentsCommand.self,
            RulesCommand.self, CodesCommand.self, CatalogCommand.self,
            ParticipantsCommand.self, ReferenceCommand.self, KeysCommand.self, AuditCommand.self, OutboxCommand.self,
            RegistersCommand.self, EAEUCommand.self, FiscalCommand.self, MoFCommand.self,
            PKICommand.self,
            SignerCommand.self,
            ErrorsCommand.self,
            VersionCommand.self,
        ])

    public init() {}
}

/// Options shared by commands that print results.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false
}

/// Where the XSD schemas are.
struct SchemaOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of XSD schemas (default: $TANBA_XSD_DIR, ./xsd, or the one beside the binary).")
    var xsd: String?

    func schemaSet() throws -> SchemaSet {
        try SchemaSet(directory: Locations.schemaDirectory(explicit: xsd))
    }
}

/// Where trust anchors and CRLs are.
struct TrustOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of trusted CA certificates, PEM or DER (default: $TANBA_TRUST_DIR).")
    var trust: String?

    @Option(name: .long, help: "Folder of CRLs, PEM or DER (default: $TANBA_CRL_DIR).")
    var crl: String?

    @Option(name: .long, help: "Revocation policy: required (every CA needs a current CRL) or best-effort.")
    var revocation: String = "required"

    func trustStore() throws -> TrustStore {
        let env = ProcessInfo.processInfo.environment
        guard let trust = trust ?? env["TANBA_TRUST_DIR"] else {
            throw TanbaError(.configInvalid, "no trust store: pass --trust DIR or set TANBA_TRUST_DIR")
        }
        guard
            let policy = TrustStore.RevocationPolicy(rawValue: revocation == "best-effort" ? "bestEffort" : revocation)
        else { throw TanbaError(.configInvalid, "--revocation must be 'required' or 'best-effort'") }
        let crlFolder = crl ?? env["TANBA_CRL_DIR"]
        return try TrustStore(
            caDirectory: URL(fileURLWithPath: trust), crlDirectory: crlFolder.map { URL(fileURLWithPath: $0) },
            revocation: policy)
    }
}
