import Foundation
import TanbaErrors
import TanbaTestSupport
import TanbaXML
import Testing

/// The `tanba` binary end to end: exit statuses, text and JSON output, as scripts and ERPs use it.
@Suite(.blocking) struct CLITests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let sample = repository.appendingPathComponent("samples/shipment/valid.xml").path

    /// The binary SwiftPM built next to this test bundle.
    static let tanba: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("tanba").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/tanba").path
    }()

    static let pki: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-cli-pki-\(UUID().uuidString)")
        let result = try! run(["pki", "init", folder.path])
        precondition(result.status == 0, result.error)
        return folder
    }()

    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> (
        status: Int32, output: String, error: String
    ) {
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = repository.appendingPathComponent("xsd").path
        // Only what a test passes decides the trust store.
        environment.removeValue(forKey: "TANBA_TRUST_DIR")
        environment.removeValue(forKey: "TANBA_CRL_DIR")
        return try runProcess(tanba, arguments, directory: directory ?? repository, environment: environment)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func errorCodes(_ report: [String: Any]) -> [String] {
        (report["errors"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    func signSample(as participant: String, profile: String = "standard") throws -> URL {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-cli-\(UUID().uuidString).xml")
        let result = try Self.run([
            "sign", "--key", Self.pki.appendingPathComponent("participants/\(participant).key.pem").path,
            "--cert", Self.pki.appendingPathComponent("participants/\(participant).cert.pem").path,
            "--profile", profile, "--output", out.path, Self.sample,
        ])
        #expect(result.status == 0, "\(result.error)")
        return out
    }

    func verify(_ file: URL, json: Bool = true) throws -> (status: Int32, output: String, error: String) {
        try Self.run(
            [
                "verify", "--trust", Self.pki.appendingPathComponent("trust").path, "--crl",
                Self.pki.appendingPathComponent("crl").path, file.path,
            ] + (json ? ["--json"] : []))
    }

    @Test func validateAcceptsTheValidSample() throws {
        let result = try Self.run(["validate", Self.sample])
        #expect(result.status == 0)
        #expect(result.output.contains("valid"))
    }

    @Test func validateListsEveryErrorAsJSONAndExitsOne() throws {
        let result = try Self.run([
            "validate", "--json",
            Self.repository.appendingPathComponent("samples/shipment/invalid/many-errors.xml").path,
        ])
        #expect(result.status == 1)
        let report = try Self.json(result.output)
        #expect(report["ok"] as? Bool == false)
        #expect(Self.errorCodes(report) == Array(repeating: "XSD_INVALID", count: 6))
        let first = try #require((report["errors"] as? [[String: Any]])?.first)
        #expect(first["line"] as? Int == 5)
        #expect(first["path"] as? String == "/Shipment/Header/DocumentDate")
    }

    @Test func validateRefusesXXEWithItsCode() throws {
        let result = try Self.run([
            "validate", Self.repository.appendingPathComponent("samples/shipment/invalid/xxe-external-entity.xml").path,
        ])
        #expect(result.status == 1)
        #expect(result.error.contains("XML_DOCTYPE_FORBIDDEN"))
        #expect(!result.error.contains("root:"))  // nothing of /etc/passwd leaks into messages
    }

    /// Issue #11, item 8: `tanba sign` once signed the tree libxml2 had cut short at 10 MB of text (exit 0) and
    /// `tanba verify` called it valid. Both refuse such a document with XML_TOO_LARGE.
    @Test func signAndVerifyRefuseATextCutShortByLibxml2() throws {
        let text = String(repeating: "abcdefg&amp;&#x41;", count: 1_200_000)
        var xml = try String(contentsOfFile: Self.sample, encoding: .utf8)
        let name = try #require(xml.range(of: "<Name>"))
        xml.insert(contentsOf: text, at: name.upperBound)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-long-\(UUID().uuidString).xml")
        try xml.write(to: input, atomically: true, encoding: .utf8)
        let key = Self.pki.appendingPathComponent("participants/company-head.key.pem")
        let cert = Self.pki.appendingPathComponent("participants/company-head.cert.pem")
        let output = input.appendingPathExtension("signed")
        let sign = try Self.run(["sign", "--key", key.path, "--cert", cert.path, "--output", output.path, input.path])
        #expect(sign.status != 0 && sign.error.contains("XML_TOO_LARGE"), "\(sign.status) \(sign.error)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
        // Signed by a signer that allows the whole text, the hub's verify still refuses it.
        let signer = try DocumentSigner(keyFile: key, certificateFile: cert)
        try Data(try signer.sign(Array(xml.utf8), limits: ParseLimits(maxBytes: 1 << 30, maxTextBytes: 1 << 30)))
            .write(to: output)
        let verified = try verify(output)
        let report = try Self.json(verified.output)
        #expect(verified.status != 0 && Self.errorCodes(report) == ["XML_TOO_LARGE"], "\(verified.output.prefix(500))")
    }

    @Test func missingFileExitsTwo() throws {
        let result = try Self.run(["validate", "--json", "/nonexistent/doc.xml"])
        #expect(result.status == 2)
        #expect(Self.errorCodes(try Self.json(result.output)) == ["FILE_UNREADABLE"])
    }

    @Test func signThenVerifyReportsTheSigner() throws {
        let signed = try signSample(as: "company-head")
        let result = try verify(signed)
        #expect(result.status == 0, "\(result.output)")
        let report = try Self.json(result.output)
        let signer = try #require(report["signer"] as? [String: Any])
        #expect(signer["bin"] as? String == "050140001238")
        #expect(signer["iin"] as? String == "781112400128")
        #expect(signer["roles"] as? [String] == ["legalEntity", "firstHead"])
        #expect(report["algorithm"] as? String == "RSA-SHA256")
        let text = try verify(signed, json: false)
        #expect(text.output.contains("signature valid"))
    }

    @Test func ncaLayerProfileVerifies() throws {
        let signed = try signSample(as: "entrepreneur", profile: "ncalayer")
        #expect(try String(contentsOf: signed, encoding: .utf8).contains(XMLDSigURI.inclusiveC14NWithComments))
        #expect(try verify(signed).status == 0)
    }

    @Test func revokedSignerIsRejectedWithExitOne() throws {
        let result = try verify(try signSample(as: "revoked"))
        #expect(result.status == 1)
        #expect(Self.errorCodes(try Self.json(result.output)) == ["CERT_REVOKED"])
    }

    @Test func tamperedFileIsRejected() throws {
        let signed = try signSample(as: "company-employee")
        let text = try String(contentsOf: signed, encoding: .utf8).replacingOccurrences(
            of: "<Quantity>6</Quantity>", with: "<Quantity>5</Quantity>")
        try text.write(to: signed, atomically: true, encoding: .utf8)
        let result = try verify(signed, json: false)
        #expect(result.status == 1)
        #expect(result.error.contains("SIG_DIGEST_MISMATCH"))
    }

    @Test func signToStandardOutput() throws {
        let result = try Self.run([
            "sign", "--key", Self.pki.appendingPathComponent("participants/buyer-head.key.pem").path,
            "--cert", Self.pki.appendingPathComponent("participants/buyer-head.cert.pem").path, Self.sample,
        ])
        #expect(result.status == 0)
        #expect(result.output.hasSuffix("</ds:Signature></Shipment>\n"))
    }

    @Test func signWithMismatchedKeyExitsTwo() throws {
        let result = try Self.run([
            "sign", "--key", Self.pki.appendingPathComponent("participants/buyer-head.key.pem").path,
            "--cert", Self.pki.appendingPathComponent("participants/company-head.cert.pem").path, Self.sample,
        ])
        #expect(result.status == 2)
        #expect(result.error.contains("KEY_INVALID"))
    }

    @Test func verifyWithoutTrustStoreIsAConfigurationError() throws {
        let result = try Self.run(["verify", "--json", Self.sample])
        #expect(result.status == 2)
        #expect(Self.errorCodes(try Self.json(result.output)) == ["CONFIG_INVALID"])
    }

    @Test func pkiInitWritesTheDocumentedLayout() throws {
        for path in [
            "trust/root-ca.pem", "trust/intermediate-ca.pem", "crl/intermediate-ca.crl.pem",
            "participants/entrepreneur.key.pem", "participants/untrusted.cert.pem", "README.md",
        ] {
            #expect(FileManager.default.fileExists(atPath: Self.pki.appendingPathComponent(path).path), "\(path)")
        }
    }

    @Test func errorsCommandListsTheCatalogue() throws {
        let result = try Self.run(["errors", "--json"])
        #expect(result.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        #expect(list.count == ErrorCatalogue.all.count)
    }

    /// docs/ERRORS.md is generated from the catalogue: every code is documented, and the file is current.
    @Test func errorsDocumentIsTheCatalogue() throws {
        let docs = try String(contentsOf: Self.repository.appendingPathComponent("docs/ERRORS.md"), encoding: .utf8)
        for entry in ErrorCatalogue.all { #expect(docs.contains("`\(entry.code.rawValue)`"), "\(entry.code)") }
        let generated = try Self.run(["errors", "--markdown"])
        #expect(generated.output == docs, "docs/ERRORS.md is stale: run make errors-doc")
    }
}

/// GOST through the command line, as a clerk with an NCA GOST key would use it.
@Suite(.blocking) struct GOSTCLITests {
    @Test func gostSignAndVerify() throws {
        let pki = CLITests.pki
        let out = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-cli-gost-\(UUID().uuidString).xml")
        let signed = try CLITests.run([
            "sign", "--profile", "ncalayer", "--key",
            pki.appendingPathComponent("participants/gost-company-head.key.pem").path,
            "--cert", pki.appendingPathComponent("participants/gost-company-head.cert.pem").path, "--output", out.path,
            CLITests.sample,
        ])
        #expect(signed.status == 0, "\(signed.error)")
        #expect(signed.output.contains("GOST-2015-512"))
        let trust = [
            "--trust", pki.appendingPathComponent("trust").path, "--crl", pki.appendingPathComponent("crl").path,
        ]
        let verified = try CLITests.run(["verify", "--json"] + trust + [out.path])
        #expect(verified.status == 0, "\(verified.output)")
        let report = try CLITests.json(verified.output)
        #expect(report["algorithm"] as? String == "GOST-2015-512")
        #expect((report["signer"] as? [String: Any])?["bin"] as? String == "050140001238")
    }

    @Test func ncaLayerVectorVerifiesAtAGivenTime() throws {
        let vectors = CLITests.repository.deletingLastPathComponent().appendingPathComponent("shared/vectors/kz-gost")
        let anchors = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-cli-anchor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: anchors, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: vectors.appendingPathComponent("test_gost512.cer.pem"), to: anchors.appendingPathComponent("anchor.pem")
        )
        let arguments = [
            "verify", "--no-schema", "--trust", anchors.path, "--at", "2027-01-15T12:00:00Z",
            vectors.appendingPathComponent("test_gost512.xml_simple.xml").path,
        ]
        let result = try CLITests.run(arguments)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("GOST-2015-512"))
        let expired = try CLITests.run(arguments.map { $0 == "2027-01-15T12:00:00Z" ? "2028-01-15T12:00:00Z" : $0 })
        #expect(expired.status == 1)
        #expect(expired.error.contains("CERT_EXPIRED"))
    }
}

/// Codes, catalogue and participants through the command line on a fresh embedded store.
@Suite(.blocking) struct RegistryCLITests {
    /// The store's `--store`: a new SQLite file by default, or any location (a PostgreSQL database's URL).
    var store = FileManager.default.temporaryDirectory.appendingPathComponent(
        "tanba-cli-\(UUID().uuidString)/store.sqlite"
    )
    .path

    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try CLITests.run(arguments + ["--store", store])
    }

    /// A producer of footwear registered (codes of the 91 + 92 national format), with two product cards.
    func registered() throws {
        #expect(
            try run([
                "participants", "add", "--id", "050140001238", "--name", "ТОО «Алатау Дистрибьюшн»", "--roles",
                "producer,wholesaler", "--groups", "shoes", "--representative", "781112400128",
            ]).status == 0)
        #expect(
            try run([
                "participants", "add", "--id", "850315300128", "--name", "ИП Нұрланов", "--roles", "retailer",
                "--entrepreneur",
            ]).status == 0)
        let csv = try Fixtures.temporaryFile(
            Array(
                """
                gtin,name,brand,manufacturer,owner,tnved,productGroup,country
                04870001000011,"Кроссовки «Алатау», 42",Алатау,ТОО «Алатау Дистрибьюшн»,050140001238,6404110000,shoes,KZ
                04870002000010,Молоко 3.2%,Алатау,ТОО «Алатау Дистрибьюшн»,050140001238,0401201100,milk,KZ

                """.utf8), name: "catalog.csv")
        let imported = try run(["catalog", "import", csv.path])
        #expect(imported.status == 0, "\(imported.error)")
    }

    @Test func participantsAreListedAndValidated() throws {
        try registered()
        let list = try JSONSerialization.jsonObject(
            with: Data(try run(["participants", "list", "--json"]).output.utf8))
        #expect((list as? [[String: Any]])?.map { $0["id"] as? String } == ["050140001238", "850315300128"])
        let badID = try run([
            "participants", "add", "--id", "050140001239", "--name", "X", "--roles", "producer", "--json",
        ])
        #expect(badID.status == 1)
        #expect(CLITests.errorCodes(try CLITests.json(badID.output)) == ["ID_INVALID"])
        let badGroup = try run([
            "participants", "add", "--id", "050140001238", "--name", "X", "--roles", "producer", "--groups", "caviar",
            "--json",
        ])
        #expect(CLITests.errorCodes(try CLITests.json(badGroup.output)) == ["REFERENCE_UNKNOWN"])
    }

    @Test func aBadCatalogueFileImportsNothingAndNamesEveryLine() throws {
        // A store to import into (a failed import creates none).
        #expect(
            try run(["participants", "add", "--id", "850315300128", "--name", "ИП", "--roles", "retailer"]).status == 0)
        let csv = try Fixtures.temporaryFile(
            Array(
                """
                gtin,name,manufacturer,tnved,productGroup,country
                04870001000011,Вода,ТОО,2201,water,KZ
                04870001000012,Вода,ТОО,2201,water,KZ
                04870002000010,Туфли,ТОО,2201,shoes,KZ
                04870003000019,Вода,ТОО,2201,water,XX

                """.utf8), name: "bad.csv")
        let result = try run(["catalog", "import", csv.path, "--json"])
        #expect(result.status != 0)
        let errors = try #require(try CLITests.json(result.output)["errors"] as? [[String: Any]])
        #expect(errors.map { $0["code"] as? String } == ["GS1_CHECK_DIGIT", "CATALOG_INVALID", "REFERENCE_UNKNOWN"])
        #expect(errors.map { $0["line"] as? Int } == [3, 4, 5])
        #expect(
            try run(["catalog", "list", "--json"]).output.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
    }

    @Test func orderCheckAndHistory() throws {
        try registered()
        let ordered = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "3",
        ])
        #expect(ordered.status == 0, "\(ordered.error)")
        let codes = ordered.output.split(separator: "\n").map(String.init)
        #expect(codes.count == 3 && codes.allSatisfy { $0.hasPrefix("(01)04870001000011(21)") && $0.contains("(92)") })
        let check = try run(["codes", "check", codes[0], "--json"])
        #expect(check.status == 0, "\(check.output)")
        let report = try CLITests.json(check.output)
        #expect(report["genuine"] as? Bool == true && report["status"] as? String == "issued")
        #expect(report["owner"] as? String == "050140001238")
        #expect((report["product"] as? [String: Any])?["name"] as? String == "Кроссовки «Алатау», 42")
        // Scanned raw, with the DataMatrix prefix and GS separators.
        let raw =
            "]d2"
            + codes[1].replacingOccurrences(of: "(01)", with: "01").replacingOccurrences(of: "(21)", with: "21")
            .replacingOccurrences(of: "(91)", with: "\u{1D}91").replacingOccurrences(of: "(92)", with: "\u{1D}92")
        #expect(try run(["codes", "check", raw]).status == 0)
        let history = try run(["codes", "history", codes[0], "--json"])
        #expect(history.output.contains("\"operation\" : \"issue\""))
    }

    @Test func forgedAndUnknownCodesAreNotGenuine() throws {
        try registered()
        let code = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "1",
        ])
        .output.trimmingCharacters(in: .whitespacesAndNewlines)
        let tailStart = try #require(code.range(of: "(92)"))
        var forged = code
        let index = code.index(tailStart.upperBound, offsetBy: 5)
        forged.replaceSubrange(index...index, with: code[index] == "A" ? "B" : "A")
        let result = try run(["codes", "check", forged, "--json"])
        #expect(result.status == 1)
        #expect(CLITests.errorCodes(try CLITests.json(result.output)) == ["CODE_FORGED"])
        let unknown = try run(["codes", "check", "0104870001000011210000000000000", "--json"])
        #expect(unknown.status == 1)
        #expect(CLITests.errorCodes(try CLITests.json(unknown.output)).first == "CODE_NOT_FOUND")
        let malformed = try run(["codes", "check", "(01)04870001000012(21)ABC", "--json"])
        #expect(CLITests.errorCodes(try CLITests.json(malformed.output)) == ["GS1_CHECK_DIGIT"])
    }

    @Test func ordersAreRefusedForWhoMayNotOrder() throws {
        try registered()
        let retailer = try run([
            "codes", "order", "--participant", "850315300128", "--gtin", "04870001000011", "--count", "1", "--json",
        ])
        #expect(CLITests.errorCodes(try CLITests.json(retailer.output)) == ["PARTICIPANT_NOT_ALLOWED"])
        let milk = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870002000010", "--count", "1", "--json",
        ])
        #expect(CLITests.errorCodes(try CLITests.json(milk.output)) == ["PARTICIPANT_NOT_ALLOWED"])
        let unknown = try run([
            "codes", "order", "--participant", "031240500125", "--gtin", "04870001000011", "--count", "1", "--json",
        ])
        #expect(CLITests.errorCodes(try CLITests.json(unknown.output)) == ["PARTICIPANT_UNKNOWN"])
        let count = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "0", "--json",
        ])
        #expect(CLITests.errorCodes(try CLITests.json(count.output)) == ["ORDER_INVALID"])
    }

    @Test func keyRotationKeepsOldCodesGenuine() throws {
        try registered()
        let old = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "1",
        ]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try run(["keys", "rotate"]).status == 0)
        let new = try run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "1",
        ]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(old.components(separatedBy: "(91)")[1].prefix(4) != new.components(separatedBy: "(91)")[1].prefix(4))
        #expect(try run(["codes", "check", old]).status == 0)
        #expect(try run(["codes", "check", new]).status == 0)
        let keys =
            try JSONSerialization.jsonObject(with: Data(try run(["keys", "list", "--json"]).output.utf8))
            as? [[String: Any]]
        // Ids and dates only: the secrets that make the tails never leave the store.
        #expect(keys?.count == 2 && keys?.allSatisfy { Set($0.keys) == ["id", "createdAt", "algorithm"] } == true)
    }

    /// A code's life through the operator's commands: order, apply, introduce, pack on a pallet, ship, accept,
    /// sell one, and the history shows every step with its document.
    @Test func aCodesLifeThroughTheCommandLine() throws {
        try registered()
        _ = try run([
            "participants", "add", "--id", "031240500125", "--name", "ТОО «Шымкент Сауда»", "--roles",
            "wholesaler,retailer",
        ])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-codes-\(UUID().uuidString).txt")
            .path
        #expect(
            try run([
                "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "4", "-o",
                file,
            ]).status == 0)
        let codes = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let seller = ["--participant", "050140001238"]
        #expect(try run(["codes", "change", "apply", "@\(file)"] + seller).status == 0)
        // Introducing twice is refused for every code, and nothing changes.
        #expect(try run(["codes", "change", "introduce", "@\(file)"] + seller).status == 0)
        let again = try run(["codes", "change", "introduce", "@\(file)", "--json"] + seller)
        #expect(CLITests.errorCodes(try CLITests.json(again.output)) == Array(repeating: "CODE_STATUS", count: 4))
        let pallet = "148700010000000018"
        #expect(try run(["codes", "aggregate", "--into", pallet, "@\(file)"] + seller).status == 0)
        let alone = try run(["codes", "change", "ship", codes[0], "--document", "ESD-1", "--json"] + seller)
        #expect(CLITests.errorCodes(try CLITests.json(alone.output)) == ["CODE_IN_PACKAGE"])
        #expect(try run(["codes", "change", "ship", "00" + pallet, "--document", "ESD-1"] + seller).status == 0)
        let accepted = try run([
            "codes", "change", "accept", pallet, "--document", "ESD-1", "--buyer", "031240500125", "--json",
        ])
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(
            try run([
                "codes", "change", "withdraw", codes[1], "--reason", "retailSale", "--participant", "031240500125",
            ]).status == 0)
        let check = try CLITests.json(try run(["codes", "check", codes[1], "--json"]).output)
        #expect(check["status"] as? String == "withdrawn" && check["owner"] as? String == "031240500125")
        let history = try #require(
            try JSONSerialization.jsonObject(with: Data(try run(["codes", "history", codes[1], "--json"]).output.utf8))
                as? [[String: Any]])
        #expect(
            history.map { $0["operation"] as? String } == [
                "issue", "apply", "introduce", "aggregate", "ship", "accept", "withdraw",
            ])
        #expect(history.map { $0["owner"] as? String }.last == "031240500125")
    }

    /// A transport package is looked up like any code (status, owner, contents, history), a mistyped SSCC gets one
    /// answer with or without its `00`, and a scan that lost its GS separator is refused where it happened.
    @Test func packagesAndScanningMistakesAreLookedUpLikeCodes() throws {
        try registered()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-sscc-\(UUID().uuidString).txt")
            .path
        let order = ["codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "2"]
        #expect(try run(order + ["-o", file]).status == 0)
        let codes = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let seller = ["--participant", "050140001238"]
        let pallet = "148700010000000018"
        #expect(try run(["codes", "change", "apply", "@\(file)"] + seller).status == 0)
        #expect(try run(["codes", "change", "introduce", "@\(file)"] + seller).status == 0)
        #expect(try run(["codes", "aggregate", "--into", pallet, "@\(file)"] + seller).status == 0)
        for form in [pallet, "00" + pallet, "(00)" + pallet, "]C100" + pallet] {
            let check = try run(["codes", "check", form, "--json"])
            #expect(check.status == 0, "\(form): \(check.output)")
            let report = try CLITests.json(check.output)
            #expect(report["code"] as? String == "00" + pallet && report["owner"] as? String == "050140001238")
            #expect((report["contents"] as? [String])?.count == 2)
            let history = try run(["codes", "history", form, "--json"])
            #expect(
                history.status == 0 && history.output.contains("\"operation\" : \"package\""), "\(history.output)")
        }
        // 048700010000000012 has a wrong check digit: the same error whether or not its 00 is there.
        for mistyped in ["048700010000000012", "00048700010000000012"] {
            let refused = try run(["codes", "aggregate", "--into", mistyped, codes[0], "--json"] + seller)
            #expect(CLITests.errorCodes(try CLITests.json(refused.output)) == ["GS1_CHECK_DIGIT"], "\(mistyped)")
            let check = try run(["codes", "check", mistyped, "--json"])
            #expect(CLITests.errorCodes(try CLITests.json(check.output)) == ["GS1_CHECK_DIGIT"], "\(mistyped)")
        }
        // A raw scan whose GS after the serial was lost: the serial ran into (91). Refused at that column.
        let lost = codes[0].replacingOccurrences(of: "(01)", with: "01").replacingOccurrences(of: "(21)", with: "21")
            .replacingOccurrences(of: "(91)", with: "91").replacingOccurrences(of: "(92)", with: "\u{1D}92")
        let refused = try run(["codes", "check", "]d2" + lost, "--json"])
        #expect(refused.status != 0)
        let errors = try #require(try CLITests.json(refused.output)["errors"] as? [[String: Any]])
        #expect(errors.first?["code"] as? String == "GS1_NATIONAL_FORMAT")
        #expect(errors.first?["column"] as? Int == 3 + 18 + 13 + 1, "\(errors)")
    }

    /// Errors are told in the user's language: TANBA_LANG, else the locale; the code is the same in each.
    @Test func errorsAreToldInTheUsersLanguage() throws {
        let code = "(01)04870001000012(21)ABC"
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        let sentences = [
            "kk": "GTIN немесе SSCC бақылау цифры қате.", "ru": "Неверная контрольная цифра GTIN или SSCC.",
        ]
        for (language, sentence) in sentences {
            environment["TANBA_LANG"] = language
            let chosen = try runProcess(CLITests.tanba, ["codes", "check", code], environment: environment)
            #expect(chosen.status == 1 && chosen.error.contains("GS1_CHECK_DIGIT: \(sentence)"), "\(chosen.error)")
        }
        environment["TANBA_LANG"] = ""  // unset: the locale decides
        environment["LC_ALL"] = "ru_RU.UTF-8"
        let locale = try runProcess(CLITests.tanba, ["codes", "check", code], environment: environment)
        #expect(locale.error.contains(sentences["ru"]!), "\(locale.error)")
        environment["TANBA_LANG"] = "en"
        let english = try runProcess(CLITests.tanba, ["codes", "check", code], environment: environment)
        #expect(english.error.contains("GS1_CHECK_DIGIT at column 5") && !english.error.contains("цифр"))
    }

    /// docs/FLC.md is the rule catalogue as `tanba rules --markdown` prints it.
    @Test func flcDocumentIsTheCatalogue() throws {
        let docs = try String(contentsOf: CLITests.repository.appendingPathComponent("docs/FLC.md"), encoding: .utf8)
        #expect(try CLITests.run(["rules", "--markdown"]).output == docs, "docs/FLC.md is stale: make errors-doc")
    }

    /// A signed shipment of two introduced codes from the registered producer, and the trust options it needs.
    func signedShipment() throws -> (path: String, codes: String, trust: [String]) {
        try registered()
        _ = try run([
            "participants", "add", "--id", "031240500125", "--name", "ТОО «Шымкент Сауда»", "--roles", "wholesaler",
            "--groups", "shoes",
        ])
        let pki = CLITests.pki
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-submit-\(UUID().uuidString).txt"
        ).path
        #expect(
            try run([
                "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "2",
                "--format", "identification", "-o", file,
            ]).status == 0)
        #expect(try run(["codes", "change", "apply", "@\(file)", "--participant", "050140001238"]).status == 0)
        #expect(try run(["codes", "change", "introduce", "@\(file)", "--participant", "050140001238"]).status == 0)
        let codes = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map {
            "<Code>\($0)</Code>"
        }
        let xml = try String(
            contentsOf: CLITests.repository.appendingPathComponent("samples/pipeline/shipment-template.xml"),
            encoding: .utf8
        )
        .replacingOccurrences(of: "<!--CODES-->", with: codes.joined())
        let unsigned = try Fixtures.temporaryFile(Array(xml.utf8), name: "esd.xml")
        let signed = unsigned.deletingLastPathComponent().appendingPathComponent("esd-signed.xml").path
        #expect(
            try CLITests.run([
                "sign", "--key", pki.appendingPathComponent("participants/company-head.key.pem").path, "--cert",
                pki.appendingPathComponent("participants/company-head.cert.pem").path, "-o", signed, unsigned.path,
            ]).status == 0)
        let trust = [
            "--trust", pki.appendingPathComponent("trust").path, "--crl", pki.appendingPathComponent("crl").path,
            "--hub-key", pki.appendingPathComponent("participants/hub.key.pem").path, "--hub-cert",
            pki.appendingPathComponent("participants/hub.cert.pem").path,
        ]
        return (signed, file, trust)
    }

    /// A shipment through `tanba submit`: dry run, then for real, then the buyer's inbox.
    @Test func submitAShipmentFromTheCommandLine() throws {
        let (signed, _, trust) = try signedShipment()
        let preview = try CLITests.json(try run(["submit", signed, "--dry-run", "--json"] + trust).output)
        #expect(preview["result"] as? String == "accepted" && preview["dryRun"] as? Bool == true)
        let submitted = try run(["submit", signed, "--json"] + trust)
        #expect(submitted.status == 0, "\(submitted.output) \(submitted.error)")
        let decision = try CLITests.json(submitted.output)
        #expect(decision["status"] as? String == "waitingForCounterparty" && decision["changes"] as? Int == 2)
        let inbox = try run(["documents", "list", "--recipient", "031240500125"])
        #expect(inbox.output.contains(decision["document"] as! String))
        // The filters of GET /v1/inbox, and the same page shape: documents, then next (null on the last page).
        let waiting = try CLITests.json(
            try run([
                "documents", "list", "--recipient", "031240500125", "--status", "waitingForCounterparty", "--from",
                "2000-01-01", "--date-to", "2026-11-20", "--json",
            ]).output)
        #expect((waiting["documents"] as? [[String: Any]])?.count == 1 && waiting["next"] is NSNull)
        let none = try CLITests.json(
            try run(["documents", "list", "--recipient", "031240500125", "--status", "rejected", "--json"]).output)
        #expect((none["documents"] as? [[String: Any]])?.isEmpty == true)
        let bad = try run(["documents", "list", "--date-from", "2026-02-30", "--json"])
        let refusal = try CLITests.json(bad.output)
        #expect(bad.status == 1 && CLITests.errorCodes(refusal) == ["REQUEST_PARAMETER_INVALID"])
        let receipt = try run(["documents", "show", decision["document"] as! String, "--receipt"])
        #expect(receipt.output.contains("<Result>accepted</Result>"))
    }

    /// Drop folders: a complete file is decided, a file still being written (.tmp) is left alone, garbage goes to
    /// error/ with a receipt naming its error, and a crash between applying and moving (the file still in work/)
    /// is decided again on restart without applying the shipment twice.
    @Test func dropFoldersDecideEachFileOnceEvenAfterACrash() throws {
        let (signed, codes, trust) = try signedShipment()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-folders-\(UUID().uuidString)")
        let producer = root.appendingPathComponent("050140001238")
        #expect(try run(["folders", root.path, "--prepare", "050140001238"]).status == 0)
        let fm = FileManager.default
        // Simulated crash: the hub applied the shipment, then died before moving it out of work/.
        #expect(try run(["submit", signed] + trust).status == 0)
        try fm.copyItem(atPath: signed, toPath: producer.appendingPathComponent("work/esd.xml").path)
        try Array("<not-xml".utf8).withUnsafeBytes {
            try Data($0).write(to: producer.appendingPathComponent("in/garbage.xml"))
        }
        try fm.copyItem(atPath: signed, toPath: producer.appendingPathComponent("in/partial.xml.tmp").path)
        // Someone else's document dropped in this participant's folder is refused.
        let stranger = root.appendingPathComponent("031240500125")
        #expect(try run(["folders", root.path, "--prepare", "031240500125"]).status == 0)
        try fm.copyItem(atPath: signed, toPath: stranger.appendingPathComponent("in/esd.xml").path)

        let pass = try run(["folders", root.path, "--once"] + trust)
        #expect(pass.status == 0, "\(pass.error)")
        #expect(pass.output.contains("1 accepted, 2 rejected"), "\(pass.output)")
        #expect(try fm.contentsOfDirectory(atPath: producer.appendingPathComponent("work").path).isEmpty)
        #expect(try fm.contentsOfDirectory(atPath: producer.appendingPathComponent("in").path) == ["partial.xml.tmp"])
        #expect(try fm.contentsOfDirectory(atPath: producer.appendingPathComponent("archive").path) == ["esd.xml"])
        #expect(try fm.contentsOfDirectory(atPath: producer.appendingPathComponent("error").path) == ["garbage.xml"])
        #expect(try fm.contentsOfDirectory(atPath: stranger.appendingPathComponent("error").path) == ["esd.xml"])
        let accepted = try String(
            contentsOf: producer.appendingPathComponent("out/esd.receipt.xml"), encoding: .utf8)
        #expect(accepted.contains("<Result>accepted</Result>"))
        let garbage = try String(
            contentsOf: producer.appendingPathComponent("out/garbage.receipt.xml"), encoding: .utf8)
        #expect(garbage.contains("<Result>rejected</Result>") && garbage.contains("XML_MALFORMED"), "\(garbage)")
        let foreign = try String(
            contentsOf: stranger.appendingPathComponent("out/esd.receipt.xml"), encoding: .utf8)
        #expect(foreign.contains("AUTH_FORBIDDEN"), "\(foreign)")
        // Applied once: the code's history has one shipment.
        let code = try #require(try String(contentsOfFile: codes, encoding: .utf8).split(separator: "\n").first)
        let history = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try run(["codes", "history", String(code), "--json"]).output.utf8))
                as? [[String: Any]])
        #expect(history.filter { $0["operation"] as? String == "ship" }.count == 1, "\(history)")
        // The polling hub picks up the partial file once its writer renames it complete (the same document
        // again: answered with the stored receipt), then is killed without notice.
        let poller = Process()
        poller.executableURL = URL(fileURLWithPath: CLITests.tanba)
        poller.arguments = ["folders", root.path, "--interval", "0.1", "--store", store] + trust
        poller.environment = ProcessInfo.processInfo.environment.merging([
            "TANBA_XSD_DIR": CLITests.repository.appendingPathComponent("xsd").path
        ]) { $1 }
        poller.standardOutput = FileHandle.nullDevice
        try launch(poller)
        defer { kill(poller.processIdentifier, SIGKILL) }
        try fm.moveItem(
            atPath: producer.appendingPathComponent("in/partial.xml.tmp").path,
            toPath: producer.appendingPathComponent("in/partial.xml").path)
        let repeated = producer.appendingPathComponent("archive/partial.xml").path
        for _ in 0..<200 where !fm.fileExists(atPath: repeated) { blockingSleep(seconds: 0.05) }
        #expect(fm.fileExists(atPath: repeated))
        #expect(
            try String(contentsOf: producer.appendingPathComponent("out/partial.receipt.xml"), encoding: .utf8)
                == accepted)
        // Every decision is audited with the folder as its channel.
        let audit = try run(["audit", "search", "--participant", "050140001238"])
        #expect(audit.output.contains("folder"), "\(audit.output)")
    }

    /// docs/STATES.md carries the transition table the state machine enforces.
    @Test func statesDocumentHasTheCurrentTable() throws {
        let docs = try String(contentsOf: CLITests.repository.appendingPathComponent("docs/STATES.md"), encoding: .utf8)
        let table = try CLITests.run(["codes", "states"]).output
        #expect(docs.contains(table), "docs/STATES.md is stale: paste `tanba codes states`")
    }

    @Test func referenceListsAreServed() throws {
        let lists = try run(["reference", "list"])
        #expect(lists.output.contains("countries") && lists.output.contains("withdrawal-reasons"))
        let countries = try run(["reference", "show", "countries", "--json"])
        #expect(countries.output.contains("\"KZ\""))
        #expect(try run(["reference", "show", "planets"]).status == 1)  // judged: no such list
    }
}

/// A file helper for the CLI tests.
enum Fixtures {
    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}
