import Foundation
import Testing

/// `tanba submit --json` in the documented shape, and refused documents in the sender's outbox listing.
@Suite(.blocking) struct SubmitCLITests {
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

    /// `documents list --status rejected` lists the refused document: in the sender's outbox, in keyset order
    /// with the accepted one, with its first error's code; the filters apply to it.
    @Test func refusedDocumentsAreListedInTheOutbox() throws {
        let (signed, _, trust) = try registry.signedShipment()
        let refused = try CLITests.json(try registry.run(["submit", try tampered(signed), "--json"] + trust).output)
        let accepted = try CLITests.json(try registry.run(["submit", signed, "--json"] + trust).output)
        let (refusedID, acceptedID) = (refused["document"] as? String, accepted["document"] as? String)
        func list(_ arguments: [String]) throws -> (rows: [[String: Any]], next: String?) {
            let result = try registry.run(["documents", "list", "--sender", "050140001238", "--json"] + arguments)
            #expect(result.status == 0, "\(result.error)")
            let page = try CLITests.json(result.output)
            return (try #require(page["documents"] as? [[String: Any]]), page["next"] as? String)
        }
        #expect(try list([]).rows.map { $0["id"] as? String } == [acceptedID, refusedID])
        let rejected = try list(["--status", "rejected"]).rows
        #expect(rejected.map { $0["id"] as? String } == [refusedID])
        #expect(rejected.first?["code"] as? String == "SIG_DIGEST_MISMATCH")
        #expect(rejected.first?["type"] as? String == "shipment" && rejected.first?["date"] as? String == "2026-11-20")
        #expect(try list(["--status", "rejected", "--type", "shipment", "--date-from", "2026-11-20"]).rows.count == 1)
        #expect(try list(["--status", "rejected", "--date-to", "2026-11-19"]).rows.isEmpty)
        #expect(try list(["--status", "rejected", "--to", "2000-01-01"]).rows.isEmpty)
        #expect(try list(["--status", "accepted"]).rows.isEmpty)  // the shipment waits for its buyer
        // Keyset pages of one: the accepted (newer), then the refused.
        let first = try list(["--limit", "1"])
        #expect(first.rows.map { $0["id"] as? String } == [acceptedID])
        let second = try list(["--limit", "1", "--after", try #require(first.next)])
        #expect(second.rows.map { $0["id"] as? String } == [refusedID] && second.next == nil)
        let text = try registry.run(["documents", "list", "--sender", "050140001238", "--status", "rejected"])
        #expect(text.output.contains("SIG_DIGEST_MISMATCH"), "\(text.output)")
    }
}
