import Foundation
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

/// The Ministry of Finance exports between processes: `tanba mof export` (twice: the second a new process),
/// `tanba serve` with the daily schedule and the `mof` outbox worker, and `tanba-sim mof` failing twice before it
/// takes the export. Failure modes: an export lost or taken twice when the receiver fails, a day exported again by
/// a second process, a file whose digest the receiver cannot confirm, an acknowledgement not recorded.
@Suite(.blocking, .serialized) struct MoFDeliveryTests {
    static let day = "2026-11-20"

    struct Setup {
        let location: String
        let folder: String
        let store: any HubStore

        init(_ backend: TestBackend) throws {
            location = try backend.makeLocation()
            if !location.hasPrefix("postgres://") {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: location).deletingLastPathComponent(), withIntermediateDirectories: true)
            }
            store = try TestBackend.open(location)
            folder =
                FileManager.default.temporaryDirectory.appendingPathComponent("tanba-mof-\(UUID().uuidString)")
                .path
            // Four events on the day (one at its first second in Kazakhstan), one on the day before.
            let start = MoFEvent.start(of: MoFDeliveryTests.day)!
            let events = [(-1.0, "before"), (0, "first"), (3600, "a"), (7200, "b"), (86399, "last")].map {
                offset, name in
                let at = start + offset
                return MoFEvent(
                    day: MoFEvent.day(of: at), at: at, kind: .withdrawal, document: name,
                    fragment: MoFFormat.withdrawal(
                        .init(at: at, document: name, number: name, date: MoFEvent.day(of: at)), owner: "050140001238",
                        reason: "retailSale", codes: ["01048700010000112100\(name)"]))
            }
            try store.write { try $0.save(events) }
        }

        /// `tanba mof reconcile --send` of the day (no SNT list), signed with the test PKI's hub key.
        func sendReport() throws -> (status: Int32, output: String, error: String) {
            let pki = CLITests.pki.appendingPathComponent("participants").path
            return try CLITests.run([
                "mof", "reconcile", "--from", MoFDeliveryTests.day, "--to", MoFDeliveryTests.day, "--send", "--store",
                location, "--hub-key", "\(pki)/hub.key.pem", "--hub-cert", "\(pki)/hub.cert.pem",
            ])
        }

        /// Runs `tanba serve` on this store with `arguments` (the Ministry's endpoint and certificate) and its
        /// exports folder, retrying after 0.2 s, until the first message of channel `mof` has left `pending`
        /// (30 s at most); the hub is stopped before returning the message as it was then.
        func deliver(_ arguments: [String]) throws -> QueuedMessage? {
            let hub = try ServeProcess(
                ServeTests.arguments(port: 0, location: location) + arguments + [
                    "--mof-exports", folder, "--outbox-retry-base", "0.2",
                ])
            defer { _ = hub.stop() }
            let deadline = Date() + 30
            var message: QueuedMessage?
            while Date() < deadline {
                message = try store.read { try $0.queued(OutboxFilter(channel: "mof")) }.first
                if message?.state != .pending { break }
                blockingSleep(seconds: 0.1)
            }
            return message
        }

        var common: [String] {
            let pki = CLITests.pki.path
            return [
                "--store", location, "--mof-exports", folder, "--hub-key", "\(pki)/participants/hub.key.pem",
                "--hub-cert", "\(pki)/participants/hub.cert.pem",
            ]
        }
    }

    static func simulator(_ extra: [String]) throws -> ServeProcess {
        let pki = CLITests.pki.appendingPathComponent("participants").path
        return try ServeProcess(
            [
                "mof", "--port", "0", "--key", "\(pki)/buyer-head.key.pem", "--cert", "\(pki)/buyer-head.cert.pem",
                "--trust", "\(pki)/hub.cert.pem",
            ] + extra, executable: EAEUDeliveryTests.simulator)
    }

    static func received(_ simulator: ServeProcess) throws -> [String: Any] {
        let answer = try runProcess(
            "/usr/bin/curl", ["-sf", simulator.url + "/mof/received"], directory: CLITests.repository,
            environment: ProcessInfo.processInfo.environment)
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any])
    }

    /// The first page of `tanba mof exports --json`: the API's page, `{"exports": [...], "next": ...}`.
    static func exports(_ setup: Setup, _ options: [String] = []) throws -> (exports: [[String: Any]], next: Any?) {
        let page = try Self.page(setup, "exports", options)
        return (page.items, page.next)
    }

    /// A page of `tanba mof <list> --json` (`exports`, `reconciliations`): the API's page, `{"<list>": [...],
    /// "next": ...}`.
    static func page(_ setup: Setup, _ list: String, _ options: [String] = []) throws -> (
        items: [[String: Any]], next: Any?
    ) {
        let listed = try CLITests.run(["mof", list, "--json", "--store", setup.location] + options)
        #expect(listed.status == 0, "\(listed.error)")
        let page = try CLITests.json(listed.output)
        return (try #require(page[list] as? [[String: Any]]), page["next"])
    }

    @Test(arguments: TestBackend.available)
    func aDayIsExportedOnceAcrossProcessesAndDeliveredOnceAfterTheMinistryFailedTwice(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let first = try CLITests.run(["mof", "export", "--day", Self.day, "--json"] + setup.common)
        #expect(first.status == 0, "\(first.output) \(first.error)")
        let made = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [[String: Any]])
        try #require(made.count == 1)
        #expect(made[0]["total"] as? Int == 4 && made[0]["mode"] as? String == "daily")
        // A second process: the day is exported already, by its code; nothing new queued.
        let again = try CLITests.run(["mof", "export", "--day", Self.day] + setup.common)
        #expect(again.status != 0 && (again.output + again.error).contains("MOF_DAY_EXPORTED"))
        #expect(try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }.count == 1)

        let simulator = try Self.simulator(["--fail-first", "2"])
        defer { _ = simulator.stop() }
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let message = try setup.deliver([
            "--mof-endpoint", simulator.url + "/mof/exports", "--mof-cert", "\(pki)/buyer-head.cert.pem",
        ])
        #expect(message?.state == .delivered && message?.attempts == 2, "\(message?.lastError ?? "")")
        let received = try Self.received(simulator)
        let exports = try #require(received["exports"] as? [[String: Any]])
        #expect(exports.count == 1 && received["failed"] as? Int == 2 && received["duplicates"] as? Int == 0)
        #expect(exports.first?["events"] as? Int == 4 && exports.first?["accepted"] as? Bool == true)
        #expect(exports.first?["sha256"] as? String == made[0]["sha256"] as? String)
        let listed = try Self.exports(setup).exports
        #expect(listed.count == 1 && listed[0]["acknowledgement"] as? String == "accepted")
        #expect(listed[0]["delivery"] as? String == "delivered (2 failed)")
    }

    /// `tanba serve --mof-schedule` exports every closed day after the cursor (from `--mof-start`), each once, and
    /// its worker delivers them; a restarted hub exports nothing again.
    @Test func theScheduleExportsEachClosedDayOnceAcrossARestart() throws {
        let setup = try Setup(.sqlite)
        let simulator = try Self.simulator([])
        defer { _ = simulator.stop() }
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let options =
            ServeTests.arguments(port: 0, location: setup.location) + [
                "--mof-endpoint", simulator.url + "/mof/exports", "--mof-cert", "\(pki)/buyer-head.cert.pem",
                "--mof-exports", setup.folder, "--mof-schedule", "00:00", "--mof-start", "2026-11-19",
                "--outbox-retry-base", "0.2",
            ]
        var hub = try ServeProcess(options)
        // The days from the 19th to the last closed one (yesterday, once today's grace passed), each once.
        let lastClosed = MoFEvent.day(of: MoFEvent.start(of: MoFEvent.day(of: Date() - 900))! - 3600)
        var expected = 0
        var day = "2026-11-19"
        while day <= lastClosed {
            expected += 1
            day = MoFEvent.next(day)!
        }
        func settled() throws -> [QueuedMessage]? {
            let messages = try setup.store.read { try $0.queued(OutboxFilter(channel: "mof", limit: 200)) }
            return messages.count == expected && messages.allSatisfy({ $0.state == .delivered }) ? messages : nil
        }
        let deadline = Date() + 30
        var delivered: [QueuedMessage]?
        while Date() < deadline, delivered == nil {
            delivered = try settled()
            blockingSleep(seconds: 0.2)
        }
        try #require(delivered != nil)
        _ = hub.stop()
        let before = try Self.exports(setup).exports
        hub = try ServeProcess(options)
        blockingSleep(seconds: 2)
        _ = hub.stop()
        let after = try Self.exports(setup).exports
        #expect(after.count == before.count)
        let days = after.compactMap { $0["from"] as? String }
        #expect(days.count == expected && Set(days).count == days.count && days.min() == "2026-11-19")
        #expect(days.max() == lastClosed)
        let totals = Dictionary(after.map { ($0["from"] as! String, $0["total"] as! Int) }, uniquingKeysWith: +)
        #expect(totals["2026-11-19"] == 1 && totals[Self.day] == 4)
        #expect(after.allSatisfy { $0["acknowledgement"] as? String == "accepted" })
        let received = try #require(try Self.received(simulator)["exports"] as? [[String: Any]])
        #expect(received.count == after.count)
    }

    /// `tanba mof ack` with an acknowledgement file: unsigned, signed by another than the Ministry, then the good
    /// one, then the good one again: each by its code and exit status; and `tanba mof reconcile` against the
    /// simulator's SNT list.
    @Test func anAcknowledgementFileIsCheckedByTheCommandAndReconciliationReadsTheMinistrysList() throws {
        let setup = try Setup(.sqlite)
        let made = try CLITests.run(["mof", "export", "--day", Self.day, "--json"] + setup.common)
        #expect(made.status == 0, "\(made.error)")
        let export = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.output.utf8)) as? [[String: Any]])?.first)
        let (id, digest) = (try #require(export["id"] as? String), try #require(export["sha256"] as? String))
        let folder = URL(fileURLWithPath: setup.folder)
        let unsigned = folder.appendingPathComponent("ack.xml")
        try Data(MoFAcknowledgement(exportId: id, sha256: digest, accepted: true, acknowledgedAt: Date()).xml())
            .write(to: unsigned)
        let pki = CLITests.pki.appendingPathComponent("participants").path
        func sign(_ who: String) throws -> String {
            let out = folder.appendingPathComponent("ack-\(who).xml").path
            let signed = try CLITests.run([
                "sign", "--key", "\(pki)/\(who).key.pem", "--cert", "\(pki)/\(who).cert.pem", "-o", out, unsigned.path,
            ])
            #expect(signed.status == 0, "\(signed.error)")
            return out
        }
        func ack(_ file: String) throws -> (status: Int32, text: String) {
            let result = try CLITests.run([
                "mof", "ack", file, "--mof-cert", "\(pki)/buyer-head.cert.pem", "--store", setup.location,
            ])
            return (result.status, result.output + result.error)
        }
        let bad = try ack(unsigned.path)
        #expect(bad.status == 1 && bad.text.contains("MOF_ACK_UNSIGNED"), "\(bad.text)")
        let impostor = try ack(try sign("company-head"))
        #expect(impostor.status == 1 && impostor.text.contains("MOF_ACK_WRONG_SIGNER"), "\(impostor.text)")
        let good = try sign("buyer-head")
        let accepted = try ack(good)
        #expect(accepted.status == 0 && accepted.text.contains("ack accepted"), "\(accepted.text)")
        let replayed = try ack(good)
        #expect(replayed.status == 1 && replayed.text.contains("MOF_ACK_REPLAYED"), "\(replayed.text)")
        // Every attempt is in the audit trail, refusals by their code.
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "mof-ack" }
        #expect(
            audit.map(\.result) == [
                "refused MOF_ACK_UNSIGNED", "refused MOF_ACK_WRONG_SIGNER", "accepted", "refused MOF_ACK_REPLAYED",
            ])

        let list = folder.appendingPathComponent("snt.xml")
        try Data(
            SNTList(
                from: Self.day, to: Self.day, createdAt: MoFEvent.start(of: Self.day)! + 3600,
                entries: [
                    .init(
                        number: "SNT-77", date: Self.day, seller: "050140001238", buyer: "031240500125", quantities: [:]
                    )
                ]
            ).xml()
        ).write(to: list)
        let simulator = try Self.simulator(["--snt", list.path])
        defer { _ = simulator.stop() }
        let reconciled = try CLITests.run([
            "mof", "reconcile", "--from", Self.day, "--to", Self.day, "--snt-url", simulator.url + "/mof/snt", "--json",
            "--store", setup.location, "--mof-cert", "\(pki)/buyer-head.cert.pem",
        ])
        #expect(reconciled.status == 1, "\(reconciled.output) \(reconciled.error)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(reconciled.output.utf8)) as? [String: Any])
        #expect(report["sntWithoutShipment"] as? [String] == ["SNT-77"])
    }

    /// `file` signed by `who` of the test PKI (by default the Ministry's key in these tests) with `tanba sign`: the
    /// signed copy's path.
    static func signAsMinistry(_ file: String, by who: String = "buyer-head") throws -> String {
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let out = file + ".\(who).signed.xml"
        let signed = try CLITests.run([
            "sign", "--key", "\(pki)/\(who).key.pem", "--cert", "\(pki)/\(who).cert.pem", "-o", out, file,
        ])
        #expect(signed.status == 0, "\(signed.error)")
        return out
    }

    /// An HTTP POST of `file` to `url` with curl: the status and the answer.
    static func post(_ file: String, to url: String) throws -> (status: Int, body: String) {
        let answer = try runProcess(
            "/usr/bin/curl",
            [
                "-s", "-w", "\n%{http_code}", "-H", "Content-Type: application/xml", "--data-binary", "@\(file)", url,
            ], directory: CLITests.repository, environment: ProcessInfo.processInfo.environment)
        let lines = answer.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// `tanba mof reconcile --send`, twice (two processes, the same findings): one report queued and recorded, the
    /// second run told so; `tanba serve --mof-endpoint` delivers it to `tanba-sim mof` (at the exports' sibling URL,
    /// after one 503), which verifies the hub's signature, records one report and answers a signed acknowledgement
    /// that the hub verifies and records: `tanba mof reconciliations` shows the report delivered and accepted, and
    /// the same acknowledgement given again by `tanba mof ack` is refused as replayed. The same signed report posted
    /// again is a duplicate answered with the first acknowledgement; an unsigned one, one signed by another than the
    /// hub, one that is not XML and one the hub signed that is not our schema's are each refused 400, nothing
    /// recorded.
    @Test(arguments: TestBackend.available)
    func aReconciliationReportIsSentOnceAcknowledgedAsAcceptedAndTheMinistryRefusesBadOnes(_ backend: TestBackend)
        throws
    {
        let setup = try Setup(backend)
        let at = MoFEvent.start(of: Self.day)! + 600
        try setup.store.write {
            try $0.save([
                MoFEvent(
                    day: Self.day, at: at, kind: .ownershipTransfer, document: "transfer-1", seller: "050140001238",
                    buyer: "031240500125", quantities: "04870001000011=3",
                    fragment: Array("<OwnershipTransfer/>\n".utf8))
            ])
        }
        let folder = URL(fileURLWithPath: setup.folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let list = folder.appendingPathComponent("snt.xml")
        try Data(
            SNTList(
                from: Self.day, to: Self.day, createdAt: MoFEvent.start(of: Self.day)! + 3600,
                entries: [
                    .init(
                        number: "SNT-77", date: Self.day, seller: "050140001238", buyer: "031240500125", quantities: [:]
                    )
                ]
            ).xml()
        ).write(to: list)
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let signedList = try Self.signAsMinistry(list.path)
        func send() throws -> [String: Any] {
            let result = try CLITests.run([
                "mof", "reconcile", "--from", Self.day, "--to", Self.day, "--snt", signedList, "--send", "--json",
                "--store", setup.location, "--hub-key", "\(pki)/hub.key.pem", "--hub-cert", "\(pki)/hub.cert.pem",
                "--mof-cert", "\(pki)/buyer-head.cert.pem",
            ])
            // Something differs (a shipment without an SNT, an SNT without a shipment): exit status 1, as without
            // --send.
            #expect(result.status == 1, "\(result.output) \(result.error)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(report["sntWithoutShipment"] as? [String] == ["SNT-77"])
            return try #require(report["sent"] as? [String: Any])
        }
        // Without the hub's key nothing is signed, so nothing is sent: refused by its code, nothing queued.
        let keyless = try CLITests.run([
            "mof", "reconcile", "--from", Self.day, "--to", Self.day, "--send", "--store", setup.location,
        ])
        #expect(
            keyless.status == 2 && (keyless.output + keyless.error).contains("CONFIG_INVALID"),
            "\(keyless.output) \(keyless.error)")
        #expect(try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }.isEmpty)
        let first = try send()
        let second = try send()
        let id = try #require(first["reportId"] as? String)
        #expect(first["queuedBefore"] as? Bool == false && second["queuedBefore"] as? Bool == true)
        #expect(second["reportId"] as? String == id)
        let queued = try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }
        #expect(queued.map(\.kind) == ["MOF.RECONCILIATION.1"] && queued.first?.idempotencyKey == id)

        let simulator = try Self.simulator(["--fail-first", "1"])
        defer { _ = simulator.stop() }
        let message = try setup.deliver([
            "--mof-endpoint", simulator.url + "/mof/exports", "--mof-cert", "\(pki)/buyer-head.cert.pem",
        ])
        #expect(message?.state == .delivered && message?.attempts == 1, "\(message?.lastError ?? "")")
        var received = try Self.received(simulator)
        var reports = try #require(received["reconciliations"] as? [[String: Any]])
        #expect(reports.count == 1 && reports.first?["reportId"] as? String == id)
        #expect(reports.first?["withoutSNT"] as? Int == 1 && reports.first?["sntWithoutShipment"] as? Int == 1)
        #expect((reports.first?["signer"] as? String)?.isEmpty == false)
        // The Ministry's acknowledgement, verified and recorded: the operators' list shows it.
        let listed = try CLITests.run(["mof", "reconciliations", "--json", "--store", setup.location])
        #expect(listed.status == 0, "\(listed.output) \(listed.error)")
        let shown = try #require(
            (try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])?["reconciliations"]
                as? [[String: Any]])
        #expect(shown.count == 1 && shown.first?["id"] as? String == id)
        #expect(shown.first?["acknowledgement"] as? String == "accepted", "\(listed.output)")
        #expect(shown.first?["deliveryState"] as? String == "delivered" && shown.first?["failedAttempts"] as? Int == 1)
        #expect(shown.first?["sha256"] as? String == reports.first?["sha256"] as? String)
        #expect(shown.first?["withoutSNT"] as? Int == 1 && shown.first?["sntWithoutShipment"] as? Int == 1)
        let text = try CLITests.run(["mof", "reconciliations", "--store", setup.location])
        #expect(text.status == 0 && text.output.contains("\(id)  \(Self.day)…\(Self.day)  1 without SNT"))
        #expect(text.output.contains("delivery delivered (1 failed)  ack accepted"), "\(text.output)")
        let ackAudit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-ack"
        }
        #expect(ackAudit.map(\.result) == ["accepted"] && ackAudit.first?.object == id)
        // The same acknowledgement recorded apart (`tanba mof ack`) is a replay: refused, audited, the first stands.
        let reply = folder.appendingPathComponent("reconciliation-ack.xml")
        try Data(try #require(message?.reply)).write(to: reply)
        let replayed = try CLITests.run([
            "mof", "ack", reply.path, "--mof-cert", "\(pki)/buyer-head.cert.pem", "--store", setup.location,
        ])
        #expect(
            replayed.status == 1 && (replayed.output + replayed.error).contains("MOF_ACK_REPLAYED"),
            "\(replayed.output) \(replayed.error)")

        // The same signed report again (a retry after a lost answer): a duplicate, recorded once, answered with the
        // first acknowledgement.
        let signed = folder.appendingPathComponent("report.xml")
        try Data(try #require(message?.body)).write(to: signed)
        let duplicate = try Self.post(signed.path, to: simulator.url + "/mof/reconciliations")
        let firstAnswer = String(decoding: try #require(message?.reply), as: UTF8.self)
        #expect(
            duplicate.status == 200
                && duplicate.body.trimmingCharacters(in: .whitespacesAndNewlines)
                    == firstAnswer.trimmingCharacters(in: .whitespacesAndNewlines),
            "\(duplicate)")
        #expect(firstAnswer.contains("<ReportId>\(id)</ReportId>") && firstAnswer.contains("<Result>accepted</Result>"))
        // Bad input: unsigned, signed by a participant instead of the hub, not XML, not our schema — each its own
        // report (its own id), so that none is taken for a duplicate of another.
        let parsed = try MoFReconciliationReport.parse(try XMLDocument.parse(Array(try Data(contentsOf: signed))).root)
        func another(_ name: String) throws -> (id: String, path: String) {
            var other = parsed
            other.reportId = UUID().uuidString.lowercased()
            let file = folder.appendingPathComponent("\(name).xml")
            try Data(other.xml()).write(to: file)
            return (other.reportId, file.path)
        }
        func sign(_ file: String, as who: String) throws -> String {
            let out = file + ".\(who).xml"
            let signing = try CLITests.run([
                "sign", "--key", "\(pki)/\(who).key.pem", "--cert", "\(pki)/\(who).cert.pem", "-o", out, file,
            ])
            #expect(signing.status == 0, "\(signing.error)")
            return out
        }
        let unsigned = try another("unsigned")
        let impostor = try another("impostor")
        let garbage = folder.appendingPathComponent("garbage.xml")
        try Data("<MoFReconciliation".utf8).write(to: garbage)
        // Signed by the hub, but a day that is no day: the schema's fault, named.
        let outOfPattern = try another("out-of-pattern")
        try Data(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: outOfPattern.path)), as: UTF8.self)
                .replacingOccurrences(of: "<Day>\(Self.day)</Day>", with: "<Day>20.11.2026</Day>").utf8
        ).write(to: URL(fileURLWithPath: outOfPattern.path))
        // A report that names itself is answered with a signed rejection under its id; one that cannot be told
        // (not XML, no Idempotency-Key) is 400.
        for (id, file, said) in [
            (unsigned.id, unsigned.path, "unsigned report"),
            (impostor.id, try sign(impostor.path, as: "company-head"), "wrong signer"),
            (outOfPattern.id, try sign(outOfPattern.path, as: "hub"), "invalid report: MOF_RECONCILIATION_INVALID"),
        ] {
            let answer = try Self.post(file, to: simulator.url + "/mof/reconciliations")
            #expect(answer.status == 200, "\(file): \(answer)")
            let ack = try MoFReconciliationAcknowledgement.parse(try XMLDocument.parse(Array(answer.body.utf8)).root)
            #expect(ack.reportId == id && !ack.accepted && ack.reason?.hasPrefix(said) == true, "\(file): \(ack)")
        }
        let malformed = try Self.post(garbage.path, to: simulator.url + "/mof/reconciliations")
        #expect(malformed.status == 400 && malformed.body.contains("malformed report"), "\(malformed)")
        received = try Self.received(simulator)
        reports = try #require(received["reconciliations"] as? [[String: Any]])
        #expect(reports.count == 1 && received["reconciliationDuplicates"] as? Int == 1)
        #expect((received["rejectedReconciliations"] as? [[String: Any]])?.count == 3)
        #expect(received["failed"] as? Int == 1)
        // Both runs are in the audit trail, on the Ministry's channel.
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-send"
        }
        #expect(audit.count == 2 && audit.allSatisfy { $0.channel == "mof" && $0.object == id })
    }

    /// A Ministry that refuses the report itself (here: it trusts another certificate than the hub's, so the hub's
    /// signature is a wrong signer's) answers a signed acknowledgement, rejected with its reason: the hub records
    /// the report rejected with that reason and the message is dead at once, for an operator to look at — sending
    /// the same bytes again would not change the answer. The report goes to `--mof-reconciliation-endpoint` when it
    /// is given.
    @Test(arguments: TestBackend.available)
    func aReportTheMinistryRefusesIsRecordedRejectedWithItsReasonAndDeadAtOnce(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let sent = try setup.sendReport()
        // No transfer on the day, no list: nothing differs, and the report (empty) is sent all the same.
        #expect(sent.status == 0 && sent.output.contains("queued for the Ministry"), "\(sent.output) \(sent.error)")
        let simulator = try ServeProcess(
            [
                "mof", "--port", "0", "--key", "\(pki)/buyer-head.key.pem", "--cert", "\(pki)/buyer-head.cert.pem",
                "--trust", "\(pki)/company-head.cert.pem",
            ], executable: EAEUDeliveryTests.simulator)
        defer { _ = simulator.stop() }
        let message = try setup.deliver([
            // The reconciliation endpoint given apart: the exports' sibling would be /nowhere/reconciliations (404).
            "--mof-endpoint", simulator.url + "/nowhere/exports", "--mof-reconciliation-endpoint",
            simulator.url + "/mof/reconciliations", "--mof-cert", "\(pki)/buyer-head.cert.pem",
        ])
        #expect(message?.state == .dead && message?.attempts == 1, "\(String(describing: message))")
        #expect(
            message?.lastError?.contains("rejected by the Ministry: wrong signer") == true,
            "\(message?.lastError ?? "")")
        let report = try #require(
            try setup.store.read { try $0.mofReconciliationPage(after: nil, limit: 5).reports }.first)
        #expect(report.ackState == .rejected && report.ackReason?.hasPrefix("wrong signer") == true)
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-ack"
        }
        #expect(audit.count == 1 && audit.first?.result.hasPrefix("rejected: wrong signer") == true)
        let received = try Self.received(simulator)
        #expect((received["reconciliations"] as? [Any])?.isEmpty == true)
        let rejected = try #require(received["rejectedReconciliations"] as? [[String: Any]])
        #expect(rejected.count == 1 && rejected.first?["reportId"] as? String == report.id)
        #expect(rejected.first?["sha256"] as? String == report.digest)
    }

    /// `tanba-sim mof --record FILE` keeps the reports it refused too (`FILE.rejected-reconciliations`): restarted, it
    /// answers a refused report's repeat with its first rejection, byte for byte, and judges nothing again. Failure
    /// modes: a repeat judged anew after a restart (a second rejection, another time and signature, or accepted
    /// under a changed trust), a rejection listed twice, a refused report forgotten.
    @Test func aRestartedSimulatorAnswersARefusedReportsRepeatWithItsFirstRejection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-mof-rej-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let record = folder.appendingPathComponent("received.jsonl").path
        let id = UUID().uuidString.lowercased()
        let report = folder.appendingPathComponent("unsigned.xml")
        try Data("<MoFReconciliation><ReportId>\(id)</ReportId></MoFReconciliation>".utf8).write(to: report)
        var simulator = try Self.simulator(["--record", record])
        let first = try Self.post(report.path, to: simulator.url + "/mof/reconciliations")
        #expect(first.status == 200 && first.body.contains("unsigned report"), "\(first)")
        _ = simulator.stop()
        #expect(FileManager.default.fileExists(atPath: record + ".rejected-reconciliations"))
        simulator = try Self.simulator(["--record", record])
        defer { _ = simulator.stop() }
        let again = try Self.post(report.path, to: simulator.url + "/mof/reconciliations")
        #expect(again.status == 200 && again.body == first.body, "\(again)")
        let received = try Self.received(simulator)
        let rejected = try #require(received["rejectedReconciliations"] as? [[String: Any]])
        #expect(rejected.count == 1 && rejected.first?["reportId"] as? String == id)
        #expect(received["reconciliationDuplicates"] as? Int == 1)
        #expect((received["reconciliations"] as? [Any])?.isEmpty == true)
    }

    /// The Ministry received the report but its acknowledgement is signed by another certificate than the one the
    /// hub pins (`--mof-cert`): the answer is refused as a wrong signer's, the message dead at once (sending the
    /// same bytes again would not mend the receiver), the report's acknowledgement still pending, the refusal
    /// audited.
    @Test(arguments: TestBackend.available)
    func anAcknowledgementByAnotherSignerLeavesTheReportPendingAndTheMessageDead(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let pki = CLITests.pki.appendingPathComponent("participants").path
        let sent = try setup.sendReport()
        #expect(sent.status == 0, "\(sent.output) \(sent.error)")
        let simulator = try Self.simulator([])
        defer { _ = simulator.stop() }
        let message = try setup.deliver([
            "--mof-endpoint", simulator.url + "/mof/exports", "--mof-cert", "\(pki)/company-head.cert.pem",
        ])
        #expect(message?.state == .dead && message?.attempts == 1, "\(String(describing: message))")
        #expect(message?.lastError?.contains("MOF_ACK_WRONG_SIGNER") == true, "\(message?.lastError ?? "")")
        let report = try setup.store.read { try $0.mofReconciliationPage(after: nil, limit: 5).reports }
        #expect(report.map(\.ackState) == [.pending])
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-ack"
        }
        #expect(audit.map(\.result) == ["refused MOF_ACK_WRONG_SIGNER"])
        #expect((try Self.received(simulator)["reconciliations"] as? [Any])?.count == 1)
    }

    /// The text pages of the list command `arguments`, each run after the first with the cursor the page before
    /// printed last (`next: --after CURSOR`), to the page that prints none (ten at most): each page's other lines.
    static func textPages(_ arguments: [String]) throws -> [[String]] {
        let prefix = "next: --after "
        var pages: [[String]] = []
        var after: String?
        repeat {
            let run = try CLITests.run(arguments + (after.map { ["--after", $0] } ?? []))
            #expect(run.status == 0, "\(run.error)")
            let lines = run.output.split(separator: "\n").map(String.init)
            pages.append(lines.filter { !$0.hasPrefix(prefix) })
            after = lines.last.flatMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
        } while after != nil && pages.count < 10
        return pages
    }

    /// `tanba mof exports` and `tanba mof reconciliations` with `--limit N --after CURSOR`, a page at a time. Failure
    /// modes: older records out of reach from the command line (no cursor printed, or `--json` without `next`), a
    /// record repeated or skipped between pages, a cursor the list did not give out (the other list's among them)
    /// read as some position instead of refused naming `--after`.
    @Test(arguments: TestBackend.available, ["exports", "reconciliations"])
    func theCommandPrintsTheNextCursorAndRefusesOneTheListDidNotGiveOut(_ backend: TestBackend, list: String) throws {
        let setup = try Setup(backend)
        let ids =
            list == "exports"
            ? try MoFExportFixture.five(in: setup.store).map(\.id)
            : try MoFExportFixture.threeReconciliations(in: setup.store).map(\.id)
        let pages = try Self.textPages(["mof", list, "--limit", "2", "--store", setup.location])
        let shown = pages.flatMap { $0 }.map { String($0.prefix { $0 != " " }) }
        #expect(pages.count == (ids.count + 1) / 2 && shown == ids, "\(list)")
        // --json: the API's page, with `next`; null on the last.
        let first = try Self.page(setup, list, ["--limit", "\(ids.count - 1)"])
        let next = try #require(first.next as? String)
        #expect(first.items.compactMap { $0["id"] as? String } == Array(ids.dropLast()))
        let last = try Self.page(setup, list, ["--limit", "3", "--after", next])
        #expect(last.items.compactMap { $0["id"] as? String } == [ids.last!] && last.next is NSNull, "\(list)")
        let bad =
            list == "exports"
            ? MoFExportFixture.badCursors(from: next)
            : MoFExportFixture.badCursors(from: next, of: MoFReconciliationRecord.self)
        for (what, cursor) in bad {
            let refused = try CLITests.run(["mof", list, "--store", setup.location, "--after", cursor])
            #expect(refused.status != 0, "\(list) \(what)")
            #expect(
                (refused.output + refused.error).contains("REQUEST_PARAMETER_INVALID")
                    && (refused.output + refused.error).contains("--after"), "\(list) \(what): \(refused.error)")
        }
        let zero = try CLITests.run(["mof", list, "--store", setup.location, "--limit", "0"])
        #expect(zero.status != 0 && (zero.output + zero.error).contains("--limit"), "\(list) \(zero.error)")
    }
}
