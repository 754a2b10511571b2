import Foundation
import TanbaErrors
import Testing

/// One exit-status scheme for every command (README, `tanba --help`): 0 success, 1 the input was judged and
/// refused, 2 the command could not run, 64 usage. A failure of every command, each with the status its first
/// error's category implies.
@Suite(.blocking) struct ExitStatusCLITests {
    /// A store path nothing has created.
    let missingStore = FileManager.default.temporaryDirectory.appendingPathComponent(
        "tanba-nostore-\(UUID().uuidString)/typo.sqlite"
    ).path

    /// The status the catalogue's category of `code` implies: the one rule the commands follow.
    static func expected(_ code: String) -> Int32 {
        switch ErrorCatalogue.definition(of: ErrorCode(code))?.category {
        case .document?, .certificate?, .request?: 1
        default: 2
        }
    }

    @Test func everyCommandFailsWithTheStatusOfItsErrorsCategory() throws {
        let pki = CLITests.pki
        let key = pki.appendingPathComponent("participants/company-head.key.pem").path
        let cert = pki.appendingPathComponent("participants/company-head.cert.pem").path
        let trust = [
            "--trust", pki.appendingPathComponent("trust").path, "--crl", pki.appendingPathComponent("crl").path,
        ]
        let store = ["--store", missingStore]
        let code = "(01)04870001000011(21)ABCDEFGHIJKLM"
        let cases: [(arguments: [String], code: String)] = [
            (["validate", "/nonexistent/doc.xml"], "FILE_UNREADABLE"),
            (
                [
                    "validate",
                    CLITests.repository.appendingPathComponent("samples/shipment/invalid/many-errors.xml").path,
                ],
                "XSD_INVALID"
            ),
            (["sign", "--key", "/nonexistent/key.pem", "--cert", cert, CLITests.sample], "FILE_UNREADABLE"),
            (["verify", CLITests.sample], "CONFIG_INVALID"),
            (["verify", "--no-schema", CLITests.sample] + trust, "SIG_MISSING"),
            (["serve", "--port", "0"] + store, "CONFIG_INVALID"),
            (["folders", "/nonexistent-root", "--once"] + store, "CONFIG_INVALID"),
            (["submit", CLITests.sample, "--hub-key", key, "--hub-cert", cert] + trust + store, "CONFIG_INVALID"),
            // The filter is refused as over HTTP (the core's one parser), before the store is asked for.
            (["documents", "list", "--status", "lost"] + store, "REQUEST_PARAMETER_INVALID"),
            (["documents", "list"] + store, "CONFIG_INVALID"),
            (["documents", "show", "DOC-0"] + store, "CONFIG_INVALID"),
            (["pki", "init", "/proc/tanba-pki"], "FILE_UNREADABLE"),
            (
                ["participants", "add", "--id", "050140001239", "--name", "X", "--roles", "producer"] + store,
                "ID_INVALID"
            ),
            (
                ["participants", "add", "--id", "050140001238", "--name", "X", "--roles", "king"] + store,
                "PARTICIPANT_INVALID"
            ),
            (["participants", "list"] + store, "CONFIG_INVALID"),
            (["catalog", "import", "/nonexistent/cards.csv"] + store, "FILE_UNREADABLE"),
            (["catalog", "list"] + store, "CONFIG_INVALID"),
            (
                ["codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "1"] + store,
                "CONFIG_INVALID"
            ),
            (["codes", "check", "(01)04870001000012(21)ABC"] + store, "GS1_CHECK_DIGIT"),
            (["codes", "check", code] + store, "CONFIG_INVALID"),
            (["codes", "history", code] + store, "CONFIG_INVALID"),
            (["codes", "change", "apply", "--participant", "050140001238", code] + store, "CONFIG_INVALID"),
            (
                ["codes", "aggregate", "--participant", "050140001238", "--into", "148700010000000018", code] + store,
                "CONFIG_INVALID"
            ),
            (
                ["codes", "disaggregate", "--participant", "050140001238", "148700010000000018"] + store,
                "CONFIG_INVALID"
            ),
            (["keys", "list"] + store, "CONFIG_INVALID"),
            (["keys", "rotate", "--store", "/proc/tanba/keys.sqlite"], "STORE_FAILURE"),
            (["reference", "show", "planets"], "REFERENCE_UNKNOWN"),
            (["reference", "list", "--reference", "/nonexistent/reference"], "CONFIG_INVALID"),
            (["audit", "verify"] + store, "CONFIG_INVALID"),
            (["audit", "search"] + store, "CONFIG_INVALID"),
        ]
        for (arguments, code) in cases {
            let result = try CLITests.run(arguments)
            let status = Self.expected(code)
            #expect(result.status == status, "\(arguments): \(result.output) \(result.error)")
            #expect(result.error.contains(code), "\(arguments): \(result.error)")
            // A command that could not run says so; only a judged input is "rejected".
            #expect(result.error.contains("could not run") == (status == 2), "\(arguments): \(result.error)")
            #expect(!result.error.contains("rejected (") || status == 1, "\(arguments): \(result.error)")
        }
        // Nothing above created the store it was pointed at.
        #expect(!FileManager.default.fileExists(atPath: missingStore))
    }

    /// The two codes of a participant's identity refused alike: PARTICIPANT_INVALID and ID_INVALID both 1.
    @Test func identityRefusalsShareOneStatus() throws {
        #expect(Self.expected("PARTICIPANT_INVALID") == 1 && Self.expected("ID_INVALID") == 1)
        #expect(Self.expected("FILE_UNREADABLE") == 2 && Self.expected("CONFIG_INVALID") == 2)
        #expect(Self.expected("STORE_FAILURE") == 2 && Self.expected("NOT_FOUND") == 1)
    }

    @Test func usageErrorsExitSixtyFour() throws {
        #expect(try CLITests.run(["validate", "--no-such-option", CLITests.sample]).status == 64)
        #expect(try CLITests.run(["validate"]).status == 64)
        #expect(try CLITests.run(["codes", "order", "--participant", "050140001238"]).status == 64)
        // The commands that cannot otherwise fail.
        for command in [["rules"], ["codes", "states"], ["errors"], ["version"]] {
            #expect(try CLITests.run(command + ["--no-such-option"]).status == 64, "\(command)")
        }
    }

    /// `--json` of a command that could not run: the documented shape, `ok` false, the code.
    @Test func couldNotRunAsJSON() throws {
        let result = try CLITests.run(["audit", "search", "--json", "--store", missingStore])
        #expect(result.status == 2)
        let report = try CLITests.json(result.output)
        #expect(report["ok"] as? Bool == false && report["command"] as? String == "audit search")
        #expect(CLITests.errorCodes(report) == ["CONFIG_INVALID"])
    }
}
