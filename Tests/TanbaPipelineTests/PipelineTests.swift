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

/// A world for pipeline tests: a test PKI, a store with a seller and a buyer, a catalogue, codes in circulation.
final class World: @unchecked Sendable {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pki: TestPKI = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-pipeline-pki-\(UUID().uuidString)")
        return try! TestPKI.create(at: folder)
    }()
    static let schemas = try! SchemaSet(directory: repository.appendingPathComponent("xsd"))
    static let reference: ReferenceData = {
        let folder = repository.appendingPathComponent("reference")
        let files = try! FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        return try! ReferenceData(files: files.map { ($0.lastPathComponent, try! Data(contentsOf: $0)) })
    }()
    static let verifier = SignatureVerifier(
        trustStore: try! TrustStore(caDirectory: pki.trustDirectory, crlDirectory: pki.crlDirectory))
    static let hub = try! DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))

    static let seller = "050140001238"
    static let buyer = "031240500125"
    static let water = "04870001000011"

    let store: any HubStore
    let pipeline: DocumentPipeline
    /// Codes of water in circulation, owned by the seller.
    let codes: [String]

    /// A new store on `backend` with the seller, the buyer, the catalogue and `count` codes in circulation.
    init(codes count: Int = 6, backend: TestBackend = .sqlite) throws {
        store = try backend.makeStore()
        pipeline = DocumentPipeline(
            store: store, schemas: Self.schemas, verifier: Self.verifier, reference: Self.reference, hub: Self.hub)
        try store.write { tx in
            try tx.save(
                try Participant(
                    id: Self.seller, name: "ТОО «Алатау Дистрибьюшн»", isOrganisation: true,
                    roles: [.producer, .wholesaler],
                    productGroups: ["water"],
                    representatives: [Representative(iin: "781112400128"), Representative(iin: "920701400128")]))
            try tx.save(
                try Participant(
                    id: Self.buyer, name: "ТОО «Шымкент Сауда»", isOrganisation: true, roles: [.wholesaler, .retailer],
                    productGroups: ["water"]))
            try tx.save([
                try ProductCard(
                    gtin: Self.water, name: "Су", manufacturer: "ТОО", tnved: "2201101100", productGroup: "water",
                    country: "KZ")
            ])
        }
        let ledger = Ledger(store: store)
        let issued = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: Self.water, count: count, owner: Self.seller, at: Date())
        try ledger.issue(issued, order: "ORDER-1")
        codes = issued.map(\.id)
        _ = try ledger.perform(.apply(by: Self.seller), on: codes, document: "APP-1", at: Date())
        _ = try ledger.perform(.introduce(by: Self.seller), on: codes, document: "INTRO-1", at: Date())
    }

    /// An accompanying document for `codes` at 250.00 each, VAT 12 % included.
    static func shipment(
        number: String = "ESD-1", codes: [String], buyer: String = buyer, price: String = "250.00",
        amount: String? = nil, date: String = "2026-11-20", extraCodes: [String] = [], packages: [String] = [],
        unitsInPackages: Int = 0, snt: String? = nil
    ) -> String {
        let quantity = codes.count + extraCodes.count + unitsInPackages
        let total = Decimal(string: price)! * Decimal(quantity)
        let amountText = amount ?? "\(total)"
        let vat = Money.vatIncluded(Decimal(string: amountText)!, rate: "12")
        let items =
            ((codes + extraCodes).map { "          <Code>\($0)</Code>" }
            + packages.map { "          <SSCC>\($0)</SSCC>" })
            .joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Shipment xmlns="urn:kz:tanba:shipment:1" version="1.0">
              <Header>
                <DocumentNumber>\(number)</DocumentNumber>
                <DocumentDate>\(date)</DocumentDate>
                <ShipmentDate>\(date)</ShipmentDate>
                <Seller><BIN>\(seller)</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name></Seller>
                <Buyer><BIN>\(buyer)</BIN><Name>ТОО «Шымкент Сауда»</Name></Buyer>
                <Currency>KZT</Currency>\(snt.map { "<SNT>\($0)</SNT>" } ?? "")
              </Header>
              <Lines>
                <Line number="1">
                  <GTIN>\(water)</GTIN>
                  <Name>Минеральная вода</Name>
                  <Quantity>\(quantity)</Quantity>
                  <UnitPrice>\(price)</UnitPrice>
                  <VATRate>12</VATRate>
                  <VATAmount>\(vat)</VATAmount>
                  <Amount>\(amountText)</Amount>
                  <Items>
            \(items)
                  </Items>
                </Line>
              </Lines>
              <Totals><Quantity>\(quantity)</Quantity><VATAmount>\(vat)</VATAmount><Amount>\(amountText)</Amount></Totals>
            </Shipment>

            """
    }

    static func signed(_ xml: String, by participant: TestPKI.Participant = .companyHead) throws -> [UInt8] {
        try DocumentSigner(keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
            .sign(Array(xml.utf8))
    }

    func code(_ id: String) throws -> CodeRecord { try store.read { try $0.code(id)! } }
}

@Suite struct PipelineTests {
    @Test(arguments: TestBackend.available) func anAccompanyingDocumentLocksItsCodesAndIsAnsweredWithASignedReceipt(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let document = try World.signed(World.shipment(codes: Array(world.codes.prefix(4))))
        let decision = try world.pipeline.submit(document)
        #expect(decision.accepted, "\(decision.diagnostics)")
        #expect(decision.status == .waitingForCounterparty)
        #expect(decision.changes.count == 4)
        #expect(try world.code(world.codes[0]).lockedBy == decision.documentID)
        #expect(try world.code(world.codes[5]).lockedBy == nil)
        // The receipt is signed by the hub and verifies like any document.
        let receipt = try XMLDocument.parse(decision.receipt)
        let verified = try World.verifier.verify(receipt)
        #expect(verified.signer.bin == TestPKI.operatorBIN)
        let text = String(decoding: decision.receipt, as: UTF8.self)
        #expect(text.contains("<Result>accepted</Result>") && text.contains("<Changes count=\"4\">"))
        #expect(
            text.contains(
                "<Group status=\"inCirculation\" owner=\"\(World.seller)\" count=\"4\" lockedBy=\"\(decision.documentID)\">"
            ))
        #expect(text.contains(world.codes[0]))
        #expect(text.contains("<RuleSet>2026.11.1</RuleSet>"))
        // The buyer sees it in the inbox; the receipt can be fetched again.
        let inbox = try world.store.read { try $0.documents(DocumentFilter(recipient: World.buyer)) }
        #expect(inbox.map(\.id) == [decision.documentID])
        #expect(inbox.first?.receipt == decision.receipt)
    }

    @Test(arguments: TestBackend.available) func theSameDocumentTwiceIsAppliedOnceAndGetsTheSameReceipt(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let document = try World.signed(World.shipment(codes: Array(world.codes.prefix(2))))
        let first = try world.pipeline.submit(document)
        let second = try world.pipeline.submit(document)
        #expect(second.repeated && second.accepted)
        #expect(second.receipt == first.receipt && second.documentID == first.documentID)
        // Another document reusing the number is refused.
        let other = try World.signed(World.shipment(codes: Array(world.codes.suffix(2))))
        let refused = try world.pipeline.submit(other)
        #expect(!refused.accepted && refused.diagnostics.map(\.code) == [.flcNumberUsed])
    }

    /// Channels change bytes, not documents: a Windows drop folder (CRLF, a BOM-less other declaration), a
    /// browser upload (single quotes, `<a></a>`), a proxy adding a comment — all are the same signed document,
    /// recognised by the digest of its canonical form, answered with the original receipt and applied once.
    @Test(arguments: TestBackend.available) func theSameDocumentInOtherBytesIsRecognisedByItsCanonicalForm(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let document = try World.signed(World.shipment(codes: Array(world.codes.prefix(2))))
        let first = try world.pipeline.submit(document)
        #expect(first.accepted)
        let text = String(decoding: document, as: UTF8.self)
        let body = String(text[text.range(of: "<Shipment")!.lowerBound...])
        let variants = [
            text.replacingOccurrences(of: "\n", with: "\r\n"),
            "<?xml version='1.0' encoding='utf-8' standalone='yes'?>\n<!-- exported by an ERP -->\n" + body,
            text.replacingOccurrences(of: "version=\"1.0\">", with: "version='1.0'   >"),
        ]
        for variant in variants {
            #expect(Array(variant.utf8) != document)
            let again = try world.pipeline.submit(Array(variant.utf8))
            #expect(again.repeated && again.accepted, "\(again)")
            #expect(again.documentID == first.documentID && again.receipt == first.receipt)
        }
        // A change of content, even of whitespace between elements, is another document (refused: the number is taken).
        let changed = text.replacingOccurrences(of: "<Currency>KZT</Currency>", with: "<Currency>KZT</Currency> ")
        #expect(changed != text)
        let refused = try world.pipeline.submit(Array(changed.utf8))
        #expect(!refused.repeated && !refused.accepted && refused.documentID != first.documentID)
        #expect(try world.store.read { try $0.events(of: world.codes[0]) }.count == 4)
    }

    @Test(arguments: TestBackend.available) func everyViolationIsReportedAndARejectedDocumentChangesNothing(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let before = try world.store.contentFingerprint()
        // Wrong amount (totals agree with it), a code that does not exist, a code of another GTIN, a future date.
        let foreign = "0104870002000010210000000000001"
        let xml = World.shipment(
            codes: Array(world.codes.prefix(2)), amount: "999.00", date: "2099-01-01",
            extraCodes: ["0104870001000011219999999999999", foreign])
        let decision = try world.pipeline.submit(try World.signed(xml))
        #expect(!decision.accepted)
        let codes = Set(decision.diagnostics.map(\.code))
        #expect(
            codes == [.flcDateInFuture, .flcLineAmount, .flcCodeGTIN, .codeNotFound],
            "\(decision.diagnostics)")
        #expect(decision.diagnostics.allSatisfy { $0.line != nil && $0.path != nil }, "\(decision.diagnostics)")
        #expect(try world.store.contentFingerprint() == before)
        let receipt = String(decoding: decision.receipt, as: UTF8.self)
        #expect(receipt.contains("<Result>rejected</Result>") && receipt.contains("<Text lang=\"kk\">"))
        // Only the receipt is kept, in the refusals' journal, to be fetched again by the document's id.
        let kept = try world.store.read { try $0.rejection(id: decision.documentID) }
        #expect(kept?.receipt == decision.receipt && kept?.sender == World.seller && kept?.number == "ESD-1")
        #expect(kept.map { codes.map(\.rawValue).contains($0.code) } == true)
        #expect(try world.store.read { try $0.document(id: decision.documentID) } == nil)
        // Garbage has no sender or number: it is kept under the digest of its bytes.
        let garbage = try world.pipeline.submit(Array("<Shipment".utf8), submitter: World.seller)
        let keptGarbage = try world.store.read { try $0.rejection(id: garbage.documentID) }
        #expect(keptGarbage?.code == "XML_MALFORMED" && keptGarbage?.submitter == World.seller)
        #expect(keptGarbage?.sender == nil && keptGarbage?.receipt == garbage.receipt)
        #expect(try world.store.contentFingerprint() == before)
    }

    @Test(arguments: TestBackend.available) func onlyAuthorisedSignersMayShip(_ backend: TestBackend) throws {
        let world = try World(backend: backend)
        let xml = World.shipment(codes: Array(world.codes.prefix(1)))
        // An employee's certificate may prepare, not ship.
        let employee = try world.pipeline.submit(try World.signed(xml, by: .companyEmployee))
        #expect(employee.diagnostics.map(\.code) == [.authRole])
        // Another organisation's first head cannot sign for the seller.
        let stranger = try world.pipeline.submit(try World.signed(xml, by: .buyerHead))
        #expect(stranger.diagnostics.map(\.code) == [.authNotRepresentative])
        // A revoked certificate fails before authority is even asked.
        let revoked = try world.pipeline.submit(try World.signed(xml, by: .revoked))
        #expect(revoked.diagnostics.map(\.code) == [.certRevoked])
    }

    @Test(arguments: TestBackend.available) func codesAlreadyInTransitCannotBeShippedAgain(_ backend: TestBackend)
        throws
    {
        let world = try World(backend: backend)
        let first = try world.pipeline.submit(
            try World.signed(World.shipment(number: "ESD-1", codes: Array(world.codes.prefix(3)))))
        #expect(first.accepted)
        let racing = try world.pipeline.submit(
            try World.signed(World.shipment(number: "ESD-2", codes: Array(world.codes.dropFirst(2).prefix(2)))))
        #expect(!racing.accepted && racing.diagnostics.map(\.code) == [.codeLocked])
        #expect(racing.diagnostics.first?.path?.hasSuffix("/Items/Code[1]") == true)
    }

    @Test(arguments: TestBackend.available) func aDryRunPreviewsWithoutChanging(_ backend: TestBackend) throws {
        let world = try World(backend: backend)
        let before = try world.store.contentFingerprint()
        let preview = try world.pipeline.submit(
            try World.signed(World.shipment(codes: Array(world.codes.prefix(3)))), dryRun: true)
        #expect(preview.accepted && preview.dryRun && preview.changes.count == 3)
        #expect(String(decoding: preview.receipt, as: UTF8.self).contains("<Preview>true</Preview>"))
        #expect(try world.store.contentFingerprint() == before)
    }

    @Test(arguments: TestBackend.available) func unsafeOrInvalidDocumentsAreRejectedWithTheirCodes(
        _ backend: TestBackend
    ) throws {
        let world = try World(backend: backend)
        let xxe = try Data(
            contentsOf: World.repository.appendingPathComponent("samples/shipment/invalid/xxe-external-entity.xml"))
        #expect(try world.pipeline.submit(Array(xxe)).diagnostics.map(\.code) == [.xmlDoctypeForbidden])
        let unsigned = Array(World.shipment(codes: Array(world.codes.prefix(1))).utf8)
        #expect(try world.pipeline.submit(unsigned).diagnostics.map(\.code) == [.sigMissing])
        let invalid = try Data(
            contentsOf: World.repository.appendingPathComponent("samples/shipment/invalid/many-errors.xml"))
        #expect(try world.pipeline.submit(Array(invalid)).diagnostics.count == 6)
    }
}
