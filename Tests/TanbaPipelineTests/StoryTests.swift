import Foundation
import TanbaDomain
import TanbaEmission
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaPipeline
@testable import TanbaXML

/// The whole journey of marked goods through signed documents, as the regulation describes it.
@Suite struct StoryTests {
    static func header(_ number: String, sender: String, name: String) -> String {
        """
          <Header>
            <DocumentNumber>\(number)</DocumentNumber>
            <DocumentDate>2026-11-20</DocumentDate>
            <Sender><BIN>\(sender)</BIN><Name>\(name)</Name></Sender>
          </Header>
        """
    }

    static func codes(_ ids: [String]) -> String { ids.map { "<Code>\($0)</Code>" }.joined() }

    static let seller = (World.seller, "ТОО «Алатау Дистрибьюшн»")
    static let buyer = (World.buyer, "ТОО «Шымкент Сауда»")

    func submit(_ world: World, _ xml: String, by participant: TestPKI.Participant) throws -> Decision {
        let decision = try world.pipeline.submit(try World.signed(xml, by: participant))
        #expect(decision.accepted, "\(decision.diagnostics)")
        return decision
    }

    /// Order → apply → introduce → pack on a pallet → ship → the buyer accepts part → sells one by retail →
    /// takes a return → the history of a code shows every step with its document.
    @Test(arguments: TestBackend.available) func fromOrderToRetailAndBack(_ backend: TestBackend) throws {
        let world = try StoryWorld.make(backend: backend)
        let units = world.issued
        let pallet = "148700010000000018"
        let sellerHead = TestPKI.Participant.companyHead
        let buyerHead = TestPKI.Participant.buyerHead

        _ = try submit(
            world.world,
            """
            <ApplicationReport xmlns="urn:kz:tanba:application-report:1" version="1.0">
            \(Self.header("AR-1", sender: Self.seller.0, name: Self.seller.1))
              <Applied>\(Self.codes(units))</Applied>
            </ApplicationReport>
            """, by: .companyEmployee)  // an employee may report application
        _ = try submit(
            world.world,
            """
            <IntroductionProduction xmlns="urn:kz:tanba:introduction-production:1" version="1.0">
            \(Self.header("IP-1", sender: Self.seller.0, name: Self.seller.1))
              <Lines><Line><GTIN>\(World.water)</GTIN><ProductionDate>2026-11-19</ProductionDate>
                <ExpiryDate>2027-11-19</ExpiryDate><Items>\(Self.codes(units))</Items></Line></Lines>
            </IntroductionProduction>
            """, by: sellerHead)
        _ = try submit(
            world.world,
            """
            <Aggregation xmlns="urn:kz:tanba:aggregation:1" version="1.0">
            \(Self.header("AG-1", sender: Self.seller.0, name: Self.seller.1))
              <Package><SSCC>\(pallet)</SSCC></Package>
              <Items>\(Self.codes(Array(units.prefix(4))))</Items>
            </Aggregation>
            """, by: sellerHead)
        // Ship the pallet (4 units) and 2 loose units.
        let shipment = try world.world.pipeline.submit(
            try World.signed(
                World.shipment(number: "ESD-7", codes: Array(units.suffix(2)), packages: [pallet], unitsInPackages: 4),
                by: sellerHead))
        #expect(shipment.accepted, "\(shipment.diagnostics)")
        #expect(shipment.changes.count == 7)  // the pallet, its 4 units, 2 loose units
        // The buyer accepts the pallet and one loose unit, rejects the other.
        let answer = try submit(
            world.world,
            """
            <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
            \(Self.header("PR-7", sender: Self.buyer.0, name: Self.buyer.1))
              <Shipment><Number>ESD-7</Number><Date>2026-11-20</Date></Shipment>
              <Seller><BIN>\(Self.seller.0)</BIN><Name>\(Self.seller.1)</Name></Seller>
              <Decision>AcceptPart</Decision>
              <Accepted><SSCC>\(pallet)</SSCC><Code>\(units[4])</Code></Accepted>
              <Rejected><Item><Code>\(units[5])</Code><Reason>Бөтелке сынған</Reason></Item></Rejected>
            </ShipmentAnswer>
            """, by: buyerHead)
        #expect(answer.changes.count == 7)
        let shipped = try world.world.store.read { try $0.document(id: shipment.documentID) }
        #expect(shipped?.status == .partlyAcceptedByCounterparty)
        #expect(try world.world.code(units[0]).owner == World.buyer)
        #expect(try world.world.code(units[5]).owner == World.seller && world.world.code(units[5]).lockedBy == nil)
        // Retail sale of one unit from the opened pallet, then the customer brings it back.
        _ = try submit(
            world.world,
            """
            <Withdrawal xmlns="urn:kz:tanba:withdrawal:1" version="1.0">
            \(Self.header("W-7", sender: Self.buyer.0, name: Self.buyer.1))
              <Reason>retailSale</Reason><WithdrawalDate>2026-11-20</WithdrawalDate>
              <Items>\(Self.codes([units[0]]))</Items>
            </Withdrawal>
            """, by: buyerHead)
        _ = try submit(
            world.world,
            """
            <ReturnToCirculation xmlns="urn:kz:tanba:return-to-circulation:1" version="1.0">
            \(Self.header("RT-7", sender: Self.buyer.0, name: Self.buyer.1))
              <Reason>Тұтынушы қайтарды / Возврат покупателем</Reason>
              <Items>\(Self.codes([units[0]]))</Items>
            </ReturnToCirculation>
            """, by: buyerHead)
        let history = try world.world.store.read { try $0.events(of: units[0]) }
        #expect(
            history.map(\.operation) == [
                "issue", "apply", "introduce", "aggregate", "ship", "accept", "withdraw", "return",
            ])
        #expect(
            history.map(\.owner) == [
                World.seller, World.seller, World.seller, World.seller, World.seller, World.buyer, World.buyer,
                World.buyer,
            ])
        #expect(history.dropFirst().allSatisfy { $0.document?.hasPrefix("DOC-") == true })
        #expect(try world.world.code(units[0]).status == .inCirculation && world.world.code(units[0]).parent == nil)
    }

    /// The seller takes back a shipment the buyer has not answered: its codes (and a package's contents) are the
    /// seller's again and free; the shipment is cancelled, in the buyer's inbox; the buyer can no longer answer it.
    @Test(arguments: TestBackend.available) func aSellerCancelsAShipmentBeforeTheAnswer(_ backend: TestBackend) throws {
        let story = try StoryWorld.make(introduced: true, backend: backend)
        let world = story.world
        let units = story.issued
        let shipped = try world.pipeline.submit(
            try World.signed(World.shipment(number: "ESD-7", codes: Array(units.prefix(3)))))
        #expect(shipped.accepted)
        func cancel(_ number: String, buyer: String = World.buyer, by: TestPKI.Participant = .companyHead) throws
            -> Decision
        {
            try world.pipeline.submit(
                try World.signed(
                    """
                    <ShipmentCancellation xmlns="urn:kz:tanba:shipment-cancellation:1" version="1.0">
                    \(Self.header("OT-\(UUID().uuidString.prefix(8))", sender: Self.seller.0, name: Self.seller.1))
                      <Shipment><Number>\(number)</Number><Date>2026-11-20</Date></Shipment>
                      <Buyer><BIN>\(buyer)</BIN><Name>ТОО</Name></Buyer>
                      <Reason>Поставка не состоялась</Reason>
                    </ShipmentCancellation>
                    """, by: by))
        }
        // Refusals first: another shipment number, the wrong buyer, the buyer's own signature; none changes anything.
        let before = try world.store.contentFingerprint()
        #expect(try cancel("ESD-404").diagnostics.map(\.code) == [.flcShipmentUnknown])
        #expect(try cancel("ESD-7", buyer: "850315300128").diagnostics.map(\.code) == [.flcNotAddressee])
        #expect(try cancel("ESD-7", by: .buyerHead).diagnostics.map(\.code) == [.authNotRepresentative])
        #expect(try world.store.contentFingerprint() == before)
        let cancelled = try cancel("ESD-7")
        #expect(cancelled.accepted && cancelled.changes.count == 3, "\(cancelled)")
        for id in units.prefix(3) {
            let code = try #require(try world.store.read { try $0.code(id) })
            #expect(code.owner == World.seller && code.lockedBy == nil && code.status == .inCirculation)
        }
        let documents = try world.store.read { tx in
            (try tx.document(id: shipped.documentID), try tx.documents(DocumentFilter(recipient: World.buyer)))
        }
        #expect(documents.0?.status == .cancelled)
        #expect(documents.1.map(\.type).contains("shipmentCancellation"))
        // Nothing waits any more: neither a second cancellation nor the buyer's answer finds the shipment.
        #expect(try cancel("ESD-7").diagnostics.map(\.code) == [.flcShipmentUnknown])
        let late = try world.pipeline.submit(
            try World.signed(
                """
                <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
                \(Self.header("PR-LATE", sender: Self.buyer.0, name: Self.buyer.1))
                  <Shipment><Number>ESD-7</Number><Date>2026-11-20</Date></Shipment>
                  <Seller><BIN>\(Self.seller.0)</BIN><Name>\(Self.seller.1)</Name></Seller>
                  <Decision>AcceptAll</Decision>
                </ShipmentAnswer>
                """, by: .buyerHead))
        #expect(late.diagnostics.map(\.code) == [.flcShipmentUnknown])
        // The codes can be shipped again.
        let again = try world.pipeline.submit(
            try World.signed(World.shipment(number: "ESD-8", codes: Array(units.prefix(3)))))
        #expect(again.accepted, "\(again)")
    }

    @Test(arguments: TestBackend.available) func answersAreCheckedAgainstTheShipment(_ backend: TestBackend) throws {
        let story = try StoryWorld.make(introduced: true, backend: backend)
        let world = story.world
        let units = story.issued
        #expect(
            try world.pipeline.submit(try World.signed(World.shipment(number: "ESD-9", codes: Array(units.prefix(2)))))
                .accepted)
        func answer(
            _ decision: String, accepted: [String], number: String = "ESD-9", by: TestPKI.Participant = .buyerHead
        )
            throws -> Decision
        {
            try world.pipeline.submit(
                try World.signed(
                    """
                    <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
                    \(Self.header("PR-\(UUID().uuidString.prefix(8))", sender: Self.buyer.0, name: Self.buyer.1))
                      <Shipment><Number>\(number)</Number><Date>2026-11-20</Date></Shipment>
                      <Seller><BIN>\(Self.seller.0)</BIN><Name>\(Self.seller.1)</Name></Seller>
                      <Decision>\(decision)</Decision>
                      \(accepted.isEmpty ? "" : "<Accepted>\(Self.codes(accepted))</Accepted>")
                    </ShipmentAnswer>
                    """, by: by))
        }
        #expect(try answer("AcceptAll", accepted: [units[0]]).diagnostics.map(\.code) == [.flcAnswerItems])
        #expect(
            try answer("AcceptAll", accepted: [], number: "ESD-404").diagnostics.map(\.code) == [.flcShipmentUnknown])
        #expect(try answer("AcceptAll", accepted: [units[0], units[2]]).diagnostics.map(\.code) == [.flcAnswerItems])
        let accepted = try answer("AcceptAll", accepted: [])
        #expect(accepted.accepted && accepted.changes.count == 2)
        // Settled: a second answer finds nothing waiting.
        #expect(try answer("Reject", accepted: []).diagnostics.map(\.code) == [.flcShipmentUnknown])
    }
}

/// A world whose codes are issued (and optionally applied and introduced) but not yet documented.
struct StoryWorld {
    let world: World
    let issued: [String]

    static func make(introduced: Bool = false, backend: TestBackend) throws -> StoryWorld {
        let world = try World(codes: 6, backend: backend)
        // World introduces its codes; the story wants fresh ones it documents itself.
        let codes = try TanbaEmissionHelper.issue(count: 6, into: world)
        if introduced {
            let ledger = Ledger(store: world.store)
            _ = try ledger.perform(.apply(by: World.seller), on: codes, document: "APP", at: Date())
            _ = try ledger.perform(.introduce(by: World.seller), on: codes, document: "INTRO", at: Date())
        }
        return StoryWorld(world: world, issued: codes)
    }
}

enum TanbaEmissionHelper {
    static func issue(count: Int, into world: World) throws -> [String] {
        let codes = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: World.water, count: count, owner: World.seller, at: Date())
        try Ledger(store: world.store).issue(codes, order: "ORDER-STORY")
        return codes.map(\.id)
    }
}

/// The other document types, each through the pipeline once, with a refusal where the type has its own rule.
@Suite struct DocumentTypeTests {
    static let seller = StoryTests.seller

    func submit(_ world: World, _ xml: String, by participant: TestPKI.Participant = .companyHead) throws -> Decision {
        try world.pipeline.submit(try World.signed(xml, by: participant))
    }

    @Test(arguments: TestBackend.available) func aCodeOrderIssuesCodesAndTheReceiptCarriesThem(_ backend: TestBackend)
        throws
    {
        let world = try World(codes: 1, backend: backend)
        let decision = try submit(
            world,
            """
            <CodeOrder xmlns="urn:kz:tanba:code-order:1" version="1.0">
            \(StoryTests.header("CO-1", sender: Self.seller.0, name: Self.seller.1))
              <Lines><Line><GTIN>\(World.water)</GTIN><Quantity>3</Quantity></Line></Lines>
            </CodeOrder>
            """)
        #expect(decision.accepted && decision.changes.count == 3, "\(decision)")
        #expect(decision.changes.allSatisfy { $0.status == .issued && $0.verificationCode != nil })
        #expect(
            String(decoding: decision.receipt, as: UTF8.self).components(separatedBy: " 92").count == 4)
        // The buyer (a wholesaler and retailer) may not order codes.
        let refused = try submit(
            world,
            """
            <CodeOrder xmlns="urn:kz:tanba:code-order:1" version="1.0">
            \(StoryTests.header("CO-2", sender: StoryTests.buyer.0, name: StoryTests.buyer.1))
              <Lines><Line><GTIN>\(World.water)</GTIN><Quantity>3</Quantity></Line></Lines>
            </CodeOrder>
            """, by: .buyerHead)
        #expect(refused.diagnostics.map(\.code) == [.participantNotAllowed])
    }

    @Test(arguments: TestBackend.available) func exportsLeaveTheEAEUOnly(_ backend: TestBackend) throws {
        let world = try World(codes: 2, backend: backend)
        func export(_ country: String, _ number: String, codes: [String]) throws -> Decision {
            try submit(
                world,
                """
                <Export xmlns="urn:kz:tanba:export:1" version="1.0">
                \(StoryTests.header(number, sender: Self.seller.0, name: Self.seller.1))
                  <Country>\(country)</Country>
                  <CustomsDeclaration><Number>55510010/201126/0004521</Number><Date>2026-11-20</Date></CustomsDeclaration>
                  <ExportDate>2026-11-20</ExportDate>
                  <Items>\(StoryTests.codes(codes))</Items>
                </Export>
                """)
        }
        #expect(try export("RU", "EX-1", codes: world.codes).diagnostics.map(\.code) == [.flcExportToEAEU])
        let exported = try export("CN", "EX-2", codes: world.codes)
        #expect(exported.accepted, "\(exported)")
        #expect(try world.code(world.codes[0]).withdrawalReason == .export)
    }

    @Test(arguments: TestBackend.available) func remarkingReplacesAnOldCodeWithANewOne(_ backend: TestBackend) throws {
        let world = try World(codes: 1, backend: backend)
        let fresh = try TanbaEmissionHelper.issue(count: 1, into: world)
        let decision = try submit(
            world,
            """
            <Remarking xmlns="urn:kz:tanba:remarking:1" version="1.0">
            \(StoryTests.header("RM-1", sender: Self.seller.0, name: Self.seller.1))
              <Reason>damaged</Reason>
              <Replacement><Old>\(world.codes[0])</Old><New>\(fresh[0])</New></Replacement>
            </Remarking>
            """)
        #expect(decision.accepted, "\(decision)")
        #expect(try world.code(world.codes[0]).withdrawalReason == .remarking)
        #expect(try world.code(fresh[0]).status == .inCirculation)
    }

    @Test(arguments: TestBackend.available) func disaggregationAndReaggregation(_ backend: TestBackend) throws {
        let world = try World(codes: 4, backend: backend)
        let pallet = "148700010000000018"
        try Ledger(store: world.store).aggregate(
            Array(world.codes.prefix(3)), into: "00" + pallet, by: World.seller, document: nil, at: Date())
        let re = try submit(
            world,
            """
            <Reaggregation xmlns="urn:kz:tanba:reaggregation:1" version="1.0">
            \(StoryTests.header("RA-1", sender: Self.seller.0, name: Self.seller.1))
              <Package><SSCC>\(pallet)</SSCC></Package>
              <Add>\(StoryTests.codes([world.codes[3]]))</Add>
              <Remove>\(StoryTests.codes([world.codes[0]]))</Remove>
            </Reaggregation>
            """)
        #expect(re.accepted, "\(re)")
        #expect(try world.code(world.codes[3]).parent == "00" + pallet && world.code(world.codes[0]).parent == nil)
        let dis = try submit(
            world,
            """
            <Disaggregation xmlns="urn:kz:tanba:disaggregation:1" version="1.0">
            \(StoryTests.header("DA-1", sender: Self.seller.0, name: Self.seller.1))
              <Package><SSCC>\(pallet)</SSCC></Package>
            </Disaggregation>
            """)
        #expect(dis.accepted && dis.changes.count == 3, "\(dis)")
    }

    @Test(arguments: TestBackend.available) func aWithdrawalForDamageNeedsItsBasis(_ backend: TestBackend) throws {
        let world = try World(codes: 1, backend: backend)
        let decision = try submit(
            world,
            """
            <Withdrawal xmlns="urn:kz:tanba:withdrawal:1" version="1.0">
            \(StoryTests.header("W-1", sender: Self.seller.0, name: Self.seller.1))
              <Reason>damage</Reason><WithdrawalDate>2026-11-20</WithdrawalDate>
              <Items>\(StoryTests.codes(world.codes))</Items>
            </Withdrawal>
            """)
        #expect(decision.diagnostics.map(\.code) == [.flcBasisRequired])
    }

    /// Whether a reason needs its basis is the reference list's word, for every reason (own use, samples and use
    /// in production need an act too).
    @Test(arguments: WithdrawalReason.allCases, TestBackend.available)
    func theReferenceListSaysWhichReasonsNeedABasis(reason: WithdrawalReason, backend: TestBackend) throws {
        let world = try World(codes: 1, backend: backend)
        let decision = try submit(
            world,
            """
            <Withdrawal xmlns="urn:kz:tanba:withdrawal:1" version="1.0">
            \(StoryTests.header("W-\(reason.rawValue)", sender: Self.seller.0, name: Self.seller.1))
              <Reason>\(reason.rawValue)</Reason><WithdrawalDate>2026-11-20</WithdrawalDate>
              <Items>\(StoryTests.codes(world.codes))</Items>
            </Withdrawal>
            """)
        let listed = World.reference.lists["withdrawal-reasons"]?.item(reason.rawValue)?.requiresBasisDocument
        #expect(listed != nil, "\(reason.rawValue) is not in withdrawal-reasons.json")
        #expect(decision.diagnostics.contains { $0.code == .flcBasisRequired } == (listed == true), "\(decision)")
    }
}

/// Rule sets change by date and product group: light industry needs a conformity certificate from the day its
/// marking becomes mandatory (set 2026.12.1), not before; medicines always need their expiry date.
@Suite struct RuleSetTests {
    static let lp = "04870009000013"
    static let pharma = "04870008000014"

    /// A world whose seller produces light-industry goods and medicines, with codes of each applied (ready to
    /// be introduced).
    static func world(_ backend: TestBackend = .sqlite) throws -> (World, lp: [String], pharma: [String]) {
        let world = try World(codes: 0, backend: backend)
        try world.store.write { tx in
            try tx.save(
                try Participant(
                    id: World.seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true, roles: [.producer],
                    productGroups: ["lp", "pharma"],
                    representatives: [Representative(iin: "781112400128")]))
            try tx.save([
                try ProductCard(
                    gtin: lp, name: "Футболка", manufacturer: "ТОО", tnved: "6109100000", productGroup: "lp",
                    country: "KZ"),
                try ProductCard(
                    gtin: pharma, name: "Парацетамол", manufacturer: "ТОО", tnved: "3004900002",
                    productGroup: "pharma", country: "KZ"),
            ])
        }
        let ledger = Ledger(store: world.store)
        let emitter = CodeEmitter(key: EmissionKey.generate())
        var issued: [String: [String]] = [:]
        for gtin in [lp, pharma] {
            let codes = try emitter.issue(gtin: gtin, count: 2, owner: World.seller, at: Date())
            try ledger.issue(codes, order: "ORDER-\(gtin)")
            issued[gtin] = codes.map(\.id)
        }
        return (world, issued[lp]!, issued[pharma]!)
    }

    static func introduction(_ number: String, date: String, gtin: String, codes: [String], expiry: Bool = false)
        -> String
    {
        """
        <IntroductionProduction xmlns="urn:kz:tanba:introduction-production:1" version="1.0">
          <Header><DocumentNumber>\(number)</DocumentNumber><DocumentDate>\(date)</DocumentDate>
            <Sender><BIN>\(World.seller)</BIN><Name>ТОО</Name></Sender></Header>
          <Lines><Line><GTIN>\(gtin)</GTIN><ProductionDate>\(date)</ProductionDate>
            \(expiry ? "<ExpiryDate>2029-01-01</ExpiryDate>" : "")<Items>\(StoryTests.codes(codes))</Items></Line></Lines>
        </IntroductionProduction>
        """
    }

    @Test(arguments: TestBackend.available)
    func theSetOfTheDocumentsDateDecidesAProductGroupsRules(_ backend: TestBackend) throws {
        let (world, lp, pharma) = try Self.world(backend)
        let codes = lp + pharma
        let ledger = Ledger(store: world.store)
        _ = try ledger.perform(.apply(by: World.seller), on: codes, document: "APP", at: Date())
        let december = ISO8601DateFormatter().date(from: "2026-12-05T09:00:00Z")!
        func submit(_ xml: String) throws -> Decision {
            try world.pipeline.submit(try World.signed(xml), now: december)
        }
        // Dated before 2026-12-01: the older set, no certificate needed for light industry.
        let before = try submit(Self.introduction("IP-LP-1", date: "2026-11-30", gtin: Self.lp, codes: [lp[0]]))
        #expect(before.accepted, "\(before)")
        #expect(String(decoding: before.receipt, as: UTF8.self).contains("<RuleSet>2026.11.1</RuleSet>"))
        // Dated on or after: set 2026.12.1 requires it, pointing at the line; the code stays as it was.
        let unchanged = try world.store.contentFingerprint()
        let after = try submit(Self.introduction("IP-LP-2", date: "2026-12-02", gtin: Self.lp, codes: [lp[1]]))
        #expect(try world.store.contentFingerprint() == unchanged)
        #expect(after.diagnostics.map(\.code) == [.flcCertificateRequired], "\(after)")
        #expect(after.diagnostics.first?.path?.hasSuffix("/Lines/Line") == true, "\(after.diagnostics)")
        #expect(String(decoding: after.receipt, as: UTF8.self).contains("<RuleSet>2026.12.1</RuleSet>"))
        // Medicines need their expiry date under both sets; with it they are introduced.
        let noExpiry = try submit(
            Self.introduction("IP-PH-1", date: "2026-11-20", gtin: Self.pharma, codes: pharma))
        #expect(noExpiry.diagnostics.map(\.code) == [.flcExpiryRequired], "\(noExpiry)")
        #expect(try world.store.contentFingerprint() == unchanged)
        let withExpiry = try submit(
            Self.introduction("IP-PH-2", date: "2026-12-02", gtin: Self.pharma, codes: pharma, expiry: true))
        #expect(withExpiry.accepted, "\(withExpiry)")
        // The reference data says so itself: the rule is the product group's, from its date.
        #expect(RuleSet.forDocument(dated: "2026-11-30").version == "2026.11.1")
        let reference = try #require(world.pipeline.reference as ReferenceData?)
        #expect(reference.requirements(ofGroup: "lp", on: "2026-12-01") == [.flcCertificateRequired])
        #expect(reference.requirements(ofGroup: "lp", on: "2026-11-30").isEmpty)
        #expect(reference.requirements(ofGroup: "pharma", on: "2026-11-30") == [.flcExpiryRequired])
    }
}
