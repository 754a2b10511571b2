import Foundation
import TanbaErrors
import TanbaTestSupport
import TanbaXML
import Testing

/// XSD validation against xsd/: every violation, with line and element path.
@Suite struct SchemaTests {
    @Test func knowsTheShipmentDocumentType() {
        #expect(
            Fixtures.schemas.documentTypes.contains {
                $0.namespace == "urn:kz:tanba:shipment:1" && $0.rootElement == "Shipment"
            })
    }

    @Test func validSampleValidates() throws {
        let type = try Fixtures.schemas.validate(try XMLDocument.parse(Fixtures.validShipment))
        #expect(type.schemaFile == "shipment-1.xsd")
    }

    @Test func everyViolationIsReportedNotOnlyTheFirst() throws {
        let document = try XMLDocument.parse(try Fixtures.sample("invalid/many-errors.xml"))
        let error = expectCode(.xsdInvalid) { try Fixtures.schemas.validate(document) }
        let diagnostics = error?.diagnostics ?? []
        #expect(diagnostics.map(\.line) == [5, 13, 17, 45, 60, 72])
        #expect(diagnostics.allSatisfy { $0.code == .xsdInvalid })
        #expect(diagnostics[1].path == "/Shipment/Header/Buyer/IIN")
        #expect(diagnostics[3].path == "/Shipment/Lines/Line[2]/Quantity")
        #expect(diagnostics[4].message.contains("'10'"))
    }

    @Test(
        arguments: [
            ("bad-gtin.xml", 43, "/Shipment/Lines/Line[2]/GTIN"),
            ("bad-bin.xml", 8, "/Shipment/Header/Seller/BIN"),
            ("missing-buyer.xml", 12, "/Shipment/Header/Currency"),
            ("negative-price.xml", 29, "/Shipment/Lines/Line[1]/UnitPrice"),
            ("duplicate-code.xml", 39, nil),
            ("duplicate-sscc.xml", 65, nil),
            ("duplicate-line-number.xml", 55, nil),
            ("wrong-version.xml", 2, "/Shipment"),
            ("bad-code.xml", 35, nil),
        ] as [(String, Int, String?)])
    func invalidSamplesAreRejectedAtTheirElement(file: String, line: Int, path: String?) throws {
        let document = try XMLDocument.parse(try Fixtures.sample("invalid/\(file)"))
        let error = expectCode(.xsdInvalid) { try Fixtures.schemas.validate(document) }
        #expect(error?.diagnostics.first?.line == line)
        if let path { #expect(error?.diagnostics.first?.path == path) }
    }

    /// One diagnostic per violation: libxml2's follow-up "No precomputed value" complaint is dropped.
    @Test func invalidCodesAreReportedOnceEach() throws {
        let document = try XMLDocument.parse(try Fixtures.sample("invalid/bad-code.xml"))
        let error = expectCode(.xsdInvalid) { try Fixtures.schemas.validate(document) }
        #expect(error?.diagnostics.map(\.line) == [35, 37])
        #expect(
            error?.diagnostics.map(\.path) == [
                "/Shipment/Lines/Line[1]/Items/Code[2]", "/Shipment/Lines/Line[1]/Items/Code[4]",
            ])
    }

    @Test func unknownRootIsAnUnknownDocument() throws {
        let document = try XMLDocument.parse(try Fixtures.sample("invalid/unknown-root.xml"))
        let error = expectCode(.xsdUnknownDocument) { try Fixtures.schemas.validate(document) }
        #expect(error?.message.contains("urn:example:invoice") == true)
    }

    @Test func aSignedDocumentStillValidates() throws {
        try Fixtures.schemas.validate(try XMLDocument.parse(try Fixtures.signed()))
    }

    @Test func aBrokenSchemaFolderIsAConfigurationError() throws {
        let folder = try Fixtures.temporaryFile(Fixtures.bytes("<x/>"), name: "not-a-schema.txt")
            .deletingLastPathComponent()
        expectCode(.configInvalid) { _ = try SchemaSet(directory: folder) }
        let broken = try Fixtures.temporaryFile(
            Fixtures.bytes(
                "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema' targetNamespace='urn:x'><xs:element name='a' type='nope'/></xs:schema>"
            ), name: "broken.xsd")
        expectCode(.xsdSchemaBroken) { _ = try SchemaSet(directory: broken.deletingLastPathComponent()) }
    }
}

/// Every document type's samples: `valid.xml` validates against its own schema (found by its root), every file in
/// `invalid/` is refused with `XSD_INVALID`.
@Suite struct DocumentTypeSampleTests {
    static let types = [
        "code-order", "application-report", "introduction-production", "introduction-import", "aggregation",
        "disaggregation", "reaggregation", "shipment-answer", "shipment-cancellation", "withdrawal",
        "return-to-circulation", "remarking", "eaeu-shipment", "export", "eaeu-goods-departure", "fiscal-receipts",
    ]

    @Test func everyDocumentTypeHasASchema() {
        #expect(Fixtures.schemas.documentTypes.count == Self.types.count + 1)
    }

    @Test(arguments: types)
    func samplesGetTheirDocumentedOutcome(type: String) throws {
        let folder = Fixtures.repository.appendingPathComponent("samples/\(type)")
        let valid = try XMLDocument.parse(contentsOf: folder.appendingPathComponent("valid.xml"))
        let documentType = try Fixtures.schemas.validate(valid)
        #expect(documentType.schemaFile == "\(type)-1.xsd")
        let invalid = try FileManager.default.contentsOfDirectory(
            at: folder.appendingPathComponent("invalid"), includingPropertiesForKeys: nil
        ).filter { $0.pathExtension == "xml" }
        #expect(!invalid.isEmpty)
        for file in invalid {
            expectCode(.xsdInvalid, file.lastPathComponent) {
                try Fixtures.schemas.validate(try XMLDocument.parse(contentsOf: file))
            }
        }
    }
}
