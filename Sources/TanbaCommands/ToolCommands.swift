import ArgumentParser
import Foundation
import TanbaErrors
import TanbaXML

struct PKICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pki", abstract: "Test PKI for tests and demos.", subcommands: [PKIInitCommand.self])
}

struct PKIInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a test PKI: RSA and GOST CA hierarchies, CRLs, participant certificates with KZ subjects.")

    @Argument(help: "Folder to create (existing files are overwritten).") var directory: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingFailures(command: "pki init", json: output.json) {
            let pki = try TestPKI.create(at: URL(fileURLWithPath: directory))
            var report = Report(command: "pki init", file: directory)
            report.details = Dictionary(
                uniqueKeysWithValues: TestPKI.Participant.allCases.map { ($0.rawValue, pki.certificateFile($0).path) })
            try report.finish(
                json: output.json,
                success: """
                    test PKI written to \(directory)
                      trust store: \(pki.trustDirectory.path)
                      CRLs:        \(pki.crlDirectory.path)
                      participants: \(TestPKI.Participant.allCases.map(\.rawValue).joined(separator: ", "))
                    """)
        }
    }
}

struct ErrorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "errors", abstract: "List every error code the hub can answer with.")
    @OptionGroup var output: OutputOptions

    func run() throws {
        if output.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(ErrorCatalogue.all), as: UTF8.self))
        } else {
            for entry in ErrorCatalogue.all {
                print(
                    "\(entry.code.rawValue.padding(toLength: 26, withPad: " ", startingAt: 0)) \(entry.category.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.summary)"
                )
            }
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the versions of Tanba and the C libraries it runs with.")

    func run() throws {
        print("tanba 0.1.0")
        for (name, version) in LibraryVersions.all.sorted(by: { $0.key < $1.key }) { print("\(name) \(version)") }
    }
}
