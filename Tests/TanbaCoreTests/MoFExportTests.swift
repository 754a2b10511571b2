import Crypto
import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

/// The Ministry of Finance exports on both stores. Failure modes: an event of the day before or after (at
/// Kazakhstan's midnight, not UTC's) in a day's export; an event repeated or skipped by a second run after a
/// restart; a day exported twice (also by two exporters at once); a day exported before it closed; an on-demand
/// export moving the daily cursor; a file whose digest is not its bytes' — and every way an acknowledgement can be
/// bad, each refused with its own code, changing nothing, audited; the operators' list repeating or skipping an
/// export between pages, or reading a cursor it did not give out.
@Suite struct MoFExportTests {
    static let hub = try! DocumentSigner(
        keyFile: CoreFixture.pki.keyFile(.hub), certificateFile: CoreFixture.pki.certificateFile(.hub))
    /// The Ministry's key in these tests: any key of the test PKI the hub does not otherwise trust for acks.
    static let ministry = try! DocumentSigner(
        keyFile: CoreFixture.pki.keyFile(.buyerHead), certificateFile: CoreFixture.pki.certificateFile(.buyerHead))
    static let impostor = try! DocumentSigner(
        keyFile: CoreFixture.pki.keyFile(.companyHead), certificateFile: CoreFixture.pki.certificateFile(.companyHead))

    /// Kazakhstan's `day` at `hh:mm:ss`.
    static func at(_ day: String, _ time: String) -> Date {
        let parts = time.split(separator: ":").map { Double($0)! }
        return MoFEvent.start(of: day)! + parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    /// An ownership transfer on 2026-11-20 from 050140001238 to 031240500125 under `snt`, with `quantities`
    /// (`GTIN=quantity;…`), as reconciliation reads it.
    static func transfer(_ name: String, snt: String?, quantities: String, at date: Date) -> MoFEvent {
        MoFEvent(
            day: "2026-11-20", at: date, kind: .ownershipTransfer, document: name, snt: snt, seller: "050140001238",
            buyer: "031240500125", quantities: quantities, fragment: Array("<OwnershipTransfer/>\n".utf8))
    }

    /// Three transfers of 04870001000011 on 2026-11-20: 2 under SNT-1 (`matches`), 5 under SNT-2 (`differs`), 1
    /// without an SNT (`no-snt`).
    static func threeTransfers(at date: Date) -> [MoFEvent] {
        [
            transfer("matches", snt: "SNT-1", quantities: "04870001000011=2", at: date),
            transfer("differs", snt: "SNT-2", quantities: "04870001000011=5", at: date),
            transfer("no-snt", snt: nil, quantities: "04870001000011=1", at: date),
        ]
    }

    static func event(_ kind: MoFEventKind, at date: Date, _ name: String) -> MoFEvent {
        MoFEvent(
            day: MoFEvent.day(of: date), at: date, kind: kind, document: name,
            fragment: MoFFormat.withdrawal(
                .init(at: date, document: name, number: name, date: MoFEvent.day(of: date)), owner: "050140001238",
                reason: "retailSale", codes: ["0104870001000011215\(name)"]))
    }

    struct Setup {
        let location: String
        let store: any HubStore
        let folder: URL

        init(_ backend: TestBackend) throws {
            location = try backend.makeLocation()
            store = try TestBackend.open(location)
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-mof-\(UUID().uuidString)")
        }

        /// An exporter over a new connection to the same store: what a restarted process has.
        func exporter() throws -> MoFExporter {
            MoFExporter(store: try TestBackend.open(location), folder: folder, signer: MoFExportTests.hub, pageSize: 3)
        }

        /// The documents named in an export's file, in order, with the file checked against its record.
        func names(_ export: MoFExportRecord) throws -> [String] {
            let bytes = try Data(contentsOf: folder.appendingPathComponent("\(export.id).xml"))
            #expect(Int64(bytes.count) == export.size)
            #expect(SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == export.digest)
            let root = try XMLDocument.parse(Array(bytes)).root
            let events = try #require(root.child(named: "Events", namespace: MoFFormat.namespace))
            return events.children.compactMap { $0.attribute("document") }
        }
    }

    /// Around the midnight that starts 2026-11-20 in Kazakhstan (19:00 UTC the day before).
    static func boundaryEvents() -> [MoFEvent] {
        [
            event(.withdrawal, at: at("2026-11-19", "23:59:59"), "before"),
            event(.withdrawal, at: at("2026-11-20", "00:00:00"), "first"),
            // 23:59:59 UTC on the 19th: the 20th in Kazakhstan.
            event(.withdrawal, at: at("2026-11-20", "04:59:59"), "utc-19th"),
            event(.export, at: at("2026-11-20", "12:00:00"), "noon"),
            event(.import, at: at("2026-11-20", "23:59:59"), "last"),
            event(.withdrawal, at: at("2026-11-21", "00:00:00"), "after"),
        ]
    }

    @Test(arguments: TestBackend.available)
    func aDaysExportHoldsExactlyThatDaysEventsByKazakhstansMidnight(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        // More events than a page (3), in two transactions, so that the export pages within the day.
        try setup.store.write { try $0.save(Array(Self.boundaryEvents().prefix(3))) }
        try setup.store.write { try $0.save(Array(Self.boundaryEvents().dropFirst(3))) }
        let export = try setup.exporter().exportDay("2026-11-20", at: Self.at("2026-11-21", "01:00:00"))
        #expect(try setup.names(export) == ["first", "utc-19th", "noon", "last"])
        #expect(export.counts == [.withdrawal: 2, .export: 1, .import: 1] && export.mode == .daily)
        // The manifest is queued, signed by the hub, naming the file's digest.
        let queued = try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }
        try #require(queued.count == 1)
        #expect(queued[0].idempotencyKey == export.id)
        let manifest = try MoFManifest.parse(queued[0].body)
        #expect(manifest.sha256 == export.digest && manifest.size == export.size && manifest.from == "2026-11-20")
        let verified = try SignatureVerifier.verify(
            try XMLDocument.parse(queued[0].body), pinnedTo: Self.hub.certificate)
        #expect(verified.certificate == Self.hub.certificate)
        // The file is valid against the published schema.
        let schemas = try SchemaSet(directory: CoreFixture.repository.appendingPathComponent("xsd/mof"))
        try schemas.validate(
            try XMLDocument.parse(contentsOf: setup.folder.appendingPathComponent("\(export.id).xml")))
        try schemas.validate(try XMLDocument.parse(queued[0].body))
    }

    @Test(arguments: TestBackend.available)
    func aSecondRunAfterARestartRepeatsNoneAndSkipsNone(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        try setup.store.write { try $0.save(Self.boundaryEvents()) }
        let now = Self.at("2026-11-21", "09:00:00")
        // No cursor yet: from the start day given, every closed day (19th, 20th); the 21st is open.
        let first = try setup.exporter().exportDue(at: now, start: "2026-11-19")
        #expect(first.map(\.fromDay) == ["2026-11-19", "2026-11-20"])
        // A new process on the same store: the cursor is there, nothing more is due.
        #expect(try setup.exporter().exportDue(at: now, start: "2026-11-19").isEmpty)
        // Events keep coming on the 21st; once it closes (plus the grace), a third process exports it alone.
        try setup.store.write { try $0.save([Self.event(.withdrawal, at: Self.at("2026-11-21", "20:00:00"), "late")]) }
        let next = try setup.exporter().exportDue(at: Self.at("2026-11-22", "00:20:00"), start: "2026-11-19")
        #expect(next.map(\.fromDay) == ["2026-11-21"])
        let all = try (first + next).flatMap { try setup.names($0) }
        #expect(all == ["before", "first", "utc-19th", "noon", "last", "after", "late"])
        #expect(Set(all).count == all.count)
        #expect(try setup.store.read { try $0.lastDailyMoFDay() } == "2026-11-21")
    }

    @Test(arguments: TestBackend.available)
    func aDayIsExportedOnceOnlyAfterItClosedAndOnDemandLeavesTheCursor(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        try setup.store.write { try $0.save(Self.boundaryEvents()) }
        let exporter = try setup.exporter()
        // Before midnight + 15 minutes, the 20th is open (a transaction may still be committing its events).
        expectCode(.mofDayOpen) { _ = try exporter.exportDay("2026-11-20", at: Self.at("2026-11-21", "00:10:00")) }
        expectCode(.mofPeriodInvalid) { _ = try exporter.exportDay("2026-11-31", at: Date()) }
        _ = try exporter.exportDay("2026-11-20", at: Self.at("2026-11-21", "00:20:00"))
        let files = try FileManager.default.contentsOfDirectory(atPath: setup.folder.path).count
        expectCode(.mofDayExported) { _ = try exporter.exportDay("2026-11-20", at: Self.at("2026-11-22", "00:00:00")) }
        // The refused export left no file behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.folder.path).count == files)
        // On demand: the period again, marked so; the cursor stays.
        let demanded = try exporter.exportPeriod(
            from: "2026-11-19", to: "2026-11-21", at: Self.at("2026-11-22", "10:00:00"))
        #expect(demanded.mode == .onDemand && demanded.total == 6)
        #expect(try setup.names(demanded) == ["before", "first", "utc-19th", "noon", "last", "after"])
        #expect(try setup.store.read { try $0.lastDailyMoFDay() } == "2026-11-20")
        expectCode(.mofPeriodInvalid) { _ = try exporter.exportPeriod(from: "2026-11-21", to: "2026-11-19") }
    }

    /// Two exporters (two hub processes) export one day at the same moment: the store's unique index lets one
    /// record it; the other is refused and its file removed.
    @Test(arguments: TestBackend.available)
    func twoExportersRacingForOneDayMakeOneExport(_ backend: TestBackend) async throws {
        let setup = try Setup(backend)
        try setup.store.write { try $0.save(Self.boundaryEvents()) }
        let now = Self.at("2026-11-21", "09:00:00")
        let (a, b) = (try setup.exporter(), try setup.exporter())
        async let first = Task.detached { try? a.exportDue(at: now, start: "2026-11-20") }.value
        async let second = Task.detached { try? b.exportDue(at: now, start: "2026-11-20") }.value
        let made = (await first ?? []) + (await second ?? [])
        #expect(made.count == 1)
        #expect(try setup.store.read { try $0.mofExportPage(after: nil, limit: 10) }.exports.count == 1)
        #expect(try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }.count == 1)
        let files = try FileManager.default.contentsOfDirectory(atPath: setup.folder.path)
        #expect(files == ["\(made[0].id).xml"])
    }

    // MARK: Acknowledgements

    static func ack(
        _ export: MoFExportRecord, accepted: Bool = true, digest: String? = nil, id: String? = nil,
        at: Date? = nil, by signer: DocumentSigner? = ministry
    ) throws -> [UInt8] {
        let xml = MoFAcknowledgement(
            exportId: id ?? export.id, sha256: digest ?? export.digest, accepted: accepted,
            reason: accepted ? nil : "counts differ", events: export.total, acknowledgedAt: at ?? Date()
        ).xml()
        return try signer.map { try $0.sign(xml) } ?? xml
    }

    @Test(arguments: TestBackend.available)
    func everyBadAcknowledgementIsRefusedByItsOwnCodeChangesNothingAndIsAudited(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        try setup.store.write { try $0.save(Self.boundaryEvents()) }
        let export = try setup.exporter().exportDay("2026-11-20", at: Date())
        let pinned = Self.ministry.certificate
        let fingerprint = try setup.store.contentFingerprint()
        let cases: [(String, [UInt8], ErrorCode)] = [
            ("malformed", Array("<MoFAcknowledgement".utf8), .mofAckInvalid),
            ("unsigned", try Self.ack(export, by: nil), .mofAckUnsigned),
            ("wrong signer", try Self.ack(export, by: Self.impostor), .mofAckWrongSigner),
            ("unknown export", try Self.ack(export, id: UUID().uuidString.lowercased()), .mofAckUnknownExport),
            ("other bytes", try Self.ack(export, digest: String(repeating: "ab", count: 32)), .mofAckDigestMismatch),
            ("before the export", try Self.ack(export, at: export.createdAt - 3600), .mofAckOutOfOrder),
            (
                "field out of pattern",
                try Self.ministry.sign(
                    Array(
                        String(
                            decoding: MoFAcknowledgement(
                                exportId: export.id, sha256: export.digest, accepted: true,
                                acknowledgedAt: Date()
                            ).xml(), as: UTF8.self
                        )
                        .replacingOccurrences(of: "<Result>accepted", with: "<Result>maybe").utf8)),
                .mofAckInvalid
            ),
        ]
        for (name, bytes, code) in cases {
            let before = try setup.store.read { try $0.lastAudit()?.seq ?? 0 }
            let error = expectCode(code, name) {
                _ = try MoFAcknowledgements.apply(bytes, pinned: pinned, store: setup.store, source: "test")
            }
            _ = error
            #expect(try setup.store.contentFingerprint() == fingerprint, "\(name) changed the ledger")
            let audited = try setup.store.read { try $0.audit(after: before, limit: 10) }
            #expect(audited.map(\.result) == ["refused \(code)"], "\(name)")
            #expect(audited.first?.action == "mof-ack" && audited.first?.channel == "mof")
        }
        // The good one is recorded, once; its replay is refused and changes nothing.
        let good = try Self.ack(export)
        let recorded = try MoFAcknowledgements.apply(good, pinned: pinned, store: setup.store, source: "test")
        #expect(recorded.ackState == .accepted)
        #expect(try setup.store.read { try $0.mofExport(id: export.id) }?.ackState == .accepted)
        let afterGood = try setup.store.contentFingerprint()
        expectCode(.mofAckReplayed) {
            _ = try MoFAcknowledgements.apply(good, pinned: pinned, store: setup.store, source: "test")
        }
        // A later "rejected" for the same export is a replay too: the first answer stands.
        expectCode(.mofAckReplayed) {
            _ = try MoFAcknowledgements.apply(
                try Self.ack(export, accepted: false), pinned: pinned, store: setup.store, source: "test")
        }
        #expect(try setup.store.contentFingerprint() == afterGood)
        #expect(try setup.store.read { try $0.mofExport(id: export.id) }?.ackState == .accepted)
    }

    /// Two copies of one acknowledgement arriving at once (the transport's and an operator's): one records it.
    @Test(arguments: TestBackend.available)
    func oneAcknowledgementAppliedTwiceAtOnceIsRecordedOnce(_ backend: TestBackend) async throws {
        let setup = try Setup(backend)
        let export = try setup.exporter().exportDay("2026-11-20", at: Date())
        let good = try Self.ack(export)
        let (pinned, location) = (Self.ministry.certificate, setup.location)
        let outcomes = await Self.fourAtOnce {
            _ = try MoFAcknowledgements.apply(
                good, pinned: pinned, store: try TestBackend.open(location), source: "race")
        }
        #expect(outcomes == ["MOF_ACK_REPLAYED", "MOF_ACK_REPLAYED", "MOF_ACK_REPLAYED", "ok"])
    }

    /// Runs `body` four times at once (each on its own connection, as the caller opens it): the outcomes sorted,
    /// `ok` or the error's code.
    static func fourAtOnce(_ body: @escaping @Sendable () throws -> Void) async -> [String] {
        await withTaskGroup(of: String.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        try body()
                        return "ok"
                    } catch let error as TanbaError { return error.code.rawValue } catch { return "\(error)" }
                }
            }
            var all: [String] = []
            for await outcome in group { all.append(outcome) }
            return all.sorted()
        }
    }

    // MARK: Reconciliation

    @Test(arguments: TestBackend.available)
    func reconciliationFindsShipmentsWithoutAnSNTSNTsWithoutAShipmentAndQuantitiesThatDiffer(_ backend: TestBackend)
        throws
    {
        let setup = try Setup(backend)
        let noon = Self.at("2026-11-20", "12:00:00")
        try setup.store.write {
            try $0.save(Self.threeTransfers(at: noon) + [Self.event(.withdrawal, at: noon, "not-a-transfer")])
        }
        let hubOnly = try MoFReconciliation.make(store: setup.store, from: "2026-11-20", to: "2026-11-20", pageSize: 2)
        #expect(hubOnly.withoutSNT.map(\.document) == ["no-snt"] && hubOnly.sntWithoutShipment == nil)
        let list = SNTList(
            from: "2026-11-20", to: "2026-11-20", createdAt: noon,
            entries: [
                .init(
                    number: "SNT-1", date: "2026-11-20", seller: "050140001238", buyer: "031240500125",
                    quantities: ["04870001000011": 2]),
                .init(
                    number: "SNT-2", date: "2026-11-20", seller: "050140001238", buyer: "031240500125",
                    quantities: ["04870001000011": 4]),
                .init(
                    number: "SNT-9", date: "2026-11-20", seller: "050140001238", buyer: "031240500125",
                    quantities: ["04870001000011": 1]),
            ])
        let parsed = try SNTList.parse(list.xml())
        #expect(parsed == list)
        let report = try MoFReconciliation.make(store: setup.store, from: "2026-11-20", to: "2026-11-20", list: parsed)
        #expect(report.sntWithoutShipment == ["SNT-9"])
        #expect(report.differences?.map { "\($0.snt) \($0.gtin) \($0.hub)/\($0.snt_)" } == ["SNT-2 04870001000011 5/4"])
        #expect(report.partiesDiffer == [])
        expectCode(.mofSNTListInvalid) {
            _ = try SNTList.parse(
                Array(String(decoding: list.xml(), as: UTF8.self).replacingOccurrences(of: "SNT-9", with: "SNT 9").utf8)
            )
        }
    }

    /// The hub's report as sent: valid against the schema, signed by the hub, read back field for field by the
    /// strict parser; its id made from the period and the findings (the same report twice: one message; a report
    /// whose findings changed: another); misplaced or out-of-pattern elements refused by name; every send audited.
    @Test(arguments: TestBackend.available)
    func theReconciliationReportIsSignedQueuedOnceAndReadBackStrictly(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let noon = Self.at("2026-11-20", "12:00:00")
        func transfer(_ name: String, snt: String?, quantities: String) -> MoFEvent {
            Self.transfer(name, snt: snt, quantities: quantities, at: noon)
        }
        try setup.store.write {
            try $0.save([
                transfer("no-snt", snt: nil, quantities: "04870001000011=1;04870001000028=2.5"),
                transfer("differs", snt: "SNT-2", quantities: "04870001000011=5"),
            ])
        }
        let list = SNTList(
            from: "2026-11-20", to: "2026-11-20", createdAt: noon,
            entries: [
                .init(
                    number: "SNT-2", date: "2026-11-20", seller: "050140001238", buyer: "990140001236",
                    quantities: ["04870001000011": 4]),
                .init(
                    number: "SNT-9", date: "2026-11-20", seller: "050140001238", buyer: "031240500125", quantities: [:]),
            ])
        let reconciliation = try MoFReconciliation.make(
            store: setup.store, from: "2026-11-20", to: "2026-11-20", list: list)
        let first = try reconciliation.send(signer: Self.hub, store: setup.store, at: noon + 3600, source: "test")
        #expect(!first.queuedBefore)
        // The same findings an hour later: the same id, not queued again.
        let again = try reconciliation.send(signer: Self.hub, store: setup.store, at: noon + 7200, source: "test")
        #expect(again.queuedBefore && again.report.reportId == first.report.reportId)
        let queued = try setup.store.read { try $0.queued(OutboxFilter(channel: "mof")) }
        try #require(queued.count == 1)
        #expect(queued[0].kind == MoFReconciliation.kind && queued[0].idempotencyKey == first.report.reportId)
        let document = try XMLDocument.parse(queued[0].body)
        let schemas = try SchemaSet(directory: CoreFixture.repository.appendingPathComponent("xsd/mof"))
        try schemas.validate(document)
        #expect(
            try SignatureVerifier.verify(document, pinnedTo: Self.hub.certificate).certificate == Self.hub.certificate)
        let read = try MoFReconciliationReport.parse(document.root)
        #expect(read.reportId == first.report.reportId && read.from == "2026-11-20")
        #expect(read.withoutSNT.count == 1 && read.withoutSNT[0].document == "no-snt")
        #expect(
            read.withoutSNT[0].lines.map { "\($0.gtin)=\($0.quantity)" } == ["04870001000011=1", "04870001000028=2.5"])
        #expect(read.comparison?.sntWithoutShipment == ["SNT-9"] && read.comparison?.partiesDiffer == ["SNT-2"])
        #expect(
            read.comparison?.differences.map { "\($0.snt) \($0.gtin) \($0.hubQuantity)/\($0.sntQuantity)" } == [
                "SNT-2 04870001000011 5/4"
            ])
        #expect(read.findings() == first.report.findings())
        // Without the list the findings differ: another report, another id.
        let hubOnly = try MoFReconciliation.make(store: setup.store, from: "2026-11-20", to: "2026-11-20")
        #expect(hubOnly.document(createdAt: noon).reportId != first.report.reportId)
        let audit = try setup.store.read { try $0.audit(after: 0, limit: 100) }.filter {
            $0.action == "mof-reconcile-send"
        }
        #expect(audit.map { $0.result.hasPrefix("queued before ") } == [false, true])
        #expect(audit.allSatisfy { $0.object == first.report.reportId && $0.channel == "mof" })

        let text = String(decoding: first.report.xml(), as: UTF8.self)
        for (from, to, element) in [
            ("Period>", "Span>", "Span"), ("<Day>2026-11-20</Day>", "<Day>20.11.2026</Day>", "Day"),
            ("<SNT>SNT-9</SNT>", "<SNT>SNT 9</SNT>", "SNT"),
            ("<Seller>050140001238</Seller>", "<Seller>05</Seller>", "Transfer"),
            ("</PartiesDiffer>", "</PartiesDiffer><Extra/>", "Extra"),
        ] {
            let error = try #require(
                throws: TanbaError.self,
                performing: {
                    _ = try MoFReconciliationReport.parse(
                        try XMLDocument.parse(Array(text.replacingOccurrences(of: from, with: to).utf8)).root)
                })
            #expect(error.code == .mofReconciliationInvalid, "\(element): \(error)")
            #expect(error.diagnostics.first?.path?.contains(element) == true, "\(element): \(error.diagnostics)")
        }
    }

    /// The operators' list of exports (the command line's, the API's and the web page's): newest first, each with
    /// its outbox message's state and failures and the acknowledgement.
    @Test(arguments: TestBackend.available)
    func theExportListShowsEachExportsDeliveryAndAcknowledgement(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        try setup.store.write { try $0.save(Self.boundaryEvents()) }
        let exporter = try setup.exporter()
        let now = Self.at("2026-11-22", "09:00:00")
        let older = try exporter.exportDay("2026-11-20", at: now)
        let newer = try exporter.exportPeriod(from: "2026-11-19", to: "2026-11-21", at: now + 60)
        // The outbox dates its messages by the clock, not by the exporter's `now`.
        let clock = Date() + 5
        let taken = try setup.store.write {
            try $0.claim(channel: "mof", limit: 10, worker: "w", now: clock, leaseUntil: clock + 60)
        }
        try #require(taken.count == 2)
        try setup.store.write { tx in
            for message in taken where message.idempotencyKey == older.id {
                _ = try tx.markFailed(message.seq, error: "HTTP 503 from the Ministry", retryAt: clock, dead: false)
            }
        }
        let listed = try MoFExportView.list(store: setup.store, limit: 10).exports
        #expect(listed.map(\.id) == [newer.id, older.id])
        #expect(listed[1].deliveryState == "pending" && listed[1].failedAttempts == 1)
        #expect(listed[1].delivery == "pending (1 failed)" && listed[1].lastError == "HTTP 503 from the Ministry")
        #expect(listed[0].mode == "onDemand" && listed[0].acknowledgement == "pending" && listed[0].failedAttempts == 0)
        #expect(try MoFExportView.list(store: setup.store, limit: 1).exports.map(\.id) == [newer.id])
    }

    // MARK: The list, a page at a time

    /// A core over a store holding `MoFExportFixture.five`, and one of the hub's operators to ask it.
    static func pagedList(_ backend: TestBackend) throws -> (CoreFixture, Caller, [MoFExportRecord]) {
        let fixture = try CoreFixture(backend)
        try fixture.store.write {
            try $0.save(
                try Participant(id: CoreFixture.inspector, name: "Оператор", isOrganisation: true, roles: [.operator]))
        }
        return (fixture, Caller(participant: CoreFixture.inspector), try MoFExportFixture.five(in: fixture.store))
    }

    /// Failure modes: an export repeated or skipped between pages (two made in the same instant, a page ending
    /// between them), the pages out of order, a last page that promises another, and older exports out of reach.
    @Test(arguments: TestBackend.available)
    func fiveExportsPagedTwoAtATimeComeEachOnceNewestFirstAndTheLastPageHasNoNext(_ backend: TestBackend) throws {
        let (fixture, caller, exports) = try Self.pagedList(backend)
        var pages: [[String]] = []
        var after: String?
        repeat {
            let page = try fixture.core.mofExports([("limit", "2")] + (after.map { [("after", $0)] } ?? []), as: caller)
            pages.append(page.exports.map(\.id))
            after = page.next
        } while after != nil && pages.count < 10
        #expect(pages.map(\.count) == [2, 2, 1])
        #expect(pages.flatMap { $0 } == exports.map(\.id))
        // Exactly as many as asked for is the last page too: no next that leads to an empty one.
        let whole = try fixture.core.mofExports([("limit", "5")], as: caller)
        #expect(whole.exports.map(\.id) == exports.map(\.id) && whole.next == nil)
        // "No more pages" is written as null, beside the exports under their old name.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(whole)) as? [String: Any]
        #expect(json?["next"] is NSNull && (json?["exports"] as? [Any])?.count == 5)
    }

    /// Failure modes: a damaged, made-up or altered cursor, or another list's, read as some position (a page that
    /// is not the one asked for) instead of refused by its parameter's name; the refusal reaching someone who is no
    /// operator before the operator check.
    @Test(arguments: TestBackend.available)
    func aCursorTheListDidNotGiveOutIsRefusedNamingAfter(_ backend: TestBackend) throws {
        let (fixture, caller, _) = try Self.pagedList(backend)
        let real = try #require(try fixture.core.mofExports([("limit", "2")], as: caller).next)
        for (what, cursor) in MoFExportFixture.badCursors(from: real) + [("empty", "")] {
            let error = expectCode(.requestParameterInvalid, what) {
                _ = try fixture.core.mofExports([("limit", "2"), ("after", cursor)], as: caller)
            }
            #expect(error?.message.hasPrefix("query parameter 'after'") == true, "\(what): \(error?.message ?? "")")
        }
        #expect(try fixture.core.mofExports([("limit", "2"), ("after", real)], as: caller).exports.count == 2)
        expectCode(.authForbidden) {
            _ = try fixture.core.mofExports([("after", "not a cursor!")], as: Caller(participant: CoreFixture.seller))
        }
    }
}
