import Foundation
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The Ministry's SNT lists between processes, on both stores: `tanba mof snt import` and `list`, `tanba mof
/// reconcile` with the kept SNTs, and `tanba serve --mof-snt-url` keeping the simulator's signed list. Failure
/// modes: an unsigned list kept by the command; reconciliation with the kept SNTs answering otherwise than with the
/// list given as a file, or not saying where its SNTs came from; a serve that never fetches the list, or keeps it
/// twice; SNTs out of reach from the command line (no cursor printed, `--json` without `next`) or repeated between
/// its pages; a bad cursor, limit or day read as something instead of refused naming the option.
@Suite(.blocking, .serialized) struct MoFSNTCommandTests {
    static let day = MoFDeliveryTests.day
    static let pki = CLITests.pki.appendingPathComponent("participants").path

    /// A list of the day: SNT-77 (no shipment names it) and SNT-1.
    static func writeList(in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/snt.xml"
        try Data(
            SNTList(
                from: day, to: day, createdAt: MoFEvent.start(of: day)! + 3600,
                entries: [
                    .init(number: "SNT-1", date: day, seller: "050140001238", buyer: "031240500125", quantities: [:]),
                    .init(
                        number: "SNT-77", date: day, seller: "050140001238", buyer: "031240500125",
                        quantities: ["04870001000011": 3]),
                ]
            ).xml()
        ).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: TestBackend.available)
    func theCommandKeepsASignedListRefusesAnUnsignedOneAndReconcileUsesTheKeptSNTs(_ backend: TestBackend) throws {
        let setup = try MoFDeliveryTests.Setup(backend)
        let unsigned = try Self.writeList(in: setup.folder)
        let signed = try MoFDeliveryTests.signAsMinistry(unsigned)
        let cert = ["--mof-cert", "\(Self.pki)/buyer-head.cert.pem", "--store", setup.location]
        let before = try setup.store.contentFingerprint()
        let refused = try CLITests.run(["mof", "snt", "import", unsigned] + cert)
        #expect(refused.status == 1 && (refused.output + refused.error).contains("MOF_SNT_LIST_UNSIGNED"))
        let impostor = try MoFDeliveryTests.signAsMinistry(unsigned, by: "company-head")
        let wrong = try CLITests.run(["mof", "snt", "import", impostor] + cert)
        #expect(wrong.status == 1 && (wrong.output + wrong.error).contains("MOF_SNT_LIST_WRONG_SIGNER"))
        #expect(try setup.store.contentFingerprint() == before)
        // Without a list kept, reconcile compares nothing and says so.
        let bare = try CLITests.run(["mof", "reconcile", "--from", Self.day, "--to", Self.day] + cert)
        #expect(bare.output.contains("not compared"), "\(bare.output) \(bare.error)")
        let imported = try CLITests.run(["mof", "snt", "import", signed, "--json"] + cert)
        #expect(imported.status == 0, "\(imported.output) \(imported.error)")
        #expect(try CLITests.json(imported.output)["unchanged"] as? Bool == false)
        let again = try CLITests.run(["mof", "snt", "import", signed] + cert)
        #expect(again.status == 0 && again.output.contains("unchanged"), "\(again.output)")
        let listed = try CLITests.run(["mof", "snt", "list", "--json", "--from", Self.day, "--store", setup.location])
        #expect(listed.status == 0, "\(listed.error)")
        let kept = try CLITests.json(listed.output)
        #expect((kept["lists"] as? [[String: Any]])?.count == 1)
        #expect((kept["snts"] as? [[String: Any]])?.compactMap { $0["number"] as? String } == ["SNT-1", "SNT-77"])
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-snt-import"
        }.map(\.result)
        #expect(audit.count == 4 && audit[0] == "refused MOF_SNT_LIST_UNSIGNED", "\(audit)")
        #expect(audit[1] == "refused MOF_SNT_LIST_WRONG_SIGNER" && audit[3] == "unchanged: imported before")

        // The kept SNTs and the list as a file: the same findings; the text says where the SNTs came from.
        func reconcile(_ extra: [String]) throws -> [String: Any] {
            let run = try CLITests.run(
                ["mof", "reconcile", "--from", Self.day, "--to", Self.day, "--json"] + cert + extra)
            #expect(run.status == 1, "\(run.output) \(run.error)")
            return try CLITests.json(run.output)
        }
        let stored = try reconcile([])
        let file = try reconcile(["--snt", signed])
        #expect((stored["snts"] as? [String: Any])?["kind"] as? String == "stored")
        #expect((stored["snts"] as? [String: Any])?["daysCovered"] as? Int == 1)
        #expect((file["snts"] as? [String: Any])?["kind"] as? String == "file")
        #expect(stored["sntWithoutShipment"] as? [String] == ["SNT-1", "SNT-77"])
        for key in ["withoutSNT", "sntWithoutShipment", "differences", "partiesDiffer"] {
            #expect("\(stored[key] ?? "nil")" == "\(file[key] ?? "nil")", "\(key)")
        }
        let text = try CLITests.run(["mof", "reconcile", "--from", Self.day, "--to", Self.day] + cert)
        #expect(
            text.output.contains("compared with the stored SNT lists: 1 list(s) covering 1 day(s)"), "\(text.output)")
        // The list as a file must be signed too.
        let unsignedFile = try CLITests.run(
            ["mof", "reconcile", "--from", Self.day, "--to", Self.day, "--snt", unsigned] + cert)
        #expect(
            unsignedFile.status == 1 && (unsignedFile.output + unsignedFile.error).contains("MOF_SNT_LIST_UNSIGNED"))
    }

    /// `tanba serve --mof-snt-url` fetches the simulator's list (signed by the simulator with the Ministry's key)
    /// at start and keeps it, once however many turns pass.
    @Test(arguments: TestBackend.available)
    func serveKeepsTheSimulatorsSignedListOnce(_ backend: TestBackend) throws {
        let setup = try MoFDeliveryTests.Setup(backend)
        let list = try Self.writeList(in: setup.folder)
        let simulator = try MoFDeliveryTests.simulator(["--snt", list])
        defer { _ = simulator.stop() }
        let hub = try ServeProcess(
            ServeTests.arguments(port: 0, location: setup.location) + [
                "--mof-snt-url", simulator.url + "/mof/snt", "--mof-snt-interval", "1", "--mof-cert",
                "\(Self.pki)/buyer-head.cert.pem",
            ])
        defer { _ = hub.stop() }
        func audit() throws -> [String] {
            try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "mof-snt-import" }
                .map(\.result)
        }
        let deadline = Date() + 30
        while Date() < deadline, try audit().count < 3 { blockingSleep(seconds: 0.2) }
        let results = try audit()
        #expect(results.first?.hasPrefix("imported \(Self.day)…\(Self.day): 2 SNT(s)") == true, "\(results)")
        #expect(results.count >= 3 && results.dropFirst().allSatisfy { $0 == "unchanged: imported before" })
        let kept = try setup.store.read { try $0.snts(from: Self.day, to: Self.day) }
        #expect(kept.map(\.number) == ["SNT-1", "SNT-77"] && kept[1].quantities == ["04870001000011": "3"])
        #expect(
            try setup.store.read { try $0.sntListPage(from: Self.day, to: Self.day, after: nil, limit: 200).lists }
                .count == 1)
    }

    /// `tanba mof snt list --limit N --after CURSOR`, a page at a time, through the API's view: the text pages walked
    /// to the end show every SNT in force once by day and number, each page after the lists with the days they hold;
    /// `--json` is the API's answer with `next`, null on the last page, a period kept by the cursor's pages; a bad
    /// cursor, limit or day and `--to` before `--from` are refused with the API's code naming the option.
    @Test(arguments: TestBackend.available)
    func theListCommandPagesTheSNTsWithAfterAndRefusesABadCursorLimitOrDayNamingTheOption(_ backend: TestBackend)
        throws
    {
        let setup = try MoFDeliveryTests.Setup(backend)
        let kept = try SNTFixture.three(in: setup.store)
        let store = ["--store", setup.location]
        let pages = try MoFDeliveryTests.textPages(["mof", "snt", "list", "--limit", "2"] + store)
        for lines in pages {
            #expect(lines.filter { $0.hasSuffix("day(s) in force") }.count == kept.lists.count, "\(lines)")
            #expect(
                lines.contains { $0.hasPrefix(kept.lists[2].digest) && $0.hasSuffix("3 SNT(s)  2 day(s) in force") })
        }
        let shown = pages.flatMap { $0 }.filter { $0.hasPrefix("  SNT ") }.map {
            String($0.dropFirst(6).prefix { $0 != " " })
        }
        #expect(shown == SNTFixture.numbers(kept.inForce) && pages.count == 3, "\(shown)")

        func page(_ options: [String]) throws -> [String: Any] {
            let run = try CLITests.run(["mof", "snt", "list", "--json"] + store + options)
            #expect(run.status == 0, "\(run.error)")
            return try CLITests.json(run.output)
        }
        func numbers(_ page: [String: Any]) -> [String] {
            (page["snts"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
        }
        let first = try page(["--from", "2026-11-23", "--limit", "2"])
        #expect(numbers(first) == ["D-1", "D-2"] && first["moreLists"] as? Bool == false)
        #expect((first["lists"] as? [[String: Any]])?.compactMap { $0["sha256"] as? String } == [kept.lists[0].digest])
        let next = try #require(first["next"] as? String)
        let last = try page(["--from", "2026-11-23", "--limit", "2", "--after", next])
        #expect(numbers(last) == ["b-7"] && last["next"] is NSNull)

        let refusals: [(option: String, arguments: [String], what: String)] =
            SNTFixture.badCursors(from: next).filter {
                ["garbage", "a day that does not exist", "an export list's cursor"].contains($0.what)
            }.map { ("--after", ["--after", $0.cursor], $0.what) } + [
                ("--limit", ["--limit", "0"], "limit 0"), ("--limit", ["--limit", "two"], "limit two"),
                ("--from", ["--from", "2026-02-30"], "a day that does not exist"),
                ("--to", ["--from", "2026-11-21", "--to", "2026-11-20"], "--to before --from"),
            ]
        for (option, arguments, what) in refusals {
            let refused = try CLITests.run(["mof", "snt", "list"] + store + arguments)
            let said = refused.output + refused.error
            #expect(refused.status == 1, "\(what)")
            #expect(said.contains("REQUEST_PARAMETER_INVALID") && said.contains(option), "\(what): \(said)")
        }
    }
}
