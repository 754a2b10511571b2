import Foundation
import TanbaErrors
import TanbaTestSupport
import TanbaXML
import Testing

/// The safe parser: every defence from docs/SECURITY.md, each with the code it answers.
@Suite struct ParsingTests {
    @Test func parsesTheValidSampleWithUTF8Intact() throws {
        let document = try XMLDocument.parse(Fixtures.validShipment)
        #expect(document.root.name == "Shipment")
        #expect(document.root.namespaceURI == "urn:kz:tanba:shipment:1")
        let seller = try #require(
            document.root.child(named: "Header", namespace: "urn:kz:tanba:shipment:1")?
                .child(named: "Seller", namespace: "urn:kz:tanba:shipment:1"))
        #expect(seller.children.map(\.text).contains("ТОО «Алатау Дистрибьюшн»"))
    }

    @Test func malformedXMLIsReportedWithItsLine() throws {
        let error = expectCode(.xmlMalformed) {
            _ = try XMLDocument.parse(try Fixtures.sample("invalid/malformed.xml"))
        }
        #expect(error?.diagnostics.first?.line == 41)
        #expect(error?.diagnostics.first?.message.contains("Opening and ending tag mismatch") == true)
    }

    @Test func emptyInputIsMalformed() {
        expectCode(.xmlMalformed) { _ = try XMLDocument.parse([UInt8]()) }
    }

    @Test(arguments: ["xxe-external-entity.xml", "billion-laughs.xml", "xxe-parameter-entity.xml", "doctype-only.xml"])
    func everyDoctypeIsRefused(file: String) throws {
        let bytes = try Fixtures.sample("invalid/\(file)")
        let error = expectCode(.xmlDoctypeForbidden) { _ = try XMLDocument.parse(bytes) }
        #expect(error?.diagnostics.first?.line != nil)
    }

    /// The XXE payload must not reach the tree: refusing happens at the DOCTYPE, before any entity exists.
    @Test func externalEntityIsNeverResolved() throws {
        let doc = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>"
        expectCode(.xmlDoctypeForbidden) { _ = try XMLDocument.parse(Fixtures.bytes(doc)) }
        // Even a DOCTYPE after a comment or with a system id is caught.
        expectCode(.xmlDoctypeForbidden) {
            _ = try XMLDocument.parse(Fixtures.bytes("<!-- c --><!DOCTYPE r SYSTEM \"http://127.0.0.1:9/x.dtd\"><r/>"))
        }
    }

    /// Issue #11, item 8: libxml2 cuts a text with character references short at 10,000,000 bytes (and only says
    /// so with an error it can leave the tree well-formed after), and does not limit a plain text at all on its
    /// fast path. Both are refused whole, and a text just under the limit still parses intact.
    @Test(arguments: ["cut short by libxml2", "plain, not limited by libxml2", "split by CDATA"])
    func aTextOverTheLimitIsRefusedNotCutShort(_ case: String) throws {
        // Built here: a test's arguments are printed in its report.
        let text =
            switch `case` {
            case "cut short by libxml2": String(repeating: "abcdefg&amp;&#x41;", count: 1_200_000)  // 10.8 MB decoded
            case "split by CDATA":
                String(repeating: "<![CDATA[" + String(repeating: "y", count: 1000) + "]]>", count: 10_001)
            default: String(repeating: "x", count: 50_000_000)
            }
        let error = expectCode(.xmlTooLarge, `case`) { _ = try XMLDocument.parse(Fixtures.bytes("<r>\(text)</r>")) }
        #expect(error?.diagnostics.count == 1)
    }

    @Test func aTextWithinTheLimitParsesWhole() throws {
        let text = String(repeating: "abcdefg&amp;&#x41;", count: 1_000_000)
        let document = try XMLDocument.parse(Fixtures.bytes("<r>\(text)</r>"))
        #expect(document.root.text.utf8.count == 9_000_000)
    }

    /// What signs a document checks the same limit: nothing signs a tree that is not the whole document.
    @Test func signingRefusesATextOverTheLimit() throws {
        let signer = try DocumentSigner(
            keyFile: Fixtures.pki.keyFile(.companyHead), certificateFile: Fixtures.pki.certificateFile(.companyHead))
        let long = "<r xmlns=\"urn:x\">" + String(repeating: "abcdefg&amp;&#x41;", count: 1_200_000) + "</r>"
        expectCode(.xmlTooLarge) { _ = try signer.sign(Array(long.utf8)) }
    }

    /// A million-fold expansion would take seconds and gigabytes; refusing takes microseconds.
    @Test func billionLaughsDoesNotExpand() throws {
        var doc = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            doc += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        doc += "]><lolz>&lol9;</lolz>"
        let start = ContinuousClock.now
        expectCode(.xmlDoctypeForbidden) { _ = try XMLDocument.parse(Fixtures.bytes(doc)) }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func oversizeInputIsRefusedBeforeParsing() throws {
        let limits = ParseLimits(maxBytes: 1024, maxDepth: 64)
        let error = expectCode(.xmlTooLarge) { _ = try XMLDocument.parse(Fixtures.validShipment, limits: limits) }
        #expect(error?.message.contains("1024") == true)
        let file = try Fixtures.temporaryFile(Fixtures.validShipment)
        expectCode(.xmlTooLarge) { _ = try XMLDocument.parse(contentsOf: file, limits: limits) }
    }

    static func nested(_ depth: Int) -> [UInt8] {
        Fixtures.bytes(String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth))
    }

    @Test func tooDeepIsRefusedAtTheConfiguredLimit() throws {
        let error = expectCode(.xmlTooDeep) { _ = try XMLDocument.parse(Self.nested(65)) }
        #expect(error?.diagnostics.first?.path?.hasPrefix("/a/a/a") == true)
        _ = try XMLDocument.parse(Self.nested(64))
        _ = try XMLDocument.parse(Self.nested(100), limits: ParseLimits(maxDepth: 100))
    }

    /// libxml2's own 256-level guard (no XML_PARSE_HUGE) answers with the same code.
    @Test func libxml2HardDepthLimitMapsToTooDeep() {
        expectCode(.xmlTooDeep) {
            _ = try XMLDocument.parse(Self.nested(10_000), limits: ParseLimits(maxDepth: 10_000))
        }
    }

    @Test func unknownFileIsAFileError() {
        expectCode(.fileUnreadable) {
            _ = try XMLDocument.parse(contentsOf: URL(fileURLWithPath: "/nonexistent/x.xml"))
        }
    }

    @Test func lineNumbersPast65535AreKept() throws {
        let body = String(repeating: "<b/>\n", count: 70_000)
        let document = try XMLDocument.parse(Fixtures.bytes("<a>\n\(body)<c/></a>"))
        #expect(document.root.children.last?.line == 70_002)
    }
}
