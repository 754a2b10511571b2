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
            Exit status: 0 success; 1 the document was rejected (the error codes say why); 2 the command could not \
            run (missing file, bad configuration). Error codes are listed by `tanba errors` and docs/ERRORS.md.
            """,
        subcommands: [
            ServeCommand.self, FoldersCommand.self, ValidateCommand.self, SignCommand.self, VerifyCommand.self,
            SubmitCommand.self,
            DocumentsCommand.self,
            RulesCommand.self, CodesCommand.self, CatalogCommand.self,
            ParticipantsCommand.self, ReferenceCommand.self, KeysCommand.self, AuditCommand.self, PKICommand.self,
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

enum Locations {
    /// A data folder: explicit option, environment variable, `./NAME`, or `NAME` beside the executable
    /// (`.build/debug/tanba` → the repository's folder; an install's `share/tanba/NAME`).
    static func folder(explicit: String?, environment: String, name: String, marker: String) throws -> URL {
        let fm = FileManager.default
        if let explicit { return URL(fileURLWithPath: explicit) }
        if let env = ProcessInfo.processInfo.environment[environment] { return URL(fileURLWithPath: env) }
        var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(name)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(name))
            candidates.append(folder.appendingPathComponent("share/tanba/\(name)"))
            folder = folder.deletingLastPathComponent()
        }
        for candidate in candidates where fm.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
            return candidate
        }
        throw TanbaError(.configInvalid, "no \(name) folder found: pass --\(name) DIR or set \(environment)")
    }

    /// The schema folder (see `folder`).
    static func schemaDirectory(explicit: String?) throws -> URL {
        try folder(explicit: explicit, environment: "TANBA_XSD_DIR", name: "xsd", marker: "shipment-1.xsd")
    }
}
