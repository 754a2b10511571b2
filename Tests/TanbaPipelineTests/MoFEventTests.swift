import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

@testable import TanbaPipeline
@testable import TanbaXML

/// The Ministry of Finance export's events come from the decisions themselves, on both stores. Failure modes: an
/// ownership transfer reported at shipment (before the buyer took it) or for the rejected part, an SNT lost, an
/// event of a refused document, an event without its decision or dated on another day.
@Suite struct MoFEventTests {
    static let seller = (World.seller, "ТОО «Алатау Дистрибьюшн»")
    static let buyer = (World.buyer, "ТОО «Шымкент Сауда»")

    func events(_ world: World) throws -> [MoFEvent] {
        try world.store.read {
            try $0.mofEvents(from: "2000-01-01", to: "2999-12-31", after: .init(day: "", seq: 0), limit: 1000)
        }
    }

    @Test(arguments: TestBackend.available)
    func anAcceptedShipmentIsOneOwnershipTransferWithItsSNTAndOnlyTheAcceptedPart(_ backend: TestBackend) throws {
        let story = try StoryWorld.make(introduced: true, backend: backend)
        let codes = story.issued
        let shipment = try story.world.pipeline.submit(
            try World.signed(
                World.shipment(number: "ESD-M1", codes: Array(codes.prefix(4)), snt: "KZ-SNT-0001-2026-000123"),
                by: .companyHead))
        #expect(shipment.accepted, "\(shipment.diagnostics)")
        // Shipped, not yet taken: no ownership passed, nothing to report.
        #expect(try events(story.world).isEmpty)
        let answer = try story.world.pipeline.submit(
            try World.signed(
                """
                <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
                \(StoryTests.header("PR-M1", sender: Self.buyer.0, name: Self.buyer.1))
                  <Shipment><Number>ESD-M1</Number><Date>2026-11-20</Date></Shipment>
                  <Seller><BIN>\(Self.seller.0)</BIN><Name>\(Self.seller.1)</Name></Seller>
                  <Decision>AcceptPart</Decision>
                  <Accepted>\(StoryTests.codes(Array(codes.prefix(3))))</Accepted>
                  <Rejected><Item><Code>\(codes[3])</Code><Reason>сынған</Reason></Item></Rejected>
                </ShipmentAnswer>
                """, by: .buyerHead))
        #expect(answer.accepted, "\(answer.diagnostics)")
        let stored = try events(story.world)
        try #require(stored.count == 1)
        let event = stored[0]
        #expect(event.kind == .ownershipTransfer && event.document == answer.documentID)
        #expect(event.snt == "KZ-SNT-0001-2026-000123" && event.seller == World.seller && event.buyer == World.buyer)
        #expect(event.day == MoFEvent.day(of: event.at))
        // Three of four accepted: three units at the declared price (250.00), VAT 12 % included.
        #expect(event.quantities == "\(World.water)=3")
        let fragment = String(decoding: event.fragment, as: UTF8.self)
        #expect(fragment.hasPrefix("<OwnershipTransfer ") && fragment.contains("partial=\"true\""))
        #expect(fragment.contains("<Quantity>3</Quantity>") && fragment.contains("<Amount>750</Amount>"))
        #expect(fragment.contains("<VATAmount>80.36</VATAmount>") && !fragment.contains(codes[3]))
        #expect(fragment.contains("<SNT>KZ-SNT-0001-2026-000123</SNT>"))

        // A withdrawal by the buyer is one event; a refused one (codes not the sender's) none.
        let withdrawal = """
            <Withdrawal xmlns="urn:kz:tanba:withdrawal:1" version="1.0">
            \(StoryTests.header("W-M1", sender: Self.buyer.0, name: Self.buyer.1))
              <Reason>retailSale</Reason><WithdrawalDate>2026-11-20</WithdrawalDate>
              <Items>\(StoryTests.codes([codes[0]]))</Items>
            </Withdrawal>
            """
        let refused = try story.world.pipeline.submit(
            try World.signed(withdrawal.replacingOccurrences(of: codes[0], with: codes[3]), by: .buyerHead))
        #expect(!refused.accepted)
        #expect(try events(story.world).count == 1)
        #expect(try story.world.pipeline.submit(try World.signed(withdrawal, by: .buyerHead)).accepted)
        let after = try events(story.world)
        #expect(after.map(\.kind) == [.ownershipTransfer, .withdrawal])
        #expect(String(decoding: after[1].fragment, as: UTF8.self).contains("<Reason>retailSale</Reason>"))
    }

    /// A shipment without an SNT (every document before the element existed) is still valid, and its transfer
    /// carries no SNT: the reconciliation's "shipped without an invoice".
    @Test(arguments: TestBackend.available)
    func aShipmentWithoutAnSNTIsValidAndItsTransferHasNone(_ backend: TestBackend) throws {
        let story = try StoryWorld.make(introduced: true, backend: backend)
        let codes = Array(story.issued.prefix(2))
        #expect(
            try story.world.pipeline.submit(
                try World.signed(World.shipment(number: "ESD-M2", codes: codes), by: .companyHead)
            ).accepted)
        let answer = try story.world.pipeline.submit(
            try World.signed(
                """
                <ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
                \(StoryTests.header("PR-M2", sender: Self.buyer.0, name: Self.buyer.1))
                  <Shipment><Number>ESD-M2</Number><Date>2026-11-20</Date></Shipment>
                  <Seller><BIN>\(Self.seller.0)</BIN><Name>\(Self.seller.1)</Name></Seller>
                  <Decision>AcceptAll</Decision>
                </ShipmentAnswer>
                """, by: .buyerHead))
        #expect(answer.accepted, "\(answer.diagnostics)")
        let stored = try events(story.world)
        #expect(stored.count == 1 && stored[0].snt == nil && stored[0].quantities == "\(World.water)=2")
        let fragment = String(decoding: stored[0].fragment, as: UTF8.self)
        #expect(!fragment.contains("<SNT>") && !fragment.contains("partial") && fragment.contains("<Amount>500"))
    }

    /// An SNT out of its pattern is refused by the schema, naming the element.
    @Test func anSNTOutOfPatternIsRefusedByTheSchema() throws {
        let world = try World(codes: 2, backend: .sqlite)
        let decision = try world.pipeline.submit(
            try World.signed(
                World.shipment(number: "ESD-M3", codes: world.codes, snt: "SNT WITH SPACES"), by: .companyHead))
        #expect(!decision.accepted)
        #expect(decision.diagnostics.first?.code == .xsdInvalid)
        #expect(decision.diagnostics.contains { ($0.path ?? "").contains("SNT") || $0.message.contains("SNT") })
    }
}
