import Foundation
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// Cash receipts from an OFD, end to end with real processes: `tanba-sim ofd` signs batches with the test OFD's key
/// and posts them to `tanba serve`. Failure modes: a batch posted twice applied twice, a repeat answered
/// differently, a second sale of the same codes not reaching the inspectors, the history not showing the sale.
@Suite(.blocking, .serialized) struct FiscalCLITests {
    static let simulator = EAEUDeliveryTests.simulator

    /// The shop (footwear, codes of the 91 + 92 format) with `count` codes in circulation, and the test OFD.
    static func shopWithCodes(_ count: Int) throws -> (registry: RegistryCLITests, codes: URL) {
        let registry = RegistryCLITests()
        try registry.registered()
        let added = try registry.run([
            "participants", "add", "--id", "100740001231", "--name", "ТОО «Тест ОФД»", "--roles", "ofd",
        ])
        #expect(added.status == 0, "\(added.error)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-ofd-\(UUID().uuidString).txt")
        let seller = ["--participant", "050140001238"]
        // The bracketed form with the tail: what a till scans.
        #expect(
            try registry.run(
                ["codes", "order", "--gtin", "04870001000011", "--count", "\(count)", "-o", file.path] + seller
            )
            .status == 0)
        #expect(try registry.run(["codes", "change", "apply", "@\(file.path)"] + seller).status == 0)
        #expect(try registry.run(["codes", "change", "introduce", "@\(file.path)"] + seller).status == 0)
        return (registry, file)
    }

    /// Runs `tanba-sim ofd` against `hub`; every post's status and answer.
    static func post(_ hub: ServeProcess, codes: URL, receipts: Int, extra: [String] = []) throws -> [[String: Any]] {
        let pki = CLITests.pki
        let result = try runProcess(
            simulator,
            [
                "ofd", "--hub", hub.url, "--key", pki.appendingPathComponent("participants/ofd.key.pem").path,
                "--cert", pki.appendingPathComponent("participants/ofd.cert.pem").path, "--seller", "050140001238",
                "--codes", codes.path, "--receipts", "\(receipts)",
            ] + extra)
        return try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\(result.error)")
        }
    }

    @Test func anOFDPostsReceiptsTwiceAndTheyAreAppliedOnceThenASecondSaleIsFlagged() throws {
        let (registry, codes) = try Self.shopWithCodes(3)
        let hub = try ServeProcess(ServeTests.arguments(port: 0, location: registry.store))
        defer { _ = hub.stop() }
        let posts = try Self.post(hub, codes: codes, receipts: 3, extra: ["--repeat"])
        #expect(posts.count == 2)
        let answers = posts.map { $0["body"] as? [String: Any] ?? [:] }
        #expect(posts.map { $0["status"] as? Int } == [200, 200])
        #expect(answers.map { $0["applied"] as? Int } == [3, 0])
        #expect(answers.map { $0["repeated"] as? Int } == [0, 3])
        // The same lines' outcomes both times: the stored answer.
        func outcomes(_ answer: [String: Any]) -> [String] {
            (answer["receipts"] as? [[String: Any]] ?? []).flatMap {
                ($0["lines"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
            }
        }
        #expect(
            outcomes(answers[0]) == ["applied", "applied", "applied"] && outcomes(answers[1]) == outcomes(answers[0]))

        // The same codes sold again on new receipts: recorded, each a violation for the inspectors.
        let again = try Self.post(hub, codes: codes, receipts: 3)
        let second = again.first?["body"] as? [String: Any] ?? [:]
        #expect(second["applied"] as? Int == 3 && second["violations"] as? Int == 3)
        let code = try #require(try String(contentsOf: codes, encoding: .utf8).split(separator: "\n").first)
        let history = try registry.run(["codes", "history", String(code)])
        #expect(
            history.status == 0 && history.output.contains("withdraw") && history.output.contains("FR-620300012345-"))
        let receipts = try registry.run(["fiscal", "receipts", "--code", String(code), "--json"])
        let listed = try JSONSerialization.jsonObject(with: Data(receipts.output.utf8)) as? [[String: Any]]
        #expect(listed?.count == 2, "\(receipts.output) \(receipts.error)")

        let store = try TestBackend.open(registry.store)
        var filter = ViolationFilter()
        filter.source = .fiscal
        let reports = try store.read { try $0.violations(filter) }.reports
        #expect(reports.count == 3 && reports.allSatisfy { $0.kind == .soldTwice && $0.participant == "050140001238" })
        // Every batch is in the audit trail, with the OFD and its outcome.
        let audit = try store.read { try $0.audit(after: 0, limit: 10_000) }.filter { $0.action == "fiscal-receipts" }
        #expect(audit.count == 3 && audit.allSatisfy { $0.participant == "100740001231" && $0.channel == "http" })
    }

    /// The same batch from a file through `tanba fiscal submit`; signed by the shop's head instead of the OFD's
    /// key it is refused, exit status 1, nothing applied.
    @Test func theCommandLineSubmitsABatchAndRefusesOneNotSignedByTheOFD() throws {
        let (registry, codes) = try Self.shopWithCodes(1)
        let pki = CLITests.pki
        let hubOptions = [
            "--trust", pki.appendingPathComponent("trust").path, "--crl", pki.appendingPathComponent("crl").path,
            "--hub-key", pki.appendingPathComponent("participants/hub.key.pem").path, "--hub-cert",
            pki.appendingPathComponent("participants/hub.cert.pem").path,
        ]
        // The simulator writes the signed batch without posting it anywhere useful: the port is closed.
        let signed = codes.deletingLastPathComponent().appendingPathComponent("batch-\(UUID().uuidString).xml")
        _ = try runProcess(
            Self.simulator,
            [
                "ofd", "--hub", "http://127.0.0.1:1", "--key",
                pki.appendingPathComponent("participants/ofd.key.pem").path,
                "--cert", pki.appendingPathComponent("participants/ofd.cert.pem").path, "--seller", "050140001238",
                "--codes", codes.path, "--out", signed.path,
            ])
        let wrong = codes.deletingLastPathComponent().appendingPathComponent("wrong-\(UUID().uuidString).xml")
        let unsigned = try String(contentsOf: signed, encoding: .utf8)
        let cut = try #require(unsigned.range(of: "<ds:Signature"))
        let end = try #require(unsigned.range(of: "</ds:Signature>"))
        try Data((String(unsigned[..<cut.lowerBound]) + String(unsigned[end.upperBound...])).utf8).write(to: wrong)
        #expect(
            try CLITests.run([
                "sign", "--key", pki.appendingPathComponent("participants/company-head.key.pem").path, "--cert",
                pki.appendingPathComponent("participants/company-head.cert.pem").path, "-o", wrong.path, wrong.path,
            ]).status == 0)
        let refused = try registry.run(["fiscal", "submit", wrong.path] + hubOptions)
        #expect(refused.status == 1 && refused.error.contains("AUTH_NOT_REPRESENTATIVE"), "\(refused.error)")
        let accepted = try registry.run(["fiscal", "submit", signed.path, "--json"] + hubOptions)
        #expect(accepted.status == 0, "\(accepted.error)")
        let answer = try JSONSerialization.jsonObject(with: Data(accepted.output.utf8)) as? [String: Any]
        #expect(answer?["applied"] as? Int == 1)
    }
}
