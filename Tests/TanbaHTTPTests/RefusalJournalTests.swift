import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaErrors
import TanbaPipeline
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// Issue #11, item 6: a refusal's journal entry belongs to the participant whose submission made it. Another
/// participant re-posting the same bytes (so the same document id) gets a refusal of its own and changes nothing
/// of the first entry: not its submitter, not its receipt.
@Suite struct RefusalJournalTests {
    @Test(arguments: TestBackend.available) func anotherParticipantsReplayDoesNotTakeOverARefusalEntry(
        _ backend: TestBackend
    ) async throws {
        let hub = try HTTPTests.hub(backend)
        let app = hub.api.application(host: "127.0.0.1", port: 0)
        let refused = try HTTPTests.signed(
            HTTPTests.shipment(["0104870001000011219999999999999"]), by: .companyHead)
        let (documentID, receipt, ledger) = try await app.test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            let (documentID, receipt) = try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(seller), body: refused
            ) { response in
                #expect(response.status == .unprocessableContent)
                return (response.headers[HTTPField.Name("X-Tanba-Document")!] ?? "", String(buffer: response.body))
            }
            let ledger = try hub.store.contentFingerprint()
            // The buyer replays the seller's refused document: it gets its own refusal, as an answer.
            try await client.execute(
                uri: "/v1/documents", method: .post, headers: HTTPTests.bearer(buyer), body: refused
            ) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[HTTPField.Name("X-Tanba-Document")!] == documentID)
                let answer = String(buffer: response.body)
                #expect(answer.contains("code=\"AUTH_FORBIDDEN\"") && answer != receipt)
            }
            // The seller still reads its own refusal, unchanged.
            try await HTTPTests.expectRefusal(documentID, receipt: receipt, code: "CODE_NOT_FOUND", as: seller, client)
            return (documentID, receipt, ledger)
        }
        let entry = try #require(try hub.store.read { try $0.rejection(id: documentID) })
        #expect(entry.submitter == HTTPTests.seller && entry.code == "CODE_NOT_FOUND")
        #expect(String(decoding: entry.receipt, as: UTF8.self) == receipt)
        #expect(try hub.store.contentFingerprint() == ledger)
        // The replay is audited as the buyer's own refused attempt on that document.
        let submissions = try hub.store.read { try $0.audit(after: 0, limit: 100) }.filter { $0.action == "submit" }
        #expect(submissions.map(\.result) == ["422 CODE_NOT_FOUND", "403 AUTH_FORBIDDEN"])
        #expect(submissions.map(\.participant) == [HTTPTests.seller, HTTPTests.buyer])
        #expect(submissions.allSatisfy { $0.object == documentID })
    }

    /// The rule lives in the database: even a statement asking to replace an entry leaves it as it was.
    @Test(.blocking, arguments: TestBackend.available) func theStoreKeepsTheFirstRefusalEntryWhateverTheStatement(
        _ backend: TestBackend
    ) throws {
        let hub = try HTTPTests.hub(backend)
        let first = RejectionRecord(
            id: "DOC-1", submitter: "A", type: nil, sender: nil, number: nil, receivedAt: Date(), code: "X",
            receipt: [1])
        try hub.store.write { try $0.save(first) }
        try hub.store.write {
            try $0.save(
                RejectionRecord(
                    id: "DOC-1", submitter: "C", type: nil, sender: nil, number: nil, receivedAt: Date(), code: "Y",
                    receipt: [2]))
        }
        let kept = try #require(try hub.store.read { try $0.rejection(id: "DOC-1") })
        #expect(kept.submitter == "A" && kept.code == "X" && kept.receipt == [1])
        // A statement that asks to replace the entry is skipped by the database, and one that changes or removes
        // it is refused.
        let replace = try HTTPTests.sql(
            backend == .sqlite
                ? "INSERT OR REPLACE INTO rejections (id, submitter, received_at, code, receipt) "
                    + "VALUES ('DOC-1', 'C', 0, 'Y', x'02')"
                : "INSERT INTO rejections (id, submitter, received_at, code, receipt) "
                    + "VALUES ('DOC-1', 'C', 0, 'Y', '\\x02')",
            on: hub.store, backend)
        #expect(replace.status == 0, "\(replace.error)")
        for statement in ["UPDATE rejections SET submitter = 'C'", "DELETE FROM rejections"] {
            #expect(try HTTPTests.sql(statement, on: hub.store, backend).status != 0, "\(statement)")
        }
        let after = try #require(try hub.store.read { try $0.rejection(id: "DOC-1") })
        #expect(after.submitter == "A" && after.code == "X")
    }
}
