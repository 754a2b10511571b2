import Foundation
import TanbaTestSupport
import Testing

/// `tanba registers refresh` against `tanba-sim egov` (both processes): the registers' statuses land on the
/// participants, audited, and a participant liquidated there can no longer sign. Failure modes: a liquidated
/// participant's document accepted; a wrong or failed answer from the gateway changing anything — an error status,
/// no connection, an unsigned answer, one signed by another certificate, one dated before the question (replayed) —
/// or going unaudited; a refresh that changes a status without an audit entry.
@Suite(.blocking) struct RegistersCLITests {
    @Test func aParticipantLiquidatedInTheRegisterCannotSignAndBadAnswersChangeNothing() throws {
        let registry = RegistryCLITests()
        let (signed, _, trust) = try registry.signedShipment()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-reg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("register.json")
        func publish(_ register: [String: [String: String]]) throws {
            try JSONSerialization.data(withJSONObject: register).write(to: file, options: .atomic)
        }
        try publish([
            "050140001238": ["status": "ACTIVE", "name": "ТОО «Алатау Дистрибьюшн»"],
            "850315300128": ["status": "SUSPENDED"],
        ])
        // The gateway signs with the demo PKI's company-employee key (a stand-in), which the hub pins.
        let participants = CLITests.pki.appendingPathComponent("participants")
        let gatewayKey = participants.appendingPathComponent("company-employee.key.pem").path
        let gatewayCert = participants.appendingPathComponent("company-employee.cert.pem").path
        func gateway(_ extra: [String]) throws -> ServeProcess {
            try ServeProcess(
                ["egov", "--port", "0", "--registry", file.path] + extra, executable: EAEUDeliveryTests.simulator)
        }
        let simulator = try gateway(["--key", gatewayKey, "--cert", gatewayCert])
        defer { simulator.kill() }
        let endpoint = ["--register-endpoint", simulator.url + "/egov/sync", "--register-cert", gatewayCert]
        func refresh(_ endpoint: [String] = endpoint) throws -> (status: Int32, output: String, error: String) {
            try registry.run(["registers", "refresh", "--json"] + endpoint)
        }
        // No certificate to check the answers with: refused before anything is asked.
        let unpinned = try registry.run(["registers", "refresh", "--register-endpoint", simulator.url + "/egov/sync"])
        #expect(unpinned.status != 0 && unpinned.error.contains("CONFIG_INVALID"), "\(unpinned.error)")

        let first = try refresh()
        #expect(first.status == 0, "\(first.error)")
        let report = try CLITests.json(first.output)
        #expect(report["asked"] as? Int == 3, "\(first.output)")
        #expect(
            (report["changed"] as? [String])?.sorted() == [
                "050140001238: unchecked → active", "850315300128: unchecked → suspended",
            ], "\(first.output)")
        #expect(report["unknown"] as? [String] == ["031240500125"])
        // Nothing changed since: a second refresh saves nothing.
        #expect(try CLITests.json(try refresh().output)["changed"] as? [String] == [])

        // The gateway answers with an error status, then cannot be reached: nothing changes, each said by its code.
        // What the register decided, per participant (roles are a set, printed in no fixed order).
        func standings() throws -> [String] {
            let list = try #require(
                try JSONSerialization.jsonObject(
                    with: Data(try registry.run(["participants", "list", "--json"]).output.utf8)) as? [[String: Any]])
            return list.map { participant in
                let register = participant["register"] as? [String: Any]
                return "\(participant["id"] ?? "?") \(register?["status"] ?? "-") \(register?["checkedAt"] ?? "-")"
            }.sorted()
        }
        let before = try standings()
        try publish(["*": ["answer": "ERR042"], "050140001238": ["status": "LIQUIDATED"]])
        let failed = try refresh()
        #expect(failed.status != 0 && failed.output.contains("REGISTER_ANSWER_INVALID"), "\(failed.output)")
        let unreachable = try registry.run([
            "registers", "refresh", "--register-endpoint", "http://127.0.0.1:9/egov/sync", "--register-cert",
            gatewayCert,
        ])
        #expect(unreachable.status != 0 && unreachable.error.contains("REGISTER_UNREACHABLE"), "\(unreachable.error)")
        #expect(try standings() == before)

        // Answers that are not the gateway's, each liquidating the seller if taken: unsigned, signed by a
        // certificate other than the pinned one, and dated an hour before the question (a replayed answer).
        try publish(["050140001238": ["status": "LIQUIDATED"], "850315300128": ["status": "SUSPENDED"]])
        let unsigned = try gateway([])
        defer { unsigned.kill() }
        let replaying = try gateway(["--key", gatewayKey, "--cert", gatewayCert, "--date-offset=-3600"])
        defer { replaying.kill() }
        let otherCert = participants.appendingPathComponent("buyer-head.cert.pem").path
        let forged: [(String, [String], String)] = [
            (
                "unsigned", ["--register-endpoint", unsigned.url + "/egov/sync", "--register-cert", gatewayCert],
                "REGISTER_ANSWER_UNSIGNED"
            ),
            (
                "another signer", ["--register-endpoint", simulator.url + "/egov/sync", "--register-cert", otherCert],
                "REGISTER_ANSWER_WRONG_SIGNER"
            ),
            (
                "replayed", ["--register-endpoint", replaying.url + "/egov/sync", "--register-cert", gatewayCert],
                "REGISTER_ANSWER_STALE"
            ),
        ]
        for (name, options, code) in forged {
            let refused = try refresh(options)
            #expect(refused.status != 0 && refused.output.contains(code), "\(name): \(refused.output)")
            #expect(try standings() == before, "\(name) changed a participant")
        }
        let refusals = try registry.run(["audit", "search", "--action", "register-answer", "--json"])
        let refused = try #require(
            try JSONSerialization.jsonObject(with: Data(refusals.output.utf8)) as? [[String: Any]])
        #expect(
            refused.compactMap { $0["result"] as? String }.sorted() == [
                "refused REGISTER_ANSWER_INVALID", "refused REGISTER_ANSWER_STALE", "refused REGISTER_ANSWER_UNSIGNED",
                "refused REGISTER_ANSWER_WRONG_SIGNER",
            ], "\(refusals.output)")

        // The seller is liquidated: its document, valid in every other respect, is refused.
        let third = try CLITests.json(try refresh().output)
        #expect(third["changed"] as? [String] == ["050140001238: active → liquidated"], "\(third)")
        let submitted = try registry.run(["submit", signed, "--json"] + trust)
        #expect(submitted.status == 1, "\(submitted.error)")
        #expect(CLITests.errorCodes(try CLITests.json(submitted.output)) == ["AUTH_PARTICIPANT_INACTIVE"])

        let audit = try registry.run(["audit", "search", "--action", "register-status", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(
            entries.compactMap { $0["result"] as? String }.sorted() == [
                "active → liquidated", "unchecked → active", "unchecked → suspended",
            ])
        #expect(entries.allSatisfy { $0["channel"] as? String == "registers" })
    }
}
