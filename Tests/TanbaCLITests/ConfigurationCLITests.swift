import Foundation
import Testing

/// What a new user hits first: folders and stores that are not there, a stray file in the trust folder. Each is
/// a clear configuration error (exit 2) in words, never a library's error dump, and no store appears by accident.
@Suite(.blocking) struct ConfigurationCLITests {
    static let temporary = FileManager.default.temporaryDirectory

    /// Text that must never reach a user: Foundation's and GRDB's error dumps, SQL.
    static func expectNoInternals(_ text: String, _ context: String = "") {
        for leak in [
            "NSCocoaErrorDomain", "Error Domain=", "UserInfo=", "SQLite error", "SELECT ", "PRAGMA", "codingPath",
        ] {
            #expect(!text.contains(leak), "\(context): \(text)")
        }
    }

    @Test func aMissingReferenceFolderIsNamed() throws {
        let result = try CLITests.run(["reference", "list", "--reference", "/tmp/nope-\(UUID().uuidString)"])
        #expect(result.status == 2)
        #expect(result.error.contains("CONFIG_INVALID") && result.error.contains("does not exist"), "\(result.error)")
        #expect(result.error.contains("reference data folder /tmp/nope-"))
        Self.expectNoInternals(result.error)
    }

    @Test func aBrokenReferenceFileIsNamedWithoutTheDecodersDump() throws {
        let folder = Self.temporary.appendingPathComponent("tanba-reference-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CLITests.repository.appendingPathComponent("reference"), to: folder)
        try Data(#"{"name": "countries", "items": 3}"#.utf8).write(to: folder.appendingPathComponent("countries.json"))
        let result = try CLITests.run(["reference", "list", "--reference", folder.path])
        #expect(result.status == 2)
        #expect(result.error.contains("CONFIG_INVALID") && result.error.contains("countries.json"), "\(result.error)")
        Self.expectNoInternals(result.error)
    }

    @Test func aFileThatIsNotAStoreIsSaidInWords() throws {
        let file = try Fixtures.temporaryFile(Array("not a database, just text\n".utf8), name: "store.sqlite")
        let result = try CLITests.run(["audit", "verify", "--store", file.path])
        #expect(result.status == 2)
        #expect(result.error.contains("STORE_FAILURE") && result.error.contains("could not run"), "\(result.error)")
        Self.expectNoInternals(result.error)
    }

    /// A non-certificate in the trust folder is the hub's configuration at fault (exit 2, the file named), not
    /// the document's CERT_MALFORMED (exit 1).
    @Test func aStrayFileInTheTrustFolderIsAConfigurationError() throws {
        let trust = Self.temporary.appendingPathComponent("tanba-trust-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CLITests.pki.appendingPathComponent("trust"), to: trust)
        try Data("remember to renew the CA\n".utf8).write(to: trust.appendingPathComponent("notes.txt"))
        let result = try CLITests.run([
            "verify", "--json", "--trust", trust.path, "--crl", CLITests.pki.appendingPathComponent("crl").path,
            CLITests.sample,
        ])
        #expect(result.status == 2, "\(result.output)")
        let report = try CLITests.json(result.output)
        #expect(CLITests.errorCodes(report) == ["CONFIG_INVALID"])
        let message = try #require((report["errors"] as? [[String: Any]])?.first?["message"] as? String)
        #expect(message.contains("trust folder") && message.contains("notes.txt"), "\(message)")
    }

    /// A mistyped `--store` is refused, and the file is not created; a creating command says it created one.
    @Test func onlyCreatingCommandsCreateAStore() throws {
        let typo = Self.temporary.appendingPathComponent("tanba-typo-\(UUID().uuidString)/typo.sqlite").path
        let verify = try CLITests.run(["audit", "verify", "--store", typo])
        #expect(verify.status == 2 && !verify.output.contains("intact"), "\(verify.output)")
        #expect(
            verify.error.contains("CONFIG_INVALID") && verify.error.contains("no store at \(typo)"), "\(verify.error)")
        #expect(!FileManager.default.fileExists(atPath: typo))
        let created = try CLITests.run([
            "participants", "add", "--id", "050140001238", "--name", "ТОО", "--roles", "producer", "--store", typo,
        ])
        #expect(created.status == 0, "\(created.error)")
        #expect(created.error.contains("created a new store at \(typo)"))
        let again = try CLITests.run([
            "participants", "add", "--id", "050140001238", "--name", "ТОО", "--roles", "producer", "--store", typo,
        ])
        #expect(again.status == 0 && !again.error.contains("created"), "\(again.error)")
        let intact = try CLITests.run(["audit", "verify", "--store", typo])
        #expect(intact.status == 0 && intact.output.contains("intact: 2 entries"), "\(intact.output)")
    }
}
