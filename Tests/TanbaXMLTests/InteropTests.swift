import Foundation
import TanbaErrors
import TanbaXML
import Testing

enum Interop {
    /// An xmlsec1 signing template: enveloped, URI="", exclusive C14N, certificate-only KeyInfo.
    static func template(for document: [UInt8], algorithm: String, keyValue: Bool = false) -> String {
        let keyInfo = keyValue ? "<ds:KeyValue/>" : "<ds:X509Data><ds:X509Certificate/></ds:X509Data>"
        let signature = """
            <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="\(XMLDSigURI.exclusiveC14N)"/>\
            <ds:SignatureMethod Algorithm="\(algorithm)"/><ds:Reference URI=""><ds:Transforms>\
            <ds:Transform Algorithm="\(XMLDSigURI.envelopedSignature)"/></ds:Transforms>\
            <ds:DigestMethod Algorithm="\(XMLDSigURI.sha256)"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>\
            <ds:SignatureValue/><ds:KeyInfo>\(keyInfo)</ds:KeyInfo></ds:Signature></Shipment>
            """
        return String(decoding: document, as: UTF8.self).replacingOccurrences(of: "</Shipment>", with: signature)
    }

    /// The valid shipment signed by the xmlsec1 tool with a participant's key and certificate.
    static func xmlsec1Sign(_ participant: TestPKI.Participant, algorithm: String, keyValue: Bool = false) throws
        -> [UInt8]
    {
        let xmlsec1 = try #require(Fixtures.which("xmlsec1"), "xmlsec1 is installed by make test")
        let template = try Fixtures.temporaryFile(
            Fixtures.bytes(template(for: Fixtures.validShipment, algorithm: algorithm, keyValue: keyValue)))
        let out = template.deletingLastPathComponent().appendingPathComponent("signed.xml")
        let result = try Fixtures.run(
            xmlsec1,
            [
                "--sign", "--privkey-pem",
                "\(Fixtures.pki.keyFile(participant).path),\(Fixtures.pki.certificateFile(participant).path)",
                "--output", out.path, template.path,
            ])
        #expect(result.status == 0, "\(result.error)")
        return Array(try Data(contentsOf: out))
    }
}

/// Both directions against the xmlsec1 command-line tool, the reference implementation on this machine.
@Suite(.blocking) struct InteropTests {
    let xmlsec1: String

    init() throws { xmlsec1 = try #require(Fixtures.which("xmlsec1"), "xmlsec1 is installed by make test") }

    private func xmlsec1Verify(_ bytes: [UInt8]) throws -> Int32 {
        let file = try Fixtures.temporaryFile(bytes)
        return try Fixtures.run(
            xmlsec1,
            [
                "--verify", "--enabled-key-data", "x509",
                "--trusted-pem", Fixtures.pki.trustDirectory.appendingPathComponent("root-ca.pem").path,
                "--untrusted-pem", Fixtures.pki.trustDirectory.appendingPathComponent("intermediate-ca.pem").path,
                file.path,
            ]
        ).status
    }

    @Test(arguments: [
        (TestPKI.Participant.companyHead, XMLDSigURI.rsaSHA256), (.entrepreneur, XMLDSigURI.ecdsaSHA256),
    ])
    func signedByXmlsec1VerifiesInTanba(participant: TestPKI.Participant, algorithm: String) throws {
        let bytes = try Interop.xmlsec1Sign(participant, algorithm: algorithm)
        let verified = try Fixtures.verifier.verify(try XMLDocument.parse(bytes))
        #expect(verified.algorithm.uri == algorithm)
    }

    @Test(arguments: [TestPKI.Participant.companyHead, .entrepreneur])
    func signedByTanbaVerifiesInXmlsec1(participant: TestPKI.Participant) throws {
        #expect(try xmlsec1Verify(try Fixtures.signed(by: participant)) == 0)
        #expect(try xmlsec1Verify(try Fixtures.signed(by: participant, profile: .ncaLayer)) == 0)
    }

    /// The control: xmlsec1 itself rejects a tampered Tanba signature, so the test above can fail.
    @Test func xmlsec1RejectsATamperedTanbaSignature() throws {
        let text = Fixtures.string(try Fixtures.signed()).replacingOccurrences(
            of: "<Quantity>6</Quantity>", with: "<Quantity>7</Quantity>")
        #expect(try xmlsec1Verify(Fixtures.bytes(text)) != 0)
    }

    /// xmlsec1 would trust a bare KeyValue with default settings; Tanba refuses it.
    @Test func bareKeyValueFromXmlsec1IsRefused() throws {
        let bytes = try Interop.xmlsec1Sign(.companyHead, algorithm: XMLDSigURI.rsaSHA256, keyValue: true)
        #expect(Fixtures.string(bytes).contains("<ds:KeyValue>"))
        #expect(Fixtures.verificationError(bytes) == .sigKeyInfoForbidden)
    }
}
