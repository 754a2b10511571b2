import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

@testable import TanbaPipeline

/// A store with an OFD, a shop, shoes in circulation owned by the shop (codes with their tails, in the national
/// format), and the intake over it.
final class FiscalWorld: @unchecked Sendable {
    static let ofd = TestPKI.ofdBIN
    static let shop = World.seller
    static let shoes = "04870001000073"
    static let register = "620300012345"

    let store: any HubStore
    let pipeline: DocumentPipeline
    let intake: FiscalIntake
    /// Every code's record, in issue order: `codes` in circulation, then `applied` (printed, not introduced).
    let records: [CodeRecord]
    let codes: [String]
    let applied: String
    /// The key the world's codes were issued with.
    let emissionKey: EmissionKey
    /// Group packages made by `group(_:)`, scannable like the units.
    private(set) var packages: [CodeRecord] = []

    init(backend: TestBackend, count: Int = 6) throws {
        store = try backend.makeStore()
        pipeline = DocumentPipeline(
            store: store, schemas: World.schemas, verifier: World.verifier, reference: World.reference, hub: World.hub)
        intake = FiscalIntake(pipeline: pipeline)
        try store.write { tx in
            try tx.save(
                try Participant(
                    id: Self.shop, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.wholesaler, .retailer], productGroups: ["shoes"]))
            try tx.save(
                try Participant(id: Self.ofd, name: "ТОО «Тест ОФД»", isOrganisation: true, roles: [.ofd]))
            try tx.save(
                try Participant(
                    id: World.buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true, roles: [.retailer],
                    productGroups: ["shoes"]))
            try tx.save([
                try ProductCard(
                    gtin: Self.shoes, name: "Етік", manufacturer: "ТОО", tnved: "6403990000", productGroup: "shoes",
                    country: "KZ")
            ])
        }
        let format = World.reference.codeFormat(ofGroup: "shoes")!
        let key = EmissionKey.generate()
        emissionKey = key
        try store.write { try $0.save(StoredEmissionKey(id: key.id, secret: key.exported, createdAt: Date())) }
        let issued = try CodeEmitter(key: key, format: format).issue(
            gtin: Self.shoes, count: count + 1, owner: Self.shop, at: Date())
        let ledger = Ledger(store: store)
        try ledger.issue(issued, order: "ORDER-F")
        let ids = issued.map(\.id)
        _ = try ledger.perform(.apply(by: Self.shop), on: ids, document: "APP-F", at: Date())
        _ = try ledger.perform(.introduce(by: Self.shop), on: Array(ids.prefix(count)), document: "INTRO-F", at: Date())
        records = issued
        codes = Array(ids.prefix(count))
        applied = ids[count]
    }

    /// A group package of the shoes' pack GTIN (a card of its own in the same product group), issued with its tail
    /// like a unit, in circulation with the shop, holding `contents`. The hub's own documents make transport
    /// packages only; a group package comes from a manufacturer's aggregation (as the samples' walk seeds them).
    func group(_ contents: [String]) throws -> String {
        let pack = "04870001000080"
        try store.write { tx in
            try tx.save([
                try ProductCard(
                    gtin: pack, name: "Етік, қорап 2", manufacturer: "ТОО", tnved: "6403990000",
                    productGroup: "shoes", country: "KZ")
            ])
        }
        let unit = try CodeEmitter(key: emissionKey, format: World.reference.codeFormat(ofGroup: "shoes")!)
            .issue(gtin: pack, count: 1, owner: Self.shop, at: Date())[0]
        let package = CodeRecord(
            id: unit.id, level: .group, gtin: pack, status: .inCirculation, owner: Self.shop, emitter: Self.shop,
            keyID: unit.keyID, verificationCode: unit.verificationCode, issuedAt: unit.issuedAt)
        try store.write { try $0.insert([package], origin: "ORDER-G") }
        try Ledger(store: store).aggregate(contents, into: package.id, by: Self.shop, document: "AGG-G", at: Date())
        packages.append(package)
        return package.id
    }

    /// The code as a till scans it: the bracketed form with its tail.
    func scanned(_ id: String) -> String {
        let record = (records + packages).first { $0.id == id }!
        return GS1.bracketed(World.reference.codeFormat(ofGroup: "shoes")!.elements(of: record))
    }

    struct Receipt {
        var sign: String
        var kind = "sale"
        var codes: [String]
        var seller = FiscalWorld.shop
        var register = FiscalWorld.register
    }

    func batch(_ id: String, _ receipts: [Receipt], ofd: String = FiscalWorld.ofd, quantity: String = "1") -> String {
        let body = receipts.map { receipt in
            """
                <Receipt>
                  <Register><RegistrationNumber>\(receipt.register)</RegistrationNumber></Register>
                  <FiscalSign>\(receipt.sign)</FiscalSign>
                  <DateTime>2026-11-25T14:03:12+05:00</DateTime>
                  <Seller>\(receipt.seller)</Seller>
                  <Kind>\(receipt.kind)</Kind>
                  <Lines>
            \(receipt.codes.map { "        <Line><Code>\(XMLText.escape(scanned($0)))</Code><Price>1250.00</Price><Quantity>\(quantity)</Quantity></Line>" }.joined(separator: "\n"))
                  </Lines>
                </Receipt>
            """
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <FiscalReceipts xmlns="urn:kz:tanba:fiscal-receipts:1" version="1.0">
              <BatchId>\(id)</BatchId>
              <Operator>\(ofd)</Operator>
              <Receipts>
            \(body)
              </Receipts>
            </FiscalReceipts>

            """
    }

    static func signed(_ xml: String, by participant: TestPKI.Participant = .ofd) throws -> [UInt8] {
        try World.signed(xml, by: participant)
    }

    func submit(_ bytes: [UInt8], now: Date = Date()) throws -> FiscalAnswer {
        try intake.submit(bytes, now: now) { facts in
            Audit.Event(
                iin: facts.signer?.iin, participant: facts.ofd, channel: "test", action: "fiscal-receipts",
                object: facts.batch, result: facts.result)
        }
    }

    func code(_ id: String) throws -> CodeRecord { try store.read { try $0.code(id)! } }

    func fiscalViolations() throws -> [ViolationReport] {
        var filter = ViolationFilter(limit: 500)
        filter.source = .fiscal
        return try store.read { try $0.violations(filter) }.reports
    }
}

@Suite struct FiscalIntakeTests {
    /// A sale withdraws the code as a retail sale, its history names the receipt; the same batch again changes
    /// nothing and gets the same lines' outcomes, its receipt `repeated`.
    @Test(arguments: TestBackend.available) func aSaleWithdrawsAndItsRepeatChangesNothing(_ backend: TestBackend)
        throws
    {
        let world = try FiscalWorld(backend: backend)
        let batch = try FiscalWorld.signed(world.batch("B-1", [.init(sign: "1001", codes: [world.codes[0]])]))
        let first = try world.submit(batch)
        #expect(first.applied == 1 && first.repeated == 0 && first.violations == 0)
        #expect(first.receipts.first?.lines.map(\.outcome) == ["applied"])
        let sold = try world.code(world.codes[0])
        #expect(sold.status == .withdrawn && sold.withdrawalReason == .retailSale)
        let history = try world.store.read { try $0.events(of: world.codes[0]) }
        #expect(history.last?.operation == "withdraw" && history.last?.document == "FR-\(FiscalWorld.register)-1001")
        let fingerprint = try world.store.contentFingerprint()
        let again = try world.submit(batch)
        #expect(again.applied == 0 && again.repeated == 1)
        #expect(again.receipts.map(\.lines.count) == first.receipts.map(\.lines.count))
        #expect(again.receipts[0].lines.map(\.outcome) == first.receipts[0].lines.map(\.outcome))
        #expect(try world.store.contentFingerprint() == fingerprint)
        #expect(try Audit.verify(world.store) == 2)
    }

    /// An OFD retrying one batch 8 times at once: applied once; every copy answered, 1 applied and 7 repeated.
    @Test(.blocking, arguments: TestBackend.available) func eightCopiesOfOneBatchAtOnceApplyItOnce(
        _ backend: TestBackend
    ) throws {
        let world = try FiscalWorld(backend: backend)
        let batch = try FiscalWorld.signed(
            world.batch(
                "B-RACE",
                [
                    .init(sign: "2001", codes: [world.codes[0], world.codes[1]]),
                    .init(sign: "2002", codes: [world.codes[2]]),
                ]))
        let answers = try RaceTests.race(8) { _ in try world.submit(batch) }.map { try $0.get() }
        #expect(answers.map(\.applied).reduce(0, +) == 2, "\(answers.map(\.outcome))")
        #expect(answers.map(\.repeated).reduce(0, +) == 14)
        #expect(answers.allSatisfy { $0.violations == 0 && $0.conflicts == 0 })
        for code in world.codes.prefix(3) { #expect(try world.code(code).status == .withdrawn) }
        // One withdrawal each in the history, not eight.
        let history = try world.store.read { try $0.events(of: world.codes[0]) }
        #expect(history.filter { $0.operation == "withdraw" }.count == 1)
        #expect(try world.fiscalViolations().isEmpty)
    }

    /// A code sold twice: the second sale is recorded with its violation, the code stays as the first sale left
    /// it, and the inspectors see one `soldTwice` of source `fiscal` with the code, GTIN, seller and register —
    /// once, however often the batch comes again.
    @Test(arguments: TestBackend.available) func aSecondSaleIsAViolationInTheInspectorsList(_ backend: TestBackend)
        throws
    {
        let world = try FiscalWorld(backend: backend)
        let code = world.codes[0]
        _ = try world.submit(try FiscalWorld.signed(world.batch("B-1", [.init(sign: "1", codes: [code])])))
        let second = try FiscalWorld.signed(world.batch("B-2", [.init(sign: "2", codes: [code])]))
        let answer = try world.submit(second)
        #expect(answer.applied == 1 && answer.violations == 1)
        #expect(answer.receipts[0].lines[0].outcome == "violation")
        #expect(answer.receipts[0].lines[0].violation == "soldTwice")
        let reports = try world.fiscalViolations()
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(report.kind == .soldTwice && report.source == .fiscal && report.code == code)
        #expect(report.gtin == FiscalWorld.shoes && report.productGroup == "shoes")
        #expect(report.participant == FiscalWorld.shop)
        #expect(report.shop?.contains(FiscalWorld.register) == true)
        // The inspectors' filters find it.
        var filter = ViolationFilter()
        filter.kind = .soldTwice
        filter.code = code
        filter.participant = FiscalWorld.shop
        #expect(try world.store.read { try $0.violations(filter) }.reports.map(\.reference) == [report.reference])
        _ = try world.submit(second)
        #expect(try world.fiscalViolations().count == 1)
        // Both receipts name the code: the sale that applied (found through the code's history), the second sale
        // (its violation line, through the index of violations' codes); a code no receipt sold, none.
        #expect(
            try world.intake.receipts(code: code).map(\.id).sorted() == [
                "FR-\(FiscalWorld.register)-1", "FR-\(FiscalWorld.register)-2",
            ])
        #expect(try world.intake.receipts(code: world.codes[1]).isEmpty)
    }

    /// Sales of codes not in circulation (printed but not introduced, never issued) and of another's code.
    @Test(arguments: TestBackend.available) func salesOutOfCirculationOrNotOwnedAreFlagged(_ backend: TestBackend)
        throws
    {
        let world = try FiscalWorld(backend: backend)
        let other = FiscalWorld.Receipt(sign: "3", codes: [world.codes[1]], seller: World.buyer)
        let answer = try world.submit(
            try FiscalWorld.signed(
                world.batch("B-3", [.init(sign: "1", codes: [world.applied]), other])))
        #expect(answer.receipts.map { $0.lines[0].violation } == ["soldOutOfCirculation", "soldNotOwned"])
        #expect(try world.code(world.applied).status == .applied)
        #expect(try world.code(world.codes[1]).status == .inCirculation)
        #expect(Set(try world.fiscalViolations().map(\.kind)) == [.soldOutOfCirculation, .soldNotOwned])
    }

    /// A label with a tail other than the one the hub issued (copied from another code, or made up) is sold: the
    /// line is a `notGenuine` violation and the genuine code stays in circulation.
    @Test(arguments: TestBackend.available) func aSaleOfAForgedLabelIsFlaggedAndLeavesTheGenuineCode(
        _ backend: TestBackend
    ) throws {
        let world = try FiscalWorld(backend: backend)
        let genuine = world.records.first { $0.id == world.codes[2] }!
        let tail = genuine.verificationCode!
        let forgedTail = String(tail.dropLast()) + (tail.hasSuffix("A") ? "B" : "A")
        let forged = CodeRecord(
            id: genuine.id, level: genuine.level, gtin: genuine.gtin, status: genuine.status, owner: genuine.owner,
            emitter: genuine.emitter, keyID: genuine.keyID, verificationCode: forgedTail, issuedAt: genuine.issuedAt)
        let forgedText = GS1.bracketed(World.reference.codeFormat(ofGroup: "shoes")!.elements(of: forged))
        let xml = world.batch("B-F", [.init(sign: "71", codes: [world.codes[2]])]).replacingOccurrences(
            of: XMLText.escape(world.scanned(world.codes[2])), with: XMLText.escape(forgedText))
        let answer = try world.submit(try FiscalWorld.signed(xml))
        #expect(answer.receipts.first?.lines.first?.violation == "notGenuine", "\(answer.receipts)")
        #expect(try world.code(world.codes[2]).status == .inCirculation)
        #expect(try world.fiscalViolations().map(\.kind) == [.notGenuine])
    }

    /// A refund puts a sold code back into circulation; a refund of a code not sold is flagged.
    @Test(arguments: TestBackend.available) func aRefundReturnsTheCodeAndAnUnsoldRefundIsFlagged(
        _ backend: TestBackend
    ) throws {
        let world = try FiscalWorld(backend: backend)
        let code = world.codes[0]
        let answer = try world.submit(
            try FiscalWorld.signed(
                world.batch(
                    "B-R",
                    [
                        .init(sign: "10", codes: [code]), .init(sign: "11", kind: "refund", codes: [code]),
                        .init(sign: "12", kind: "refund", codes: [world.codes[1]]),
                    ])))
        #expect(answer.receipts.map { $0.lines[0].outcome } == ["applied", "applied", "violation"])
        #expect(answer.receipts[2].lines[0].violation == "refundNotSold")
        let returned = try world.code(code)
        #expect(returned.status == .inCirculation && returned.withdrawalReason == nil)
        let operations = try world.store.read { try $0.events(of: code) }.map(\.operation)
        #expect(operations.suffix(2) == ["withdraw", "return"])
        #expect(try world.code(world.codes[1]).status == .inCirculation)
        #expect(try world.fiscalViolations().map(\.kind) == [.refundNotSold])
    }

    /// A group package sold at a till (a box of two): a unit sold from the opened box first leaves it; the box's sale
    /// then withdraws the box and what is still inside, each with the receipt in its history; a second sale of the
    /// box is `soldTwice` and changes nothing; its refund returns the box and its contents, not the unit sold
    /// alone. Packages go through `Ledger.perform` after the batch's pending unit changes, so the order matters.
    @Test(arguments: TestBackend.available) func aGroupPackageSoldAndRefundedMovesWhatIsInside(
        _ backend: TestBackend
    ) throws {
        let world = try FiscalWorld(backend: backend)
        let (alone, inside) = (world.codes[0], world.codes[1])
        let box = try world.group([alone, inside])
        #expect(try world.code(alone).parent == box)
        let sold = try world.submit(
            try FiscalWorld.signed(
                world.batch(
                    "B-G1",
                    [
                        .init(sign: "31", codes: [alone]), .init(sign: "32", codes: [box, world.codes[2]]),
                    ])))
        #expect(sold.applied == 2 && sold.violations == 0, "\(sold.receipts.map(\.lines))")
        for id in [alone, box, inside, world.codes[2]] {
            let code = try world.code(id)
            #expect(code.status == .withdrawn && code.withdrawalReason == .retailSale, "\(id)")
        }
        #expect(try world.code(alone).parent == nil)
        #expect(try world.code(inside).parent == box)
        let receipt = "FR-\(FiscalWorld.register)-32"
        for id in [box, inside] {
            let last = try world.store.read { try $0.events(of: id) }.last
            #expect(last?.operation == "withdraw" && last?.document == receipt, "\(id)")
        }
        #expect(try world.store.read { try $0.events(of: alone) }.last?.document == "FR-\(FiscalWorld.register)-31")

        let before = try [box, inside].map(world.code)
        let again = try world.submit(
            try FiscalWorld.signed(world.batch("B-G2", [.init(sign: "33", codes: [box])])))
        #expect(again.receipts[0].lines.map(\.violation) == ["soldTwice"])
        #expect(try [box, inside].map(world.code) == before)

        let refund = try world.submit(
            try FiscalWorld.signed(world.batch("B-G3", [.init(sign: "34", kind: "refund", codes: [box])])))
        #expect(refund.receipts[0].lines.map(\.outcome) == ["applied"], "\(refund.receipts[0].lines)")
        for id in [box, inside] { #expect(try world.code(id).status == .inCirculation, "\(id)") }
        #expect(try world.code(alone).status == .withdrawn)
        #expect(try world.fiscalViolations().map(\.kind) == [.soldTwice])
        #expect(try Audit.verify(world.store) == 3)
        // The receipts naming each code: the box's sale, its violation (a second sale) and its refund; the unit sold
        // alone its own; the unit inside none (it moved with the box, but no receipt names it).
        let register = FiscalWorld.register
        #expect(
            try world.intake.receipts(code: box).map(\.id).sorted()
                == ["32", "33", "34"].map { "FR-\(register)-\($0)" })
        #expect(try world.intake.receipts(code: alone).map(\.id) == ["FR-\(register)-31"])
        #expect(try world.intake.receipts(code: inside).isEmpty)
        #expect(try world.intake.receipts(code: world.codes[2]).map(\.id) == ["FR-\(register)-32"])
    }

    /// A batch seen in part: its new receipts apply, its old ones answer as before; one with a recorded key and
    /// other content is a conflict, the recorded one stands.
    @Test(arguments: TestBackend.available) func aBatchPartlySeenBeforeAppliesOnlyItsNewReceipts(
        _ backend: TestBackend
    ) throws {
        let world = try FiscalWorld(backend: backend)
        _ = try world.submit(try FiscalWorld.signed(world.batch("B-1", [.init(sign: "1", codes: [world.codes[0]])])))
        let answer = try world.submit(
            try FiscalWorld.signed(
                world.batch(
                    "B-2",
                    [
                        .init(sign: "1", codes: [world.codes[0]]), .init(sign: "2", codes: [world.codes[1]]),
                    ])))
        #expect(answer.receipts.map(\.status) == ["repeated", "applied"])
        let conflict = try world.submit(
            try FiscalWorld.signed(world.batch("B-3", [.init(sign: "2", codes: [world.codes[2]])])))
        #expect(conflict.receipts.map(\.status) == ["conflict"])
        #expect(conflict.receipts[0].error?.hasPrefix("FISCAL_RECEIPT_CONFLICT") == true)
        #expect(try world.code(world.codes[2]).status == .inCirculation)
    }

    /// A receipt a batch carries twice (one register, one fiscal sign) is refused by the schema's unique key, at
    /// the second copy, and nothing of the batch is applied.
    @Test(arguments: TestBackend.available) func aReceiptTwiceInOneBatchIsRefused(_ backend: TestBackend) throws {
        let world = try FiscalWorld(backend: backend)
        let error = expectCode(.xsdInvalid) {
            _ = try world.submit(
                try FiscalWorld.signed(
                    world.batch(
                        "B-TWICE",
                        [.init(sign: "8", codes: [world.codes[1]]), .init(sign: "8", codes: [world.codes[2]])])))
        }
        #expect(error?.diagnostics.first?.path?.hasSuffix("/Receipt[2]") == true)
        #expect(try world.code(world.codes[1]).status == .inCirculation)
        #expect(try world.store.read { try $0.events(of: world.codes[1]) }.allSatisfy { $0.operation != "withdraw" })
    }

    /// Refused batches change nothing, say why with their specific codes, and are audited.
    @Test(arguments: TestBackend.available) func refusedBatchesChangeNothingAndAreAudited(_ backend: TestBackend)
        throws
    {
        let world = try FiscalWorld(backend: backend)
        let sale = [FiscalWorld.Receipt(sign: "1", codes: [world.codes[0]])]
        let fingerprint = try world.store.contentFingerprint()
        let malformedCode = world.batch("B-X", sale).replacingOccurrences(of: "(21)", with: "(21)(")
        // A space inside a code: the schema no longer has a pattern for it, the GS1 parser refuses it.
        let spacedCode = world.batch("B-S", sale).replacingOccurrences(of: "(21)", with: "(21) ")
        let emptyCode = world.batch("B-E", sale).replacingOccurrences(
            of: #"<Code>[^<]*</Code>"#, with: "<Code></Code>", options: .regularExpression)
        let cases: [(String, [UInt8], ErrorCode)] = [
            ("unsigned", Array(world.batch("B-U", sale).utf8), .sigMissing),
            (
                "signed by someone not acting for the OFD",
                try FiscalWorld.signed(world.batch("B-W", sale), by: .companyHead),
                .authNotRepresentative
            ),
            (
                "the signer's participant is not an OFD",
                try FiscalWorld.signed(world.batch("B-N", sale, ofd: FiscalWorld.shop), by: .companyHead),
                .fiscalNotOperator
            ),
            ("not XML", Array("<FiscalReceipts".utf8), .xmlMalformed),
            ("quantity 2", try FiscalWorld.signed(world.batch("B-Q", sale, quantity: "2")), .xsdInvalid),
            ("an unreadable code", try FiscalWorld.signed(malformedCode), .fiscalCodeInvalid),
            ("a space inside a code", try FiscalWorld.signed(spacedCode), .fiscalCodeInvalid),
            ("an empty code", try FiscalWorld.signed(emptyCode), .xsdInvalid),
            (
                "a shipment sent to the fiscal intake",
                try World.signed(World.shipment(codes: [world.codes[0]])), .flcDocumentTypeUnsupported
            ),
        ]
        for (what, bytes, code) in cases {
            let error = expectCode(code, what) { _ = try world.submit(bytes) }
            if code == .fiscalCodeInvalid {
                #expect(
                    error?.diagnostics.first?.line != nil && error?.diagnostics.first?.path?.hasSuffix("/Code") == true)
            }
            #expect(try world.store.contentFingerprint() == fingerprint, "\(what)")
            let last = try world.store.read { try $0.lastAudit() }
            #expect(last?.action == "fiscal-receipts" && last?.result == "refused \(code.rawValue)", "\(what)")
        }
        #expect(try world.code(world.codes[0]).status == .inCirculation)
        #expect(try Audit.verify(world.store) == cases.count)
    }

    /// White space around a code (a batch written pretty-printed) is read past, as around every other value.
    @Test func whiteSpaceAroundACodeIsReadPast() throws {
        let world = try FiscalWorld(backend: .sqlite)
        let xml = world.batch("B-P", [.init(sign: "1", codes: [world.codes[0]])])
            .replacingOccurrences(of: "<Code>", with: "<Code>\n          ")
            .replacingOccurrences(of: "</Code>", with: "\n        </Code>")
        let answer = try world.submit(try FiscalWorld.signed(xml))
        #expect(answer.applied == 1 && answer.violations == 0)
        #expect(try world.code(world.codes[0]).status == .withdrawn)
    }

    /// Every unreadable code of a batch is listed, each at its element.
    @Test func everyUnreadableCodeIsListed() throws {
        let world = try FiscalWorld(backend: .sqlite)
        let xml = world.batch(
            "B-X",
            [
                .init(sign: "1", codes: [world.codes[0], world.codes[1]]),
                .init(sign: "2", codes: [world.codes[2]]),
            ]
        ).replacingOccurrences(of: "(92)", with: "(99)")
        let error = expectCode(.fiscalCodeInvalid) { _ = try world.submit(try FiscalWorld.signed(xml)) }
        #expect(error?.diagnostics.count == 3)
        #expect(Set(error?.diagnostics.compactMap(\.line) ?? []).count == 3)
    }

    /// On SQLite a crash may commit the receipts but not their violations (two files): `refile` files what is
    /// missing, once; a repeat of the batch does it too.
    @Test(arguments: TestBackend.available) func violationsLeftUnfiledAreFiledOnce(_ backend: TestBackend) throws {
        let world = try FiscalWorld(backend: backend)
        let code = world.codes[0]
        _ = try world.submit(try FiscalWorld.signed(world.batch("B-1", [.init(sign: "1", codes: [code])])))
        let batch = FiscalBatchFixture.parsed(world.batch("B-2", [.init(sign: "2", codes: [code])]))
        // The crash: the decision's change set committed without its violations.
        let decision = try world.store.read { snapshot in
            try world.intake.decide(
                batch,
                signer: SignerIdentity(
                    certificate: try Certificate.load(contentsOf: World.pki.certificateFile(.ofd))[0]),
                now: Date(), in: snapshot)
        }
        try world.store.write { try $0.apply(decision.changes) }
        #expect(try world.fiscalViolations().isEmpty)
        #expect(try world.intake.refile(since: Date().addingTimeInterval(-60)) == 1)
        #expect(try world.intake.refile(since: Date().addingTimeInterval(-60)) == 0)
        #expect(try world.fiscalViolations().map(\.kind) == [.soldTwice])
    }
}

enum FiscalBatchFixture {
    static func parsed(_ xml: String) -> FiscalBatch {
        try! FiscalBatch(root: try! XMLDocument.parse(Array(xml.utf8)).root)
    }
}

/// The receipts' date-times are read by hand (no ICU formatter per receipt): the same instants as Foundation's
/// ISO 8601 parser, the offset-less form in Kazakhstan's time, and nothing for what is not a date-time.
@Test func receiptDateTimesAreReadAsFoundationReadsThem() {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    for text in [
        "2026-11-25T14:03:12+05:00", "2026-11-25T09:03:12Z", "1999-12-31T23:59:59-03:30", "2028-02-29T00:00:00+14:00",
        "2026-03-01T00:00:00+00:00",
    ] {
        #expect(FiscalBatch.instant(text) == formatter.date(from: text), "\(text)")
    }
    #expect(FiscalBatch.instant("2026-11-25T14:03:12") == formatter.date(from: "2026-11-25T14:03:12+05:00"))
    let fraction = try! #require(FiscalBatch.instant("2026-11-25T14:03:12.25Z"))
    #expect(
        fraction.timeIntervalSince1970 == formatter.date(from: "2026-11-25T14:03:12Z")!.timeIntervalSince1970 + 0.25)
    for bad in ["2026-11-25", "2026-13-25T14:03:12Z", "2026-11-25T24:00:00Z", "2026-11-25T14:03:12+5:00", "x"] {
        #expect(FiscalBatch.instant(bad) == nil, "\(bad)")
    }
}

/// A receipt's digest is what the store has kept since v17: SHA-256 of `seller|kind|dateTime`, then `|code|price`
/// per line, in lowercase hex (the expected value computed apart, with Python's hashlib). The digest is hashed as
/// the fields come, without the text; were its bytes to change, a repeat of a receipt recorded before would be
/// answered `conflict`.
@Test func aReceiptsDigestIsTheSHA256OfItsFieldsAsStoredSinceV17() {
    let batch = FiscalBatchFixture.parsed(
        """
        <FiscalReceipts xmlns="urn:kz:tanba:fiscal-receipts:1" version="1.0">
          <BatchId>B-1</BatchId><Operator>123456789012</Operator>
          <Receipts><Receipt>
            <Register><RegistrationNumber>620300012345</RegistrationNumber></Register>
            <FiscalSign>7</FiscalSign><DateTime>2026-11-25T14:03:12+05:00</DateTime>
            <Seller>050140001238</Seller><Kind>refund</Kind>
            <Lines>
              <Line><Code>x</Code><Price>1250.00</Price><Quantity>1</Quantity></Line>
              <Line><Code>y</Code><Price>99.5</Price><Quantity>1</Quantity></Line>
            </Lines>
          </Receipt></Receipts>
        </FiscalReceipts>
        """)
    // Twice through one buffer, as a batch's receipts share it: the second must not hash the first's bytes too.
    var buffer: [UInt8] = []
    for _ in 0..<2 {
        #expect(
            batch.receipts[0].digest(codes: ["01048700010000732100000A", "01048700010000732100000B"], buffer: &buffer)
                == "a7a6f79f2b08816d5a0c98953a9cbecc87de49354497322e887811dd0fd7b52c")
    }
}
