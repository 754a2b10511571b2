import Foundation
import Testing

/// `tanba submit --json` in the documented shape.
@Suite struct SubmitCLITests {
    let registry = RegistryCLITests()

    /// The signed shipment with its content changed after signing: refused for its signature, its sender read.
    func tampered(_ signed: String) throws -> String {
        let text = try String(contentsOfFile: signed, encoding: .utf8).replacingOccurrences(
            of: "<Name>Минеральная вода «Сарыағаш», 1 л</Name>", with: "<Name>Вода</Name>")
        let path = signed.replacingOccurrences(of: ".xml", with: "-tampered.xml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func submitJSONHasTheDocumentedShapeWithRealNumbers() throws {
        let (signed, _, trust) = try registry.signedShipment()
        let bad = try tampered(signed)
        let refused = try registry.run(["submit", bad, "--json"] + trust)
        #expect(refused.status == 1, "\(refused.error)")
        let no = try CLITests.json(refused.output)
        #expect(no["ok"] as? Bool == false && no["command"] as? String == "submit" && no["file"] as? String == bad)
        #expect(no["result"] as? String == "rejected" && no["status"] as? String == "rejected")
        let errors = try #require(no["errors"] as? [[String: Any]], "\(refused.output)")
        #expect(errors.first?["code"] as? String == "SIG_DIGEST_MISMATCH" && errors.first?["message"] is String)
        #expect(no["changes"] is NSNumber && !(no["changes"] is String) && no["changes"] as? Int == 0)

        let submitted = try registry.run(["submit", signed, "--json"] + trust)
        #expect(submitted.status == 0, "\(submitted.error)")
        let yes = try CLITests.json(submitted.output)
        #expect(yes["ok"] as? Bool == true && yes["command"] as? String == "submit" && yes["file"] as? String == signed)
        #expect(yes["documentType"] as? String == "shipment" && yes["algorithm"] as? String == "RSA-SHA256")
        let signer = try #require(yes["signer"] as? [String: Any])
        #expect(signer["iin"] as? String == "781112400128" && signer["bin"] as? String == "050140001238")
        #expect((yes["errors"] as? [Any])?.isEmpty == true)
        #expect(yes["changes"] as? Int == 2 && !(yes["changes"] is String))
        #expect(yes["repeated"] as? Bool == false && yes["dryRun"] as? Bool == false)
        #expect(yes["status"] as? String == "waitingForCounterparty")
        let again = try CLITests.json(try registry.run(["submit", signed, "--json"] + trust).output)
        #expect(again["repeated"] as? Bool == true && again["document"] as? String == yes["document"] as? String)
    }
}
