import Foundation
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaPipeline

/// The buyer's taxpayer number in an EAEU shipment has its country's form. Failure mode: a malformed number
/// accepted here, the codes withdrawn, and the departure refused by the partner's system (a dead message).
@Suite struct EAEUShipmentRuleTests {
    static func shipment(_ codes: [String], country: String, taxId: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <EaeuShipment xmlns="urn:kz:tanba:eaeu-shipment:1" version="1.0">
          <Header><DocumentNumber>EA-\(UUID().uuidString.prefix(8))</DocumentNumber><DocumentDate>2026-11-27</DocumentDate>
            <Sender><BIN>\(World.seller)</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name></Sender>
          </Header>
          <Buyer><Country>\(country)</Country><TaxID>\(taxId)</TaxID><Name>Buyer</Name></Buyer>
          <ShipmentDate>2026-11-27</ShipmentDate>
          <Lines><Line><GTIN>\(World.water)</GTIN><Quantity>\(codes.count)</Quantity>
            <Items>\(codes.map { "<Code>\($0)</Code>" }.joined())</Items></Line></Lines>
        </EaeuShipment>
        """
    }

    @Test(arguments: TestBackend.available) func aBuyersTaxNumberOutOfItsCountrysFormIsRefusedAndQueuesNothing(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let cases = [("RU", "12345"), ("BY", "1901234567"), ("KG", "0201119991024"), ("AM", "0123456X")]
        for (country, taxId) in cases {
            let decision = try world.pipeline.submit(
                try World.signed(Self.shipment([world.codes[0]], country: country, taxId: taxId)))
            #expect(!decision.accepted, "\(country) \(taxId)")
            #expect(decision.diagnostics.map(\.code) == [.flcForeignTaxId], "\(decision.diagnostics)")
            #expect(decision.diagnostics.first?.path == "/EaeuShipment/Buyer/TaxID")
        }
        #expect(try world.code(world.codes[0]).status == .inCirculation)
        #expect(try world.store.read { try $0.queued(OutboxFilter(channel: "eaeu")) }.isEmpty)
        // In form: accepted, and the departure queued.
        let accepted = try world.pipeline.submit(
            try World.signed(Self.shipment([world.codes[0]], country: "RU", taxId: "7707083893")))
        #expect(accepted.accepted, "\(accepted.diagnostics)")
        #expect(try world.store.read { try $0.queued(OutboxFilter(channel: "eaeu")) }.count == 1)
    }
}
