import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaFolders
import TanbaStore
import TanbaXML
import Testing

/// One document, two channels: what an ERP posted over HTTP and what a clerk later drops, re-saved by a Windows
/// editor, into the participant's folder are the same document (same canonical form): the folder gets the
/// original receipt, and the codes move once. A refused document's receipt can be fetched again by its id, by
/// its submitter only.
@Suite struct ChannelIdentityTests {
    @Test func aDocumentPostedThenDroppedIsRecognisedAndAppliedOnce() async throws {
        let hub = try HTTPTests.hub()
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        let signed = try HTTPTests.signed(HTTPTests.shipment(hub.codes), by: .companyHead)
        let (documentID, receipt) = try await app.test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            return try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller), body: signed
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return (response.headers[HTTPField.Name("X-Tanba-Document")!] ?? "", String(buffer: response.body))
            }
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-channels-\(UUID().uuidString)")
        let folder = root.appendingPathComponent(HTTPTests.seller)
        try DropFolders.prepare(folder)
        let windows = String(buffer: signed).replacingOccurrences(of: "\n", with: "\r\n")
            .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "<?xml version='1.0'?>")
        try Data(windows.utf8).write(to: folder.appendingPathComponent("in/shipment.xml"))
        let pass = try DropFolders(root: root, pipeline: hub.api.pipeline).runOnce()
        #expect(pass.accepted == ["shipment.xml"] && pass.rejected.isEmpty, "\(pass)")
        let dropped = try String(
            contentsOf: folder.appendingPathComponent("out/shipment.receipt.xml"), encoding: .utf8)
        #expect(dropped == receipt && dropped.contains(documentID))
        let history = try hub.store.read { try $0.events(of: hub.codes[0]) }
        #expect(history.filter { $0.document == documentID }.count == 1)
        // Both submissions audited, each on its channel, both naming the one document.
        let submissions = try hub.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "submit" }
        #expect(submissions.map(\.channel) == ["http", "folder"] && submissions.allSatisfy { $0.object == documentID })
        #expect(submissions.map(\.result) == ["200", "accepted"])
    }

    @Test func aRefusedDocumentsReceiptIsKeptForItsSubmitterOnly() async throws {
        let hub = try HTTPTests.hub()
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            let unknown = "0104870001000011219999999999999"
            let (documentID, receipt) = try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller),
                body: try HTTPTests.signed(HTTPTests.shipment([unknown]), by: .companyHead)
            ) { response in
                #expect(response.status == .unprocessableContent)
                return (response.headers[HTTPField.Name("X-Tanba-Document")!] ?? "", String(buffer: response.body))
            }
            try await HTTPTests.expectRefusal(documentID, receipt: receipt, code: "CODE_NOT_FOUND", as: seller, client)
            // The refused bytes are not kept: only the answer to them.
            try await client.execute(
                uri: "/v1/documents/\(documentID)", method: .get, headers: HTTPTests.bearer(seller)
            ) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("NOT_FOUND"))
            }
            // The buyer is named in it but did not submit it and is not its sender.
            try await client.execute(
                uri: "/v1/documents/\(documentID)/receipt", method: .get, headers: HTTPTests.bearer(buyer)
            ) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("AUTH_FORBIDDEN"))
            }
        }
        // Nothing of the ledger changed: the code is still the seller's, in circulation, unlocked.
        let code = try hub.store.read { try $0.code(hub.codes[0]) }
        #expect(code?.lockedBy == nil && code?.owner == HTTPTests.seller)
        // The refusal was audited once (with its receipt, in one transaction), with the first error's code.
        let submissions = try hub.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "submit" }
        #expect(
            submissions.map(\.result) == ["422 CODE_NOT_FOUND"] && submissions.first?.participant == HTTPTests.seller)
        #expect(submissions.first?.address == "127.0.0.1" && submissions.first?.channel == "http")
    }
}
