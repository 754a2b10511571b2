import Foundation
import TanbaErrors
import TanbaTestSupport
import TanbaXML
import Testing

/// XMLDSig sign and verify: round trips, and one test per way a forged or unacceptable document is refused.
@Suite struct SignatureTests {
    // MARK: Round trips

    @Test(arguments: [TestPKI.Participant.companyHead, .companyEmployee, .entrepreneur, .buyerHead])
    func signedDocumentVerifies(participant: TestPKI.Participant) throws {
        let document = try XMLDocument.parse(try Fixtures.signed(by: participant))
        let verified = try Fixtures.verifier.verify(document)
        #expect(
            verified.signer.fingerprint
                == (try Certificate.load(contentsOf: Fixtures.pki.certificateFile(participant)))[0].sha256Fingerprint)
        // Business data is read from the very tree that was verified.
        #expect(verified.document === document)
    }

    @Test func signatureIsTheLastChildOfTheRootWithOneWholeDocumentReference() throws {
        let root = try XMLDocument.parse(try Fixtures.signed()).root
        let last = try #require(root.children.last)
        #expect(last.name == "Signature" && last.namespaceURI == XMLDSigURI.namespace)
        let text = Fixtures.string(try Fixtures.signed())
        #expect(text.components(separatedBy: "<ds:Reference URI=\"\">").count == 2)
        #expect(text.contains(XMLDSigURI.exclusiveC14N))
    }

    @Test func algorithmFollowsTheKey() throws {
        #expect(try Fixtures.signer(.companyHead).algorithm == .rsaSHA256)
        #expect(try Fixtures.signer(.entrepreneur).algorithm == .ecdsaSHA256)
    }

    /// NCALayer's shape: inclusive C14N on SignedInfo, enveloped + C14N-with-comments on the reference.
    @Test func ncaLayerShapedSignatureVerifies() throws {
        let bytes = try Fixtures.signed(by: .companyHead, profile: .ncaLayer)
        let text = Fixtures.string(bytes)
        #expect(text.contains("<ds:CanonicalizationMethod Algorithm=\"\(XMLDSigURI.inclusiveC14N)\"/>"))
        #expect(text.contains("<ds:Transform Algorithm=\"\(XMLDSigURI.envelopedSignature)\"/>"))
        #expect(text.contains("<ds:Transform Algorithm=\"\(XMLDSigURI.inclusiveC14NWithComments)\"/>"))
        let verified = try Fixtures.verifier.verify(try XMLDocument.parse(bytes))
        #expect(verified.canonicalization == XMLDSigURI.inclusiveC14N)
    }

    /// XMLDSig §4.3.3.3: dereferencing URI="" removes comment nodes, so even NCALayer's C14N-with-comments
    /// transform signs no comments. xmlsec1 agrees; business data never lives in comments.
    @Test func commentsAreOutsideAWholeDocumentReference() throws {
        let text = Fixtures.string(try Fixtures.signed(by: .companyHead, profile: .ncaLayer))
        let commented = text.replacingOccurrences(of: "<Lines>", with: "<Lines><!-- added -->")
        #expect(Fixtures.verificationError(Fixtures.bytes(commented)) == nil)
        let changed = text.replacingOccurrences(of: "<Lines>", with: "<Lines> ")
        #expect(Fixtures.verificationError(Fixtures.bytes(changed)) == .sigDigestMismatch)
    }

    @Test func signingAnAlreadySignedDocumentIsRefused() throws {
        let document = try XMLDocument.parse(try Fixtures.signed())
        expectCode(.sigMultiple) { try Fixtures.signer(.entrepreneur).sign(document) }
    }

    // MARK: Identity

    @Test func companyHeadIdentityFromSubjectAndEKU() throws {
        let verified = try Fixtures.verifier.verify(try XMLDocument.parse(try Fixtures.signed(by: .companyHead)))
        let signer = verified.signer
        #expect(signer.iin == "781112400128")
        #expect(signer.bin == "050140001238")
        #expect(signer.organization == "ТОО «Алатау Дистрибьюшн»")
        #expect(signer.commonName == "СЕРІКОВ АСХАТ")
        #expect(signer.surname == "СЕРІКОВ")
        #expect(signer.roles == [.legalEntity, .firstHead])
        #expect(signer.keyPurposes == [.signing])
        #expect(signer.isOrganisation)
    }

    @Test func entrepreneurHasIINOnly() throws {
        let verified = try Fixtures.verifier.verify(try XMLDocument.parse(try Fixtures.signed(by: .entrepreneur)))
        #expect(verified.signer.iin == "850315300128")
        #expect(verified.signer.bin == nil)
        #expect(verified.signer.roles == [.individual])
        #expect(!verified.signer.isOrganisation)
    }

    @Test func employeeRoleIsRead() throws {
        let verified = try Fixtures.verifier.verify(try XMLDocument.parse(try Fixtures.signed(by: .companyEmployee)))
        #expect(verified.signer.roles == [.legalEntity, .employee])
    }

    // MARK: Rejections: cryptography

    /// xmlsec returns 0 here; only its status says "invalid". A verifier trusting the return code would accept it.
    @Test func tamperedContentIsADigestMismatch() throws {
        let text = Fixtures.string(try Fixtures.signed())
        let tampered = text.replacingOccurrences(of: "<Quantity>6</Quantity>", with: "<Quantity>60</Quantity>")
        #expect(tampered != text)
        #expect(Fixtures.verificationError(Fixtures.bytes(tampered)) == .sigDigestMismatch)
    }

    @Test func tamperedAttributeIsADigestMismatch() throws {
        let text = Fixtures.string(try Fixtures.signed())
        let tampered = text.replacingOccurrences(of: "<Line number=\"1\">", with: "<Line number=\"9\">")
        #expect(Fixtures.verificationError(Fixtures.bytes(tampered)) == .sigDigestMismatch)
    }

    @Test func tamperedSignatureValueIsInvalid() throws {
        let text = Fixtures.string(try Fixtures.signed())
        let start = try #require(text.range(of: "<ds:SignatureValue>"))
        let index = text.index(start.upperBound, offsetBy: 10)
        let original = text[index]
        var tampered = text
        tampered.replaceSubrange(index...index, with: original == "A" ? "B" : "A")
        #expect(Fixtures.verificationError(Fixtures.bytes(tampered)) == .sigValueInvalid)
    }

    @Test func tamperedSignedInfoIsInvalid() throws {
        let text = Fixtures.string(try Fixtures.signed())
        // Change the recorded digest: the reference now fails against the unchanged document.
        let start = try #require(text.range(of: "<ds:DigestValue>"))
        let index = text.index(start.upperBound, offsetBy: 3)
        var tampered = text
        tampered.replaceSubrange(index...index, with: text[index] == "A" ? "B" : "A")
        #expect(Fixtures.verificationError(Fixtures.bytes(tampered)) == .sigDigestMismatch)
    }

    /// Signed with one key, presenting another participant's certificate.
    @Test func wrongKeyIsInvalid() throws {
        let signedByEmployee = Fixtures.string(try Fixtures.signed(by: .companyEmployee))
        let otherCertificate = try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.entrepreneur))[0]
        let swapped = try replacingCertificate(in: signedByEmployee, with: otherCertificate)
        #expect(Fixtures.verificationError(Fixtures.bytes(swapped)) == .sigValueInvalid)
    }

    @Test func keyOfAnotherTypeThanTheAlgorithmIsInvalid() throws {
        let signedRSA = Fixtures.string(try Fixtures.signed(by: .companyHead))
        let ecCertificate = try Certificate.load(contentsOf: Fixtures.pki.certificateFile(.entrepreneur))[0]
        let swapped = try replacingCertificate(in: signedRSA, with: ecCertificate)
        #expect(Fixtures.verificationError(Fixtures.bytes(swapped)) == .sigValueInvalid)
    }

    @Test func signerRefusesAKeyThatIsNotTheCertificates() throws {
        expectCode(.keyInvalid) {
            _ = try DocumentSigner(
                keyFile: Fixtures.pki.keyFile(.entrepreneur),
                certificateFile: Fixtures.pki.certificateFile(.companyHead))
        }
    }

    // MARK: Rejections: certificates

    @Test(arguments: [
        (TestPKI.Participant.untrusted, ErrorCode.certUntrusted),
        (.expired, .certExpired),
        (.revoked, .certRevoked),
        (.companyAuthentication, .certKeyPurpose),
    ])
    func unacceptableCertificatesAreRefused(participant: TestPKI.Participant, code: ErrorCode) throws {
        #expect(Fixtures.verificationError(try Fixtures.signed(by: participant)) == code)
    }

    @Test func aCertificateIsCheckedAtTheGivenTime() throws {
        let document = try XMLDocument.parse(try Fixtures.signed(by: .companyHead))
        expectCode(.certNotYetValid) { _ = try Fixtures.verifier.verify(document, at: Date() - 86_400 * 60) }
        expectCode(.certExpired) { _ = try Fixtures.verifier.verify(document, at: Date() + 86_400 * 365 * 6) }
        // The expired certificate was fine when it was in force.
        let old = try XMLDocument.parse(try Fixtures.signed(by: .expired))
        _ = try Fixtures.verifier.verify(old, at: Date() - 86_400 * 100)
    }

    /// The verifier caches a validated chain only for the window in which that validation holds.
    @Test func cachedChainIsRecheckedOutsideItsWindow() throws {
        let verifier = SignatureVerifier(trustStore: Fixtures.trustStore)
        let document = try XMLDocument.parse(try Fixtures.signed(by: .buyerHead))
        _ = try verifier.verify(document)
        expectCode(.certExpired) { _ = try verifier.verify(document, at: Date() + 86_400 * 365 * 6) }
        expectCode(.certNotYetValid) { _ = try verifier.verify(document, at: Date() - 86_400 * 45) }
        _ = try verifier.verify(document)
        // Failures are never cached: a revoked signer stays refused.
        let revoked = try XMLDocument.parse(try Fixtures.signed(by: .revoked))
        for _ in 0..<3 { expectCode(.certRevoked) { _ = try verifier.verify(revoked) } }
    }

    @Test func missingCRLMeansRevocationUnknown() throws {
        let noCRLs = try TrustStore(caDirectory: Fixtures.pki.trustDirectory, crlDirectory: nil)
        let bytes = try Fixtures.signed()
        #expect(
            Fixtures.verificationError(bytes, verifier: SignatureVerifier(trustStore: noCRLs)) == .certRevocationUnknown
        )
        let lenient = try TrustStore(
            caDirectory: Fixtures.pki.trustDirectory, crlDirectory: nil, revocation: .bestEffort)
        #expect(Fixtures.verificationError(bytes, verifier: SignatureVerifier(trustStore: lenient)) == nil)
    }

    @Test(.blocking) func weakRSAIsRefusedForSigningAndVerifying() throws {
        expectCode(.sigKeyTooWeak) { _ = try Fixtures.signer(.weakRSA) }
        // A weak signature made elsewhere (xmlsec1 here) is refused before its cryptography is trusted.
        let weak = try Interop.xmlsec1Sign(.weakRSA, algorithm: XMLDSigURI.rsaSHA256)
        #expect(Fixtures.verificationError(weak) == .sigKeyTooWeak)
    }

    // MARK: Rejections: structure and policy

    @Test func unsignedDocumentIsMissingASignature() {
        #expect(Fixtures.verificationError(Fixtures.validShipment) == .sigMissing)
    }

    /// The signed Shipment wrapped inside a forged one: the Signature is no longer a child of the root.
    @Test func signatureWrappingIsRefused() throws {
        let signed = Fixtures.string(try Fixtures.signed())
        let body = signed.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
        let forged = Fixtures.string(Fixtures.validShipment).replacingOccurrences(
            of: "<Quantity>6</Quantity>", with: "<Quantity>600</Quantity>")
        let wrapped = forged.replacingOccurrences(of: "</Shipment>", with: "<Comment>\(body)</Comment></Shipment>")
        #expect(Fixtures.verificationError(Fixtures.bytes(wrapped)) == .sigPlacement)
        // Variant: the original signature moved under the forged root, the original content dropped.
        let signatureStart = try #require(signed.range(of: "<ds:Signature"))
        let signature = signed[signatureStart.lowerBound...].replacingOccurrences(of: "</Shipment>", with: "")
        let moved = forged.replacingOccurrences(of: "</Shipment>", with: "\(signature)</Shipment>")
        #expect(Fixtures.verificationError(Fixtures.bytes(moved)) == .sigDigestMismatch)
    }

    @Test func twoSignaturesAreRefused() throws {
        let signed = Fixtures.string(try Fixtures.signed())
        let signatureStart = try #require(signed.range(of: "<ds:Signature"))
        let signature = String(signed[signatureStart.lowerBound...].dropLast("</Shipment>".count + 1))
        let doubled = signed.replacingOccurrences(of: "</ds:Signature>", with: "</ds:Signature>\(signature)")
        let error = expectCode(.sigMultiple) {
            _ = try Fixtures.verifier.verify(try XMLDocument.parse(Fixtures.bytes(doubled)))
        }
        #expect(error?.diagnostics.count == 2)
    }

    @Test(arguments: [
        // (from, to, expected)
        (XMLDSigURI.rsaSHA256, "http://www.w3.org/2000/09/xmldsig#rsa-sha1", ErrorCode.sigAlgorithmForbidden),
        (XMLDSigURI.rsaSHA256, "http://www.w3.org/2000/09/xmldsig#hmac-sha1", .sigAlgorithmForbidden),
        (XMLDSigURI.rsaSHA256, "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", .sigAlgorithmForbidden),
        (XMLDSigURI.sha256, "http://www.w3.org/2000/09/xmldsig#sha1", .sigAlgorithmForbidden),
        (XMLDSigURI.sha256, "http://www.w3.org/2001/04/xmldsig-more#md5", .sigAlgorithmForbidden),
        ("<ds:Reference URI=\"\">", "<ds:Reference URI=\"#doc\">", .sigReferenceForbidden),
        ("<ds:Reference URI=\"\">", "<ds:Reference URI=\"file:///etc/passwd\">", .sigReferenceForbidden),
        ("<ds:Reference URI=\"\">", "<ds:Reference>", .sigReferenceForbidden),
        (
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xslt-19991116\"/>", .sigTransformForbidden
        ),
        (
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>1</ds:XPath></ds:Transform>",
            .sigTransformForbidden
        ),
        (
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>", "",
            .sigTransformForbidden
        ),
        ("<ds:X509Data>", "<ds:KeyValue><ds:RSAKeyValue/></ds:KeyValue><ds:X509Data>", .sigKeyInfoForbidden),
        ("<ds:X509Data>", "<ds:RetrievalMethod URI=\"http://127.0.0.1:9/k\"/><ds:X509Data>", .sigKeyInfoForbidden),
        ("</ds:KeyInfo>", "</ds:KeyInfo><ds:Object>x</ds:Object>", .sigStructure),
    ])
    func policyViolationsAreRefusedBeforeCryptography(from: String, to: String, code: ErrorCode) throws {
        let signed = Fixtures.string(try Fixtures.signed())
        #expect(signed.contains(from))
        let changed = signed.replacingOccurrences(of: from, with: to)
        #expect(Fixtures.verificationError(Fixtures.bytes(changed)) == code)
    }

    @Test func keyInfoWithoutCertificateIsRefused() throws {
        let signed = Fixtures.string(try Fixtures.signed())
        let start = try #require(signed.range(of: "<ds:KeyInfo>"))
        let end = try #require(signed.range(of: "</ds:KeyInfo>"))
        let stripped = signed.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        #expect(Fixtures.verificationError(Fixtures.bytes(stripped)) == .sigCertificateMissing)
    }

    // MARK: Concurrency

    @Test func concurrentVerificationsShareOneVerifier() async throws {
        let documents = try [TestPKI.Participant.companyHead, .entrepreneur, .revoked, .buyerHead].map {
            try Fixtures.signed(by: $0)
        }
        let results = await withTaskGroup(of: ErrorCode?.self) { group in
            for index in 0..<64 { group.addTask { Fixtures.verificationError(documents[index % 4]) } }
            var results: [ErrorCode?] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.filter { $0 == nil }.count == 48)
        #expect(results.filter { $0 == .certRevoked }.count == 16)
    }

    private func replacingCertificate(in text: String, with certificate: Certificate) throws -> String {
        let start = try #require(text.range(of: "<ds:X509Certificate>"))
        let end = try #require(text.range(of: "</ds:X509Certificate>"))
        return text.replacingCharacters(
            in: start.upperBound..<end.lowerBound, with: Data(certificate.der).base64EncodedString())
    }
}
