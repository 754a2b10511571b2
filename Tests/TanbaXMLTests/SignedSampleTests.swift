import Foundation
import TanbaErrors
import TanbaXML
import Testing

/// The committed signed samples get the answers samples/shipment/signed/EXPECTED.md promises.
@Suite struct SignedSampleTests {
    static let pki = Fixtures.repository.appendingPathComponent("samples/pki")
    static let verifier = SignatureVerifier(
        trustStore: try! TrustStore(
            caDirectory: pki.appendingPathComponent("trust"), crlDirectory: pki.appendingPathComponent("crl")))

    /// The full check `tanba verify` does: safe parse, XSD, signature.
    static func check(_ name: String, schema: Bool = true) -> ErrorCode? {
        do {
            let document = try XMLDocument.parse(try Fixtures.sample("signed/\(name)"))
            if schema { try Fixtures.schemas.validate(document) }
            _ = try verifier.verify(document)
            return nil
        } catch let error as TanbaError {
            return error.code
        } catch {
            return .internal
        }
    }

    @Test(arguments: [
        "valid-rsa.xml", "valid-ecdsa.xml", "valid-ncalayer.xml", "valid-xmlsec1.xml", "valid-gost-ncalayer.xml",
        "valid-gost.xml",
    ])
    func validSamplesVerify(file: String) {
        #expect(Self.check(file) == nil)
    }

    @Test(arguments: [
        ("tampered-content.xml", ErrorCode.sigDigestMismatch),
        ("tampered-signature.xml", .sigValueInvalid),
        ("revoked-signer.xml", .certRevoked),
        ("expired-signer.xml", .certExpired),
        ("untrusted-signer.xml", .certUntrusted),
        ("authentication-key.xml", .certKeyPurpose),
        ("bare-keyvalue.xml", .sigKeyInfoForbidden),
        ("reference-to-id.xml", .sigReferenceForbidden),
        ("sha1-digest.xml", .sigAlgorithmForbidden),
        ("wrapped-in-object.xml", .sigStructure),
        ("wrapped-in-forged.xml", .xsdInvalid),
        ("gost-revoked-signer.xml", .certRevoked),
        ("gost-tampered-content.xml", .sigDigestMismatch),
    ])
    func invalidSamplesAreRejected(file: String, code: ErrorCode) {
        #expect(Self.check("invalid/\(file)") == code)
    }

    @Test func wrappingIsCaughtBySignaturePlacementEvenWithoutTheSchema() {
        #expect(Self.check("invalid/wrapped-in-forged.xml", schema: false) == .sigPlacement)
    }

    @Test func everySignedSampleIsListedInExpected() throws {
        let expected = try String(
            contentsOf: Fixtures.samples.appendingPathComponent("signed/EXPECTED.md"), encoding: .utf8)
        for folder in ["signed", "signed/invalid"] {
            let files = try FileManager.default.contentsOfDirectory(
                atPath: Fixtures.samples.appendingPathComponent(folder).path
            ).filter { $0.hasSuffix(".xml") }
            for file in files {
                let name = folder == "signed" ? file : "invalid/\(file)"
                #expect(expected.contains("`\(name)`"), "\(name) is not in EXPECTED.md")
            }
        }
    }
}
