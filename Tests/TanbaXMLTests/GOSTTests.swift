import Foundation
import TanbaErrors
import TanbaTestSupport
import Testing

@testable import TanbaXML

/// Kazakh GOST 34.10-2015: the arithmetic against the standards' published examples, then real NCALayer
/// (Kalkan-made) signatures from ../shared/vectors/kz-gost.
@Suite struct GOSTTests {
    static func hex(_ string: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = string.startIndex
        while index < string.endIndex {
            let next = string.index(index, offsetBy: 2)
            bytes.append(UInt8(string[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    /// GOST R 34.11-2012, example 1 (M1, 63 bytes): the provider's Streebog-512 is the standard's.
    @Test func streebogMatchesTheStandardsExample() throws {
        let digest = try Streebog.hash512(Array("012345678901234567890123456789012345678901234567890123456789012".utf8))
        #expect(
            digest
                == Self.hex(
                    "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
                        + "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48"))
    }

    /// GOST R 34.10-2012, appendix A.2 (the 512-bit example): key, signature with the given k, verification.
    @Test func signatureArithmeticMatchesTheStandardsExample() throws {
        let curve = GOSTCurve(
            p:
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373",
            a: "7",
            b:
                "1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC",
            q:
                "4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF",
            x:
                "24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A",
            y:
                "2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E"
        )
        let d = Self.hex(
            "0BA6048AADAE241BA40936D47756D7C93091A0E8514669700EE7508E508B102072E8123B2200A0563322DAD2827E2714A2636B7BFD18AADFC62967821FA18DD4"
        )
        let e = Self.hex(
            "3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C"
        )
        let k = Self.hex(
            "0359E7F4B1410FEACC570456C6801496946312120B39D019D455986E364F365886748ED7A44B3E794434006011842286212273A6D14CF70EA3AF71BB1AE679F1"
        )
        let (qx, qy) = try curve.publicKey(privateKey: d)
        #expect(
            qx
                == Self.hex(
                    "115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1"
                ))
        #expect(
            qy
                == Self.hex(
                    "37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC"
                ))
        let (r, s) = try curve.sign(hash: e, privateKey: d, nonce: k)
        #expect(
            r
                == Self.hex(
                    "2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36"
                ))
        #expect(
            s
                == Self.hex(
                    "1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A"
                ))
        #expect(curve.verify(hash: e, r: r, s: s, publicKey: (qx, qy)))
        var other = e
        other[63] ^= 1
        #expect(!curve.verify(hash: other, r: r, s: s, publicKey: (qx, qy)))
        #expect(!curve.verify(hash: e, r: s, s: r, publicKey: (qx, qy)))
    }

    @Test func randomKeysSignAndVerifyOnTheKazakhCurve() throws {
        let key = try GOSTPrivateKey.generate()
        let message = Array("таңба".utf8)
        let signature = try KazakhGOST.sign(message: message, key: key)
        #expect(signature.count == 128)
        #expect(try KazakhGOST.verify(message: message, signature: signature, publicKey: key.publicKey))
        #expect(try !KazakhGOST.verify(message: message + [0], signature: signature, publicKey: key.publicKey))
        let restored = try #require(try GOSTPrivateKey(pkcs8: try key.pkcs8()))
        #expect(restored.scalar == key.scalar && restored.publicKey == key.publicKey)
    }

    // MARK: NCALayer vectors

    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/vectors/kz-gost")
    /// Inside the vector certificate's validity (2026-10-01 … 2027-10-02).
    static let vectorTime = ISO8601DateFormatter().date(from: "2027-01-15T12:00:00Z")!

    static let vectorVerifier: SignatureVerifier = {
        let anchors = try! Certificate.load(contentsOf: vectors.appendingPathComponent("test_gost512.cer.pem"))
        return SignatureVerifier(trustStore: try! TrustStore(anchors: anchors, crls: [], revocation: .required))
    }()

    static func vector(_ name: String) throws -> String {
        try String(contentsOf: vectors.appendingPathComponent(name), encoding: .utf8)
    }

    static func verify(_ text: String) -> ErrorCode? {
        do {
            _ = try vectorVerifier.verify(try XMLDocument.parse(Array(text.utf8)), at: vectorTime)
            return nil
        } catch let error as TanbaError {
            return error.code
        } catch {
            return .internal
        }
    }

    @Test(arguments: ["test_gost512.xml_simple.xml", "test_gost512.xml_ns.xml"])
    func ncaLayerVectorsVerify(file: String) throws {
        let verified = try Self.vectorVerifier.verify(
            try XMLDocument.parse(Array(try Self.vector(file).utf8)), at: Self.vectorTime)
        #expect(verified.algorithm == .gost2015_512)
        #expect(verified.signer.iin == "000000000000")
        #expect(verified.signer.commonName == "TEST GOST512")
        #expect(verified.certificate.publicKey.kind == .gost)
        #expect(verified.canonicalization == XMLDSigURI.inclusiveC14N)
    }

    /// One byte changed in the content, in the recorded digest, and in the signature value.
    @Test(arguments: ["test_gost512.xml_simple.xml", "test_gost512.xml_ns.xml"])
    func oneChangedByteIsRejectedWithItsCode(file: String) throws {
        let text = try Self.vector(file)
        #expect(Self.verify(text) == nil)
        func changing(after marker: String, offset: Int = 0) throws -> String {
            let range = try #require(text.range(of: marker))
            let index = text.index(range.upperBound, offsetBy: offset)
            var changed = text
            changed.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
            return changed
        }
        // Content: one character of the signed text ("1" → "2"; significant whitespace "  spaced" → " xspaced").
        let content =
            file.hasSuffix("ns.xml")
            ? text.replacingOccurrences(of: "<ns1:item>  spaced", with: "<ns1:item> xspaced")
            : text.replacingOccurrences(of: "<a>1</a>", with: "<a>2</a>")
        #expect(content != text)
        #expect(Self.verify(content) == .sigDigestMismatch)
        #expect(Self.verify(try changing(after: "<ds:DigestValue>", offset: 5)) == .sigDigestMismatch)
        #expect(Self.verify(try changing(after: "<ds:SignatureValue>\n", offset: 5)) == .sigValueInvalid)
    }

    @Test func vectorsAreCheckedAtTheGivenTime() throws {
        let document = try XMLDocument.parse(Array(try Self.vector("test_gost512.xml_simple.xml").utf8))
        expectCode(.certExpired) {
            _ = try Self.vectorVerifier.verify(document, at: ISO8601DateFormatter().date(from: "2028-01-01T00:00:00Z")!)
        }
        expectCode(.certNotYetValid) {
            _ = try Self.vectorVerifier.verify(document, at: ISO8601DateFormatter().date(from: "2026-09-01T00:00:00Z")!)
        }
    }

    @Test func vectorIsUntrustedWithoutItsAnchor() throws {
        let document = try XMLDocument.parse(Array(try Self.vector("test_gost512.xml_simple.xml").utf8))
        expectCode(.certUntrusted) { _ = try Fixtures.verifier.verify(document, at: Self.vectorTime) }
    }

    /// The element-signing vector (`URI="#part"`, exclusive C14N) is refused by policy; its cryptography,
    /// checked below the policy, is sound — so the refusal is the policy's, not a GOST fault.
    @Test func elementSigningVectorIsRefusedByPolicyButCryptographicallyValid() throws {
        let text = try Self.vector("test_gost512.xml_xpath.xml")
        #expect(Self.verify(text) == .sigReferenceForbidden)

        let document = try XMLDocument.parse(Array(text.utf8))
        let part = try #require(document.root.children.first { $0.attribute("Id") == "part" })
        let signature = try #require(document.root.children.last)
        let signedInfo = signature.children[0]
        let reference = signedInfo.children[2]
        // A bare-name reference drops comments (XMLDSig 4.3.3.3); its one transform is C14N with comments.
        let octets = try Canonicalizer.canonicalize(
            document, .subtree(part.node), method: XMLDSigURI.inclusiveC14NWithComments)
        #expect(String(decoding: octets, as: UTF8.self) == "<a Id=\"part\"><x>1</x></a>")
        let recorded = try #require(
            Data(base64Encoded: reference.children.last!.text, options: .ignoreUnknownCharacters))
        #expect(try Streebog.hash512(octets) == Array(recorded))
        let canonical = try Canonicalizer.canonicalize(
            document, .subtree(signedInfo.node), method: XMLDSigURI.exclusiveC14N, signedInfoComments: true)
        let value = try #require(Data(base64Encoded: signature.children[1].text, options: .ignoreUnknownCharacters))
        let certificate = try Certificate.load(contentsOf: Self.vectors.appendingPathComponent("test_gost512.cer.pem"))[
            0]
        #expect(
            try KazakhGOST.verify(
                message: canonical, signature: Array(value), publicKey: try GOSTPublicKey(certificate: certificate)))
    }

    /// The vector certificate is self-signed with GOST: its own signature verifies under the Kazakh layout.
    @Test func vectorCertificateSignatureVerifies() throws {
        let certificate = try Certificate.load(contentsOf: Self.vectors.appendingPathComponent("test_gost512.cer.pem"))[
            0]
        #expect(certificate.signatureAlgorithm == KazakhGOST.signatureAlgorithm)
        #expect(certificate.isSigned(by: certificate))
    }
}

/// GOST documents signed and verified by the hub, with a GOST CA hierarchy and CRLs from the test PKI, and
/// the arithmetic cross-checked both ways against the independent gost engine (libengine-gost-openssl).
@Suite struct GOSTRoundTripTests {
    @Test(arguments: [
        (TestPKI.Participant.gostCompanyHead, SigningProfile.ncaLayer), (.gostCompanyHead, .standard),
        (.gostEntrepreneur, .ncaLayer),
    ])
    func signedByTanbaVerifies(participant: TestPKI.Participant, profile: SigningProfile) throws {
        let signer = try Fixtures.signer(participant, profile: profile)
        #expect(signer.algorithm == .gost2015_512)
        let bytes = try signer.sign(Fixtures.validShipment)
        let text = Fixtures.string(bytes)
        #expect(text.contains(XMLDSigURI.gost2015_512) && text.contains(XMLDSigURI.streebog512))
        let document = try XMLDocument.parse(bytes)
        try Fixtures.schemas.validate(document)
        let verified = try Fixtures.verifier.verify(document)
        #expect(verified.algorithm == .gost2015_512)
        #expect(verified.certificate.publicKey.kind == .gost)
        #expect(verified.signer.iin == (participant == .gostEntrepreneur ? "850315300128" : "781112400128"))
    }

    @Test func gostChainValidatesFromRootToParticipant() throws {
        let leaf = try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.gostCompanyHead))[0]
        let intermediate = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("gost-intermediate-ca.pem"))[0]
        let root = try Certificate.load(
            contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("gost-root-ca.pem"))[0]
        #expect(leaf.signatureAlgorithm == KazakhGOST.signatureAlgorithm)
        #expect(leaf.isSigned(by: intermediate) && intermediate.isSigned(by: root) && root.isSigned(by: root))
        #expect(!leaf.isSigned(by: root))
        let window = try Fixtures.trustStore.validate(leaf, at: Date())
        #expect(window.contains(Date()))
        // Only the root trusted: the intermediate must come from KeyInfo, and then the chain validates.
        let rootOnly = try TrustStore(
            anchors: [root], crls: Fixtures.trustStore.revocationLists, revocation: .required)
        expectCode(.certUntrusted) { try rootOnly.validate(leaf, at: Date()) }
        try rootOnly.validate(leaf, intermediates: [intermediate], at: Date())
    }

    @Test func revokedGOSTCertificateIsRefused() throws {
        #expect(Fixtures.verificationError(try Fixtures.signed(by: .gostRevoked, profile: .ncaLayer)) == .certRevoked)
    }

    @Test func gostCRLMustBeThereAndSignedByItsCA() throws {
        let leaf = try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.gostCompanyHead))[0]
        let noCRLs = try TrustStore(anchors: Fixtures.trustStore.anchors, crls: [], revocation: .required)
        expectCode(.certRevocationUnknown) { try noCRLs.validate(leaf, at: Date()) }
        // The RSA CAs' CRLs do not cover the GOST chain.
        let wrongCRLs = try TrustStore(
            anchors: Fixtures.trustStore.anchors,
            crls: Fixtures.trustStore.revocationLists.filter { !$0.isSigned(by: Self.gostIntermediate) },
            revocation: .required)
        expectCode(.certRevocationUnknown) { try wrongCRLs.validate(leaf, at: Date()) }
    }

    static let gostIntermediate = try! Certificate.load(
        contentsOf: Fixtures.pki.trustDirectory.appendingPathComponent("gost-intermediate-ca.pem"))[0]

    @Test func tamperedGOSTDocumentsAreRejected() throws {
        let text = Fixtures.string(try Fixtures.signed(by: .gostCompanyHead, profile: .ncaLayer))
        let content = text.replacingOccurrences(of: "<Quantity>6</Quantity>", with: "<Quantity>60</Quantity>")
        #expect(Fixtures.verificationError(Fixtures.bytes(content)) == .sigDigestMismatch)
        let start = try #require(text.range(of: "<ds:SignatureValue>"))
        let index = text.index(start.upperBound, offsetBy: 7)
        var value = text
        value.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        #expect(Fixtures.verificationError(Fixtures.bytes(value)) == .sigValueInvalid)
        // Another GOST participant's certificate in KeyInfo: the signature does not verify with its key.
        let other = try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.gostEntrepreneur))[0]
        let certStart = try #require(text.range(of: "<ds:X509Certificate>"))
        let certEnd = try #require(text.range(of: "</ds:X509Certificate>"))
        let swapped = text.replacingCharacters(
            in: certStart.upperBound..<certEnd.lowerBound, with: Data(other.der).base64EncodedString())
        #expect(Fixtures.verificationError(Fixtures.bytes(swapped)) == .sigValueInvalid)
    }

    @Test func gostKeyFilesRoundTrip() throws {
        let key = try PrivateKey(contentsOf: Fixtures.pki.keyFile(.gostEntrepreneur))
        #expect(key.info.kind == .gost)
        #expect(key.matches(try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.gostEntrepreneur))[0]))
        #expect(!key.matches(try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.gostCompanyHead))[0]))
        let again = try PrivateKey(pem: Array(key.pem.utf8))
        #expect(again.gost?.scalar == key.gost?.scalar)
    }

    // MARK: Cross-check with the gost engine

    /// Runs `openssl` with the gost engine.
    private func openssl(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        let openssl = try #require(Fixtures.which("openssl"))
        return try Fixtures.run(openssl, arguments)
    }

    private func engineKey(in folder: URL) throws -> (key: URL, publicDER: [UInt8]) {
        let key = folder.appendingPathComponent("engine.key")
        let pub = folder.appendingPathComponent("engine.pub.der")
        let made = try openssl([
            "genpkey", "-engine", "gost", "-algorithm", "gost2012_512", "-pkeyopt", "paramset:A", "-out", key.path,
        ])
        #expect(made.status == 0, "\(made.error)")
        _ = try openssl(["pkey", "-engine", "gost", "-in", key.path, "-pubout", "-outform", "DER", "-out", pub.path])
        return (key, Array(try Data(contentsOf: pub)))
    }

    /// Kazakh r_LE ‖ s_LE is the engine's s_BE ‖ r_BE reversed; public keys are x_LE ‖ y_LE in both.
    @Test(.blocking) func tanbaSignatureVerifiesInTheGostEngine() throws {
        let message = try Fixtures.temporaryFile(Fixtures.validShipment, name: "message.xml")
        let folder = message.deletingLastPathComponent()
        let ours = try GOSTPrivateKey.generate()
        let signature = try KazakhGOST.sign(message: Fixtures.validShipment, key: ours)
        try Data(signature.reversed()).write(to: folder.appendingPathComponent("signature"))
        // The engine's SubjectPublicKeyInfo (TC26 OIDs) with our point in place of its own.
        let (_, template) = try engineKey(in: folder)
        let spki = Array(template.dropLast(131)) + ours.publicKey.bitStringContent
        try Data(spki).write(to: folder.appendingPathComponent("ours.pub.der"))
        let result = try openssl([
            "dgst", "-engine", "gost", "-md_gost12_512", "-keyform", "DER", "-verify",
            folder.appendingPathComponent("ours.pub.der").path, "-signature",
            folder.appendingPathComponent("signature").path, message.path,
        ])
        #expect(result.output.contains("Verified OK"), "\(result.output) \(result.error)")
        // The control: one flipped bit and the engine refuses.
        var bad = signature
        bad[0] ^= 1
        try Data(bad.reversed()).write(to: folder.appendingPathComponent("signature"))
        let refused = try openssl([
            "dgst", "-engine", "gost", "-md_gost12_512", "-keyform", "DER", "-verify",
            folder.appendingPathComponent("ours.pub.der").path, "-signature",
            folder.appendingPathComponent("signature").path, message.path,
        ])
        #expect(!refused.output.contains("Verified OK"))
    }

    @Test(.blocking) func gostEngineSignatureVerifiesInTanba() throws {
        let message = try Fixtures.temporaryFile(Fixtures.validShipment, name: "message.xml")
        let folder = message.deletingLastPathComponent()
        let (key, publicDER) = try engineKey(in: folder)
        let signatureFile = folder.appendingPathComponent("engine.sig")
        let signed = try openssl([
            "dgst", "-engine", "gost", "-md_gost12_512", "-sign", key.path, "-out", signatureFile.path, message.path,
        ])
        #expect(signed.status == 0, "\(signed.error)")
        let signature = Array(try Data(contentsOf: signatureFile).reversed())
        let publicKey = try GOSTPublicKey(subjectPublicKey: Array(publicDER.suffix(131)))
        #expect(try KazakhGOST.verify(message: Fixtures.validShipment, signature: signature, publicKey: publicKey))
        #expect(
            try !KazakhGOST.verify(message: Fixtures.validShipment + [10], signature: signature, publicKey: publicKey))
    }
}
