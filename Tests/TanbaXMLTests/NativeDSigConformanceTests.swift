import Foundation
import TanbaErrors
import Testing

@testable import TanbaXML

/// The hub verifies RSA and ECDSA signatures with its own engine (`NativeDSig`: the reference rendered without
/// libxml2's node-set walk, OpenSSL for the signature value); xmlsec1, which signs them, is the reference its
/// verdicts must equal. Each case is a signed document, as signed or changed after signing, verified by both.
@Suite struct NativeDSigConformanceTests {
    /// A verdict: nil when the signature holds, else its code.
    private func native(_ bytes: [UInt8]) throws -> ErrorCode? {
        let document = try XMLDocument.parse(bytes)
        let element = try SignatureShape.signatures(in: document, maximum: 1)[0]
        let shape = try SignatureShape(element, suite: .standard)
        let (leaf, _) = try shape.decodeSignerCertificate()
        let before = document.serialized()
        defer {
            // Rendering takes nodes out of the tree and puts them back: the tree must be as it was.
            #expect(document.serialized() == before, "the document changed while it was verified")
        }
        do {
            try NativeDSig.verify(shape, in: document, key: .evp(try EVPPublicKey(publicKeyOf: leaf)))
            return nil
        } catch let error as TanbaError {
            return error.code
        }
    }

    private func xmlsec(_ bytes: [UInt8]) throws -> ErrorCode? {
        let document = try XMLDocument.parse(bytes)
        let element = try SignatureShape.signatures(in: document, maximum: 1)[0]
        let shape = try SignatureShape(element, suite: .standard)
        let (leaf, _) = try shape.decodeSignerCertificate()
        do {
            try SignatureVerifier.verifyWithXMLSec(shape, key: try XMLSecKey(publicKeyOf: leaf))
            return nil
        } catch let error as TanbaError {
            return error.code
        }
    }

    /// Documents that exercise what canonical XML renders: namespaces declared on the root and used below it or
    /// not, `xml:lang` inherited (inclusive C14N renders it on SignedInfo), comments, a processing instruction and
    /// a comment beside the root, character references, CDATA, attributes out of order, white space between
    /// elements.
    static let documents: [(name: String, text: String)] = [
        ("the sample shipment", String(decoding: Fixtures.validShipment, as: UTF8.self)),
        (
            "namespaces, xml:lang, comments and a PI beside the root",
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <?tanba note="before the root"?>
            <!-- a comment before the root -->
            <d:Doc xmlns:d="urn:tanba:test" xmlns:unused="urn:tanba:unused" xml:lang="kk" b="2" a="1">
              <d:Line n="1">Қазақ &amp; тілі &#x41;&#13;</d:Line>
              <!-- a comment inside -->
              <d:Line n="2"><![CDATA[<not markup>]]></d:Line>
              <Plain xmlns="urn:tanba:default"><Inner attr="x &lt; y"/></Plain>
            </d:Doc>
            <!-- a comment after the root -->
            """
        ),
        (
            "a root with no white space at all",
            "<Root xmlns=\"urn:tanba:flat\"><A>1</A><B>2</B></Root>"
        ),
    ]

    static let cases: [(participant: TestPKI.Participant, profile: SigningProfile)] = [
        (.companyHead, .standard), (.companyHead, .ncaLayer), (.companyEmployee, .standard),
        (.companyEmployee, .ncaLayer),
    ]

    /// What is done to a signed document, and the verdict both engines must reach.
    static let changes: [(name: String, change: @Sendable (String) -> String)] = [
        ("as signed", { $0 }),
        (
            "the signature moved to be the root's first child",
            { text in
                guard let start = text.range(of: "<ds:Signature"), let end = text.range(of: "</ds:Signature>"),
                    let rootEnd = text.range(of: ">", range: Self.rootStart(text)!.upperBound..<text.endIndex)
                else { return text }
                let signature = String(text[start.lowerBound..<end.upperBound])
                var moved = text
                moved.removeSubrange(start.lowerBound..<end.upperBound)
                moved.insert(contentsOf: signature, at: moved.index(after: rootEnd.lowerBound))
                return moved
            }
        ),
        (
            "white space added beside the signature",
            { $0.replacingOccurrences(of: "<ds:Signature", with: "\n <ds:Signature") }
        ),
        (
            "a comment added beside the signature",
            { $0.replacingOccurrences(of: "<ds:Signature", with: "<!-- c --><ds:Signature") }
        ),
        ("a character changed in the content", { Self.changeFirstDigit($0) }),
        ("an attribute added to the root", { text in Self.insertIntoRootTag(text, " extra=\"1\"") }),
        ("a namespace declared on the root", { text in Self.insertIntoRootTag(text, " xmlns:more=\"urn:more\"") }),
        ("the digest value changed", { Self.replaceBase64(in: $0, element: "DigestValue") }),
        ("the signature value changed", { Self.replaceBase64(in: $0, element: "SignatureValue") }),
        ("the signature value cut short", { Self.truncateBase64(in: $0, element: "SignatureValue") }),
        (
            "SignedInfo changed in white space",
            { $0.replacingOccurrences(of: "<ds:SignedInfo>", with: "<ds:SignedInfo> ") }
        ),
        (
            "a comment added inside SignedInfo",
            { $0.replacingOccurrences(of: "<ds:SignedInfo>", with: "<ds:SignedInfo><!--c-->") }
        ),
    ]

    @Test(arguments: 0..<(documents.count * cases.count))
    func nativeVerdictsAreXMLSecs(index: Int) throws {
        let document = Self.documents[index / Self.cases.count]
        let (participant, profile) = Self.cases[index % Self.cases.count]
        let signed = String(
            decoding: try Fixtures.signer(participant, profile: profile).sign(Array(document.text.utf8)), as: UTF8.self)
        var verdicts: [String: ErrorCode?] = [:]
        for (name, change) in Self.changes {
            let changed = change(signed)
            if name != "as signed" { #expect(changed != signed, "\(name) changed nothing in \(document.name)") }
            let expected = try xmlsec(Array(changed.utf8))
            let actual = try native(Array(changed.utf8))
            #expect(
                actual == expected,
                "\(document.name), \(participant) \(profile.name), \(name): native \(String(describing: actual)), xmlsec \(String(describing: expected))"
            )
            verdicts[name] = actual
        }
        // The verdicts themselves, so that both engines agreeing on a wrong answer still fails.
        #expect(verdicts["as signed"]! == nil)
        #expect(verdicts["the signature moved to be the root's first child"]! == nil)
        #expect(verdicts["white space added beside the signature"]! == .sigDigestMismatch)
        #expect(verdicts["a character changed in the content"]! == .sigDigestMismatch)
        #expect(verdicts["the digest value changed"]! == .sigDigestMismatch)
        #expect(verdicts["the signature value changed"]! == .sigValueInvalid)
        #expect(verdicts["the signature value cut short"]! == .sigValueInvalid)
        #expect(verdicts["SignedInfo changed in white space"]! == .sigValueInvalid)
        // URI="" drops comments (XMLDSig 4.3.3.3), SignedInfo's canonical form keeps none without #WithComments.
        #expect(verdicts["a comment added beside the signature"]! == nil)
    }

    /// Exclusive C14N with InclusiveNamespaces: a prefix the list names is rendered where exclusive C14N would drop
    /// it, so a namespace declared on the root and named in the list is signed even where it is not used.
    @Test func inclusivePrefixesAreRendered() throws {
        let text = """
            <r:Root xmlns:r="urn:r" xmlns:kept="urn:kept" xmlns:dropped="urn:dropped"><r:A>1</r:A><r:X/></r:Root>
            """
        let document = try XMLDocument.parse(Array(text.utf8))
        let x = try #require(document.root.children.last)
        let withList = try Canonicalizer.canonicalize(
            document, .excluding(x.node), method: XMLDSigURI.exclusiveC14N, inclusivePrefixes: ["kept"])
        let without = try Canonicalizer.canonicalize(document, .excluding(x.node), method: XMLDSigURI.exclusiveC14N)
        #expect(
            String(decoding: withList, as: UTF8.self)
                == "<r:Root xmlns:kept=\"urn:kept\" xmlns:r=\"urn:r\"><r:A>1</r:A></r:Root>")
        #expect(String(decoding: without, as: UTF8.self) == "<r:Root xmlns:r=\"urn:r\"><r:A>1</r:A></r:Root>")
    }

    /// SignedInfo's inclusive canonical form carries what it inherits from the root (namespaces, `xml:lang`) and
    /// nothing of the root's other children, and the tree is whole again afterwards.
    @Test func aSubtreeIsRenderedWithWhatItInherits() throws {
        let text = """
            <?pi before?><!--c--><r:Root xmlns:r="urn:r" xml:lang="ru" a="1"><r:A>1</r:A><r:B x="y"><r:C/></r:B>\
            <r:D/></r:Root>
            """
        let document = try XMLDocument.parse(Array(text.utf8))
        let before = document.serialized()
        let b = try #require(document.root.children.first { $0.name == "B" })
        let inclusive = try Canonicalizer.canonicalize(document, .subtree(b.node), method: XMLDSigURI.inclusiveC14N)
        #expect(
            String(decoding: inclusive, as: UTF8.self)
                == "<r:B xmlns:r=\"urn:r\" x=\"y\" xml:lang=\"ru\"><r:C></r:C></r:B>")
        let exclusive = try Canonicalizer.canonicalize(document, .subtree(b.node), method: XMLDSigURI.exclusiveC14N)
        #expect(String(decoding: exclusive, as: UTF8.self) == "<r:B xmlns:r=\"urn:r\" x=\"y\"><r:C></r:C></r:B>")
        #expect(document.serialized() == before)
        // Excluding B: its siblings stay, in order.
        let rest = try Canonicalizer.canonicalize(document, .excluding(b.node), method: XMLDSigURI.inclusiveC14N)
        #expect(
            String(decoding: rest, as: UTF8.self)
                == "<?pi before?>\n<r:Root xmlns:r=\"urn:r\" a=\"1\" xml:lang=\"ru\"><r:A>1</r:A><r:D></r:D></r:Root>")
        #expect(document.serialized() == before)
    }

    // MARK: Text surgery on a signed document

    private static func rootStart(_ text: String) -> Range<String.Index>? {
        // The first start tag that is not a declaration, processing instruction or comment.
        var searchFrom = text.startIndex
        while let open = text.range(of: "<", range: searchFrom..<text.endIndex) {
            let next = text[open.upperBound...].first
            if next != "?" && next != "!" { return open }
            searchFrom = open.upperBound
        }
        return nil
    }

    private static func insertIntoRootTag(_ text: String, _ addition: String) -> String {
        guard let open = rootStart(text), let close = text.range(of: ">", range: open.upperBound..<text.endIndex)
        else { return text }
        var changed = text
        changed.insert(contentsOf: addition, at: close.lowerBound)
        return changed
    }

    private static func changeFirstDigit(_ text: String) -> String {
        // A digit of the content (before the signature), not of the signature.
        guard let signature = text.range(of: "<ds:Signature") else { return text }
        guard let digit = text[..<signature.lowerBound].lastIndex(where: { $0.isNumber && $0 != "0" }) else {
            return text
        }
        var changed = text
        changed.replaceSubrange(digit...digit, with: "0")
        return changed
    }

    private static func replaceBase64(in text: String, element: String) -> String {
        guard let start = text.range(of: "<ds:\(element)>"), let end = text.range(of: "</ds:\(element)>") else {
            return text
        }
        let value = text[start.upperBound..<end.lowerBound]
        // Flip one base64 character, keeping the value's length.
        let first = value.first!
        let flipped = value.replacingCharacters(
            in: value.startIndex...value.startIndex, with: first == "A" ? "B" : "A")
        return text.replacingCharacters(in: start.upperBound..<end.lowerBound, with: flipped)
    }

    private static func truncateBase64(in text: String, element: String) -> String {
        guard let start = text.range(of: "<ds:\(element)>"), let end = text.range(of: "</ds:\(element)>"),
            let bytes = Data(
                base64Encoded: String(text[start.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters)
        else { return text }
        return text.replacingCharacters(
            in: start.upperBound..<end.lowerBound, with: bytes.dropLast().base64EncodedString())
    }
}
