import Foundation
import Testing

/// The operator's own actions are in the audit trail (channel `cli`, `user@host`), a CLI submission with its
/// sender and signer, refusals too; the chain stays intact.
@Suite(.blocking) struct OperatorAuditCLITests {
    let registry = RegistryCLITests()

    @Test func everyChangeOnTheCommandLineIsAudited() throws {
        let (signed, codes, trust) = try registry.signedShipment()
        #expect(try registry.run(["keys", "rotate"]).status == 0)
        #expect(try registry.run(["submit", signed] + trust).status == 0)
        let again = try registry.run(["codes", "change", "introduce", "@\(codes)", "--participant", "050140001238"])
        #expect(again.status == 1)
        let search = try registry.run(["audit", "search", "--json"])
        #expect(search.status == 0, "\(search.error)")
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(search.output.utf8)) as? [[String: Any]])
        let actions = entries.compactMap { $0["action"] as? String }
        for action in [
            "participant-save", "catalog-import", "keys-create", "codes-order", "codes-apply", "codes-introduce",
            "keys-rotate", "submit",
        ] {
            #expect(actions.contains(action), "\(action) not in \(actions)")
        }
        for entry in entries {
            #expect(entry["channel"] as? String == "cli", "\(entry)")
            #expect((entry["address"] as? String)?.contains("@") == true, "\(entry)")
        }
        let order = try #require(entries.first { $0["action"] as? String == "codes-order" })
        #expect(order["participant"] as? String == "050140001238" && order["result"] as? String == "issued 2")
        let submission = try #require(entries.first { $0["action"] as? String == "submit" })
        #expect(
            submission["participant"] as? String == "050140001238" && submission["iin"] as? String == "781112400128")
        #expect(submission["result"] as? String == "accepted")
        #expect(entries.last?["result"] as? String == "refused CODE_STATUS", "\(entries.last ?? [:])")
        let byParticipant = try registry.run([
            "audit", "search", "--participant", "050140001238", "--action", "codes-order",
        ])
        #expect(byParticipant.output.split(separator: "\n").count == 1, "\(byParticipant.output)")
        let verify = try registry.run(["audit", "verify"])
        #expect(verify.status == 0 && verify.output.contains("intact: \(entries.count) entries"), "\(verify.output)")
    }
}
