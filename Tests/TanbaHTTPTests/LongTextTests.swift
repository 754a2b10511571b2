import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaStore
import TanbaXML
import Testing

/// Issue #11, item 8, over real HTTP: a text longer than the parser's limit (10 MB) is refused as XML_TOO_LARGE,
/// never decided on a tree libxml2 cut short (a text with character references over its limit) nor let through
/// (a plain text, which libxml2 does not limit at all on that path).
@Suite struct LongTextTests {
    /// The test hub's shipment with the buyer's name `text` long, signed over the whole text (the signer is told
    /// to allow it: only the hub's limit is under test).
    static func shipment(_ hub: HTTPTests.Hub, name text: String) throws -> ByteBuffer {
        let xml = HTTPTests.shipment(hub.codes).replacingOccurrences(
            of: "<Buyer><BIN>\(HTTPTests.buyer)</BIN><Name>ТОО</Name>",
            with: "<Buyer><BIN>\(HTTPTests.buyer)</BIN><Name>\(text)</Name>")
        let signer = try DocumentSigner(
            keyFile: HTTPTests.pki.keyFile(.companyHead), certificateFile: HTTPTests.pki.certificateFile(.companyHead))
        return ByteBuffer(
            bytes: try signer.sign(
                Array(xml.utf8), limits: ParseLimits(maxBytes: 1 << 30, maxTextBytes: 1 << 30)))
    }

    /// Texts over the limit, by what they exercise (built here: a test's arguments are printed in its report).
    static func text(_ case: String) -> String {
        switch `case` {
        case "character references, once cut short by libxml2":
            String(repeating: "abcdefg&amp;&#x41;", count: 1_200_000)  // 10.8 MB once decoded
        default: String(repeating: "x", count: 50_000_000)
        }
    }

    @Test(arguments: ["character references, once cut short by libxml2", "plain text of 50 MB, not limited by libxml2"])
    func aTextOverTheLimitIsRefusedAsTooLarge(_ case: String) async throws {
        let text = Self.text(`case`)
        let hub = try HTTPTests.hub()
        let body = try Self.shipment(hub, name: text)
        let ledger = try hub.store.contentFingerprint()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller), body: body)
            { response in
                let receipt = String(buffer: response.body)
                #expect(response.status == .unprocessableContent, "\(`case`)")
                #expect(receipt.contains("code=\"XML_TOO_LARGE\""), "\(`case`): \(receipt.prefix(3000))")
            }
        }
        #expect(try hub.store.contentFingerprint() == ledger)
        let submissions = try hub.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "submit" }
        #expect(submissions.map(\.result) == ["422 XML_TOO_LARGE"], "\(`case`)")
    }
}
