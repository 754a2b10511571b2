import Foundation
import TanbaCore
import TanbaStore
import TanbaXML
import Testing

/// Submitting through the core: a participant submits only its own documents, and the channel's audit entry
/// commits with the decision, naming the channel, the address, the participant and the person.
@Suite struct SubmitTests {
    static func shipment(number: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Shipment xmlns="urn:kz:tanba:shipment:1" version="1.0">
          <Header><DocumentNumber>\(number)</DocumentNumber><DocumentDate>2026-11-20</DocumentDate>
            <ShipmentDate>2026-11-20</ShipmentDate>
            <Seller><BIN>\(CoreFixture.seller)</BIN><Name>ТОО</Name></Seller>
            <Buyer><BIN>\(CoreFixture.buyer)</BIN><Name>ТОО</Name></Buyer>
            <Currency>KZT</Currency></Header>
          <Lines><Line number="1"><GTIN>04870001000011</GTIN><Name>Етік</Name><Quantity>1</Quantity>
            <UnitPrice>100.00</UnitPrice><VATRate>NoVAT</VATRate><VATAmount>0.00</VATAmount>
            <Amount>100.00</Amount><Items><Code>0104870001000011215ABCDEFGHIJKL</Code></Items></Line></Lines>
          <Totals><Quantity>1</Quantity><VATAmount>0.00</VATAmount><Amount>100.00</Amount></Totals>
        </Shipment>

        """
    }

    static func signed(_ text: String, by participant: TestPKI.Participant) throws -> [UInt8] {
        let signer = try DocumentSigner(
            keyFile: CoreFixture.pki.keyFile(participant), certificateFile: CoreFixture.pki.certificateFile(participant)
        )
        return try signer.sign(Array(text.utf8))
    }

    @Test func anotherParticipantsDocumentIsRefusedInASignedReceiptAndAudited() throws {
        let fixture = try CoreFixture()
        let bytes = try Self.signed(Self.shipment(number: "ESD-CORE-1"), by: .companyHead)
        let buyer = Caller(participant: CoreFixture.buyer, iin: "870412300122")
        let result = try fixture.core.submit(
            bytes, as: buyer, via: ChannelOrigin("web", address: "10.0.0.7"), outcome: { "refused \($0.outcome)" })
        #expect(!result.ok && result.result == "rejected" && result.errors.first?.code == .authForbidden)
        #expect(String(decoding: result.decision.receipt, as: UTF8.self).contains("AUTH_FORBIDDEN"))
        let entry = try #require(try fixture.store.read { try $0.audit(after: 0, limit: 10) }.last)
        #expect(entry.channel == "web" && entry.address == "10.0.0.7" && entry.action == "submit")
        #expect(entry.participant == CoreFixture.buyer && entry.iin == "870412300122")
        #expect(entry.object == result.document && entry.result.hasPrefix("refused "))
    }

    /// The view's JSON: the fields every channel reports a submission with, and no others.
    @Test func theSubmitResultHasOneJSONShape() throws {
        let fixture = try CoreFixture()
        let bytes = try Self.signed(Self.shipment(number: "ESD-CORE-2"), by: .companyHead)
        let result = try fixture.core.submit(
            bytes, as: Caller(participant: CoreFixture.seller), via: ChannelOrigin("web", address: nil))
        let object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(result)) as? [String: Any])
        #expect(
            Set(object.keys).isSuperset(of: [
                "ok", "errors", "document", "result", "status", "changes", "repeated", "dryRun",
            ]))
        #expect(
            Set(object.keys).isSubset(of: [
                "ok", "documentType", "signer", "algorithm", "errors", "document", "result", "status", "changes",
                "repeated", "dryRun",
            ]))
        #expect(object["document"] as? String == result.document && object["changes"] as? Int == result.changes)
    }
}
