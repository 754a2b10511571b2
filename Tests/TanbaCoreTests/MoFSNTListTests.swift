import Foundation
import TanbaCore
import TanbaErrors
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

/// The Ministry's signed SNT lists kept in the store, on both stores. Failure modes: a list kept that the Ministry
/// did not sign (unsigned, another signer, altered after signing) or that is not our schema's; an older list
/// replacing a newer one (replayed, or out of order); the same list kept twice; two imports at once leaving both
/// lists' SNTs, or duplicate rows; a newer list leaving the SNTs it replaces; a refusal that changes something or
/// is not audited; reconciliation with the kept SNTs answering otherwise than with the list itself.
@Suite struct MoFSNTListTests {
    static let seller = "050140001238"
    static let buyer = "031240500125"
    static let gtin = "04870001000011"

    /// A list of `from`…`to` made at `created` (Kazakhstan's noon of `from` plus that many hours) with one SNT per
    /// `numbers` entry, dated by the day after the colon (`"SNT-1:2026-11-20"`), 2 of `gtin` each.
    static func list(_ from: String, _ to: String, created: Double, _ numbers: [String]) -> SNTList {
        SNTList(
            from: from, to: to, createdAt: MoFExportTests.at(from, "12:00:00") + created * 3600,
            entries: numbers.map {
                let parts = $0.split(separator: ":").map(String.init)
                return .init(number: parts[0], date: parts[1], seller: seller, buyer: buyer, quantities: [gtin: 2])
            })
    }

    static func signed(_ list: SNTList, by signer: DocumentSigner? = MoFExportTests.ministry) throws -> [UInt8] {
        try signer.map { try $0.sign(list.xml()) } ?? list.xml()
    }

    struct Setup {
        let location: String
        let store: any HubStore

        init(_ backend: TestBackend) throws {
            location = try backend.makeLocation()
            store = try TestBackend.open(location)
        }

        @discardableResult
        func load(_ bytes: [UInt8], at now: Date = Date()) throws -> MoFSNTLists.Imported {
            try MoFSNTLists.import(
                bytes, pinned: MoFExportTests.ministry.certificate, store: store, at: now, source: "test")
        }

        func numbers(_ from: String = "2026-11-01", _ to: String = "2026-11-30") throws -> [String] {
            try store.read { try $0.snts(from: from, to: to) }.map { "\($0.number):\($0.day)" }
        }

        func audit(after seq: Int64) throws -> [AuditRecord] {
            try store.read { try $0.audit(after: seq, limit: 50) }.filter { $0.action == MoFSNTLists.action }
        }

        var lastSeq: Int64 { get throws { try store.read { try $0.lastAudit()?.seq ?? 0 } } }
    }

    @Test(arguments: TestBackend.available)
    func aSignedListIsKeptWithItsSNTsAndLinesAndAudited(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        var list = Self.list("2026-11-20", "2026-11-21", created: 0, ["SNT-1:2026-11-20", "SNT-2:2026-11-21"])
        list.entries[1].quantities = [Self.gtin: Decimal(string: "2.5")!, "04870001000028": 7]
        let bytes = try Self.signed(list)
        let imported = try setup.load(bytes)
        #expect(!imported.unchanged && imported.replacedDays == 0)
        #expect(
            imported.list.fromDay == "2026-11-20" && imported.list.toDay == "2026-11-21" && imported.list.count == 2)
        #expect(imported.list.createdAt == list.createdAt)
        let kept = try setup.store.read { try $0.snts(from: "2026-11-20", to: "2026-11-21") }
        #expect(kept.map(\.number) == ["SNT-1", "SNT-2"] && kept.allSatisfy { $0.list == imported.list.digest })
        #expect(kept[1].quantities == [Self.gtin: "2.5", "04870001000028": "7"] && kept[1].seller == Self.seller)
        let held = try #require(try setup.store.read { try $0.sntList(digest: imported.list.digest) })
        #expect(held.fromDay == "2026-11-20" && held.toDay == "2026-11-21" && held.count == 2)
        #expect(
            held.createdAt == list.createdAt && abs(held.importedAt.timeIntervalSince(imported.list.importedAt)) < 0.001
        )
        let coverage = try setup.store.read { try $0.sntCoverage(from: "2026-11-19", to: "2026-11-22") }
        #expect(coverage.keys.sorted() == ["2026-11-20", "2026-11-21"])
        #expect(try setup.numbers("2026-11-21", "2026-11-21") == ["SNT-2:2026-11-21"])
        let audit = try setup.audit(after: 0)
        #expect(audit.count == 1 && audit[0].channel == "mof" && audit[0].object == imported.list.digest)
        #expect(audit[0].result == "imported 2026-11-20…2026-11-21: 2 SNT(s), 0 day(s) replaced")
        // The format: valid against the schema, read back the same by the strict parser.
        let document = try XMLDocument.parse(bytes)
        try SchemaSet(directory: CoreFixture.repository.appendingPathComponent("xsd/mof")).validate(document)
        #expect(try SNTList.parse(document.root) == list)
    }

    @Test(arguments: TestBackend.available)
    func everyBadListIsRefusedByItsCodeChangesNothingAndIsAudited(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let newer = Self.list("2026-11-20", "2026-11-20", created: 2, ["SNT-1:2026-11-20"])
        try setup.load(try Self.signed(newer))
        let fingerprint = try setup.store.contentFingerprint()
        let good = String(
            decoding: try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 3, ["SNT-5:2026-11-20"])),
            as: UTF8.self)
        let unsignedBadSeller = String(
            decoding: Self.list("2026-11-20", "2026-11-20", created: 4, ["SNT-6:2026-11-20"]).xml(), as: UTF8.self
        )
        .replacingOccurrences(of: "<Seller>\(Self.seller)</Seller>", with: "<Seller>05014</Seller>")
        let cases: [(String, [UInt8], ErrorCode, String?)] = [
            ("not XML", Array("<SNTList".utf8), .mofSNTListInvalid, nil),
            (
                "unsigned", try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 3, []), by: nil),
                .mofSNTListUnsigned, nil
            ),
            (
                "wrong signer",
                try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 3, []), by: MoFExportTests.impostor),
                .mofSNTListWrongSigner, nil
            ),
            (
                "tampered",
                Array(good.replacingOccurrences(of: "<Quantity>2</Quantity>", with: "<Quantity>20</Quantity>").utf8),
                .mofSNTListWrongSigner, nil
            ),
            (
                "malformed: a seller out of pattern", try MoFExportTests.ministry.sign(Array(unsignedBadSeller.utf8)),
                .mofSNTListInvalid, "Seller"
            ),
            (
                "malformed: an SNT dated outside the period",
                try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 3, ["SNT-7:2026-11-22"])),
                .mofSNTListInvalid, "SNT"
            ),
            (
                "malformed: no CreatedAt",
                try MoFExportTests.ministry.sign(
                    Array(
                        String(decoding: Self.list("2026-11-20", "2026-11-20", created: 3, []).xml(), as: UTF8.self)
                            .replacingOccurrences(
                                of: #"<CreatedAt>[^<]*</CreatedAt>"#, with: "", options: .regularExpression
                            )
                            .utf8)), .mofSNTListInvalid, "CreatedAt"
            ),
            (
                "replayed: older than the list held",
                try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 1, ["SNT-9:2026-11-20"])),
                .mofSNTListOutOfOrder, nil
            ),
            (
                "as old as the list held, other contents",
                try Self.signed(Self.list("2026-11-19", "2026-11-20", created: 2 + 24, ["SNT-9:2026-11-19"])),
                .mofSNTListOutOfOrder, nil
            ),
        ]
        for (name, bytes, code, element) in cases {
            let before = try setup.lastSeq
            let error = expectCode(code, name) { try setup.load(bytes) }
            if let element {
                // Named: the element's path, or the message where the element is missing.
                let named = (error?.diagnostics.first?.path ?? "") + " " + (error?.message ?? "")
                #expect(named.contains(element), "\(name): \(named)")
            }
            #expect(try setup.store.contentFingerprint() == fingerprint, "\(name) changed the store")
            let audited = try setup.audit(after: before)
            #expect(audited.map(\.result) == ["refused \(code)"], "\(name)")
            #expect(audited.first?.channel == "mof", "\(name)")
        }
        #expect(try setup.numbers() == ["SNT-1:2026-11-20"])
    }

    @Test(arguments: TestBackend.available)
    func theSameListTwiceChangesNothingAndIsReportedUnchanged(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let bytes = try Self.signed(Self.list("2026-11-20", "2026-11-20", created: 0, ["SNT-1:2026-11-20"]))
        let first = try setup.load(bytes)
        let fingerprint = try setup.store.contentFingerprint()
        let again = try setup.load(bytes, at: Date() + 60)
        #expect(
            again.unchanged && again.list.digest == first.list.digest && again.list.createdAt == first.list.createdAt)
        #expect(abs(again.list.importedAt.timeIntervalSince(first.list.importedAt)) < 0.001)
        #expect(try setup.store.contentFingerprint() == fingerprint)
        #expect(try setup.audit(after: 0).map(\.result).last == "unchanged: imported before")
    }

    /// A newer list for an overlapping period: the SNTs of the days it covers are its own, the older list's other
    /// days stay.
    @Test(arguments: TestBackend.available)
    func aNewerListReplacesWhatAnOlderOneHeldForTheDaysItCovers(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let older = try setup.load(
            try Self.signed(
                Self.list("2026-11-20", "2026-11-21", created: 0, ["SNT-1:2026-11-20", "SNT-2:2026-11-21"])))
        let newer = try setup.load(
            try Self.signed(
                Self.list("2026-11-21", "2026-11-22", created: 1, ["SNT-3:2026-11-21", "SNT-4:2026-11-22"])))
        #expect(newer.replacedDays == 1)
        #expect(try setup.numbers() == ["SNT-1:2026-11-20", "SNT-3:2026-11-21", "SNT-4:2026-11-22"])
        let coverage = try setup.store.read { try $0.sntCoverage(from: "2026-11-20", to: "2026-11-22") }
        #expect(
            coverage.mapValues(\.list) == [
                "2026-11-20": older.list.digest, "2026-11-21": newer.list.digest, "2026-11-22": newer.list.digest,
            ])
        let lists = try setup.store.read {
            try $0.sntListPage(from: "2026-11-20", to: "2026-11-20", after: nil, limit: 200).lists
        }
        #expect(lists.map(\.digest) == [older.list.digest])
        #expect(
            try setup.store.read {
                try $0.sntListPage(from: "2026-11-01", to: "2026-11-30", after: nil, limit: 200).lists
            }.count == 2)
    }

    /// The order does not rest on the decision read before the write: the store itself (its unique key and its
    /// conditional upsert) refuses an older list for a day held, and the same list again, whatever its caller
    /// checked — what happens when another import commits between a decision and its write. Nothing is kept of
    /// the refused write.
    @Test(arguments: TestBackend.available)
    func theStoreItselfRefusesAnOlderListForADayHeldAndTheSameListAgain(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        func record(_ digest: String, hours: Double) -> SNTListRecord {
            SNTListRecord(
                digest: digest, fromDay: "2026-11-20", toDay: "2026-11-21",
                createdAt: MoFExportTests.at("2026-11-20", "12:00:00") + hours * 3600, importedAt: Date(), count: 1)
        }
        func snt(_ number: String, _ list: String) -> SNTRecord {
            SNTRecord(
                number: number, day: "2026-11-21", seller: Self.seller, buyer: Self.buyer, quantities: [Self.gtin: "1"],
                list: list)
        }
        let days = ["2026-11-20", "2026-11-21"]
        try setup.store.write { try $0.save(record("b", hours: 1), days: days, snts: [snt("NEW", "b")]) }
        let fingerprint = try setup.store.contentFingerprint()
        expectCode(.mofSNTListOutOfOrder, "older") {
            try setup.store.write { try $0.save(record("a", hours: 0), days: days, snts: [snt("OLD", "a")]) }
        }
        expectCode(.mofSNTListOutOfOrder, "as old") {
            try setup.store.write { try $0.save(record("c", hours: 1), days: days, snts: [snt("OLD", "c")]) }
        }
        expectCode(.storeConflict, "the same list") {
            try setup.store.write { try $0.save(record("b", hours: 2), days: days, snts: [snt("NEW", "b")]) }
        }
        #expect(try setup.store.contentFingerprint() == fingerprint)
        #expect(try setup.numbers() == ["NEW:2026-11-21"])
    }

    /// Two lists of one period imported at once, over and over: whichever commits first, the newer one is in force
    /// afterwards, with its SNTs only, once each; the older one either was replaced or was refused as out of order.
    /// Two copies of one list at once: one imported, the other unchanged.
    @Test(arguments: TestBackend.available)
    func twoImportsRacingKeepOneOrderAndNoDuplicateRows(_ backend: TestBackend) async throws {
        for round in 0..<4 {
            let setup = try Setup(backend)
            let older = try Self.signed(
                Self.list("2026-11-20", "2026-11-22", created: 0, ["OLD-1:2026-11-20", "OLD-2:2026-11-22"]))
            let newer = try Self.signed(
                Self.list("2026-11-21", "2026-11-23", created: 1, ["NEW-1:2026-11-21", "NEW-2:2026-11-23"]))
            let location = setup.location
            let outcomes = await withTaskGroup(of: String.self) { group in
                for (name, bytes) in [("older", older), ("newer", newer), ("newer", newer)] {
                    group.addTask {
                        do {
                            let imported = try MoFSNTLists.import(
                                bytes, pinned: MoFExportTests.ministry.certificate,
                                store: try TestBackend.open(location), source: "race")
                            return "\(name) \(imported.unchanged ? "unchanged" : "imported")"
                        } catch let error as TanbaError { return "\(name) \(error.code)" } catch {
                            return "\(name) \(error)"
                        }
                    }
                }
                var all: [String] = []
                for await outcome in group { all.append(outcome) }
                return all.sorted()
            }
            #expect(
                outcomes == ["newer imported", "newer unchanged", "older imported"]
                    || outcomes == ["newer imported", "newer unchanged", "older MOF_SNT_LIST_OUT_OF_ORDER"],
                "round \(round): \(outcomes)")
            // The older list, imported first, keeps only the day the newer one does not cover; refused, nothing.
            let numbers = try setup.numbers()
            #expect(
                numbers
                    == (outcomes.contains("older imported")
                        ? ["OLD-1:2026-11-20", "NEW-1:2026-11-21", "NEW-2:2026-11-23"]
                        : ["NEW-1:2026-11-21", "NEW-2:2026-11-23"]),
                "round \(round): \(numbers)")
            let lists = try setup.store.read {
                try $0.sntListPage(from: "2026-11-01", to: "2026-11-30", after: nil, limit: 200).lists
            }
            #expect(Set(lists.map(\.digest)).count == lists.count)
            #expect(lists.count == (outcomes.contains("older imported") ? 2 : 1), "round \(round)")
            let imports = try setup.audit(after: 0).map(\.result)
            #expect(imports.count == 3, "round \(round): \(imports)")
        }
    }

    /// Reconciliation with the kept SNTs answers as with the list itself, and says nothing is compared when no list
    /// covers the period.
    @Test(arguments: TestBackend.available)
    func reconcilingWithTheKeptSNTsAnswersAsWithTheList(_ backend: TestBackend) throws {
        let setup = try Setup(backend)
        let noon = MoFExportTests.at("2026-11-20", "12:00:00")
        try setup.store.write { try $0.save(MoFExportTests.threeTransfers(at: noon)) }
        #expect(try MoFSNTLists.stored(store: setup.store, from: "2026-11-20", to: "2026-11-20") == nil)
        var list = Self.list(
            "2026-11-20", "2026-11-20", created: 0, ["SNT-1:2026-11-20", "SNT-2:2026-11-20", "SNT-9:2026-11-20"])
        list.entries[1].buyer = "990140001236"
        try setup.load(try Self.signed(list))
        let stored = try #require(try MoFSNTLists.stored(store: setup.store, from: "2026-11-20", to: "2026-11-20"))
        #expect(stored.daysCovered == 1 && stored.lists.count == 1)
        let withList = try MoFReconciliation.make(store: setup.store, from: "2026-11-20", to: "2026-11-20", list: list)
        let withStored = try MoFReconciliation.make(
            store: setup.store, from: "2026-11-20", to: "2026-11-20", list: stored.list)
        #expect(withStored.sntWithoutShipment == ["SNT-9"] && withStored.partiesDiffer == ["SNT-2"])
        #expect(
            withStored.differences?.map { "\($0.snt) \($0.gtin) \($0.hub)/\($0.snt_)" } == ["SNT-2 \(Self.gtin) 5/2"])
        #expect(withStored.sntWithoutShipment == withList.sntWithoutShipment)
        #expect(withStored.differences == withList.differences && withStored.partiesDiffer == withList.partiesDiffer)
        #expect(withStored.withoutSNT == withList.withoutSNT)
        #expect(
            withStored.document(createdAt: noon).findings() == withList.document(createdAt: noon).findings())
    }
}
