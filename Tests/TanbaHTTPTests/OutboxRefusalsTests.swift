import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaHTTP
import TanbaSQLite
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// Refused documents are in their submitter's outbox, in keyset order with the accepted ones, with the first
/// error's code; the filters apply to them; they are in nobody's inbox.
@Suite struct OutboxRefusalsTests {
    /// Three refusals among the seller's eight documents: two the seller submitted (one read as far as its
    /// date, one not even parsed), one a CLI submission naming the seller (no submitter); and one the buyer
    /// submitted in the seller's name, which is the buyer's.
    static func seedRefusals(_ store: any HubStore) throws -> [RejectionRecord] {
        let base = Date(timeIntervalSince1970: 1_795_000_000.5)
        let refusals = [
            RejectionRecord(
                id: "DOC-REF-1", submitter: HTTPTests.seller, type: "shipment", sender: HTTPTests.seller,
                number: "R-1", receivedAt: base + 30, code: "FLC_TOTALS", receipt: Array("<r/>".utf8),
                date: "2026-11-11"),
            RejectionRecord(
                id: "DOC-REF-2", submitter: HTTPTests.seller, type: nil, sender: nil, number: nil,
                receivedAt: base + 150, code: "XML_MALFORMED", receipt: Array("<r/>".utf8)),
            RejectionRecord(
                id: "DOC-REF-3", submitter: nil, type: "withdrawal", sender: HTTPTests.seller, number: "R-3",
                receivedAt: base + 60, code: "CODE_STATUS", receipt: Array("<r/>".utf8), date: "2026-11-30"),
            RejectionRecord(
                id: "DOC-REF-4", submitter: HTTPTests.buyer, type: "shipment", sender: HTTPTests.seller,
                number: "R-4", receivedAt: base + 90, code: "AUTH_FORBIDDEN", receipt: Array("<r/>".utf8),
                date: "2026-11-12"),
        ]
        try store.write { tx in for refusal in refusals { try tx.save(refusal) } }
        return refusals
    }

    @Test(arguments: TestBackend.available) func refusedDocumentsAreInTheSubmittersOutbox(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend)
        let documents = try ListAndReferenceTests.seedInbox(hub.store).filter { $0.sender == HTTPTests.seller }
        let refusals = try Self.seedRefusals(hub.store)
        let mine = refusals.filter { ($0.submitter ?? $0.sender) == HTTPTests.seller }
        let newestFirst =
            (documents.map { ($0.receivedAt, $0.id) } + mine.map { ($0.receivedAt, $0.id) })
            .sorted { $0 > $1 }.map(\.1)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let seller = try await HTTPTests.login(client, as: .companyHead)
            func page(_ query: String, _ token: String? = nil) async throws -> (rows: [[String: Any]], next: String?) {
                try await client.execute(
                    uri: "/v1/outbox?\(query)", method: .get, headers: HTTPTests.bearer(token ?? seller)
                ) {
                    #expect($0.status == .ok, "\(String(buffer: $0.body))")
                    let body = try ListAndReferenceTests.object($0.body)
                    return (try #require(body["documents"] as? [[String: Any]]), body["next"] as? String)
                }
            }
            // Pages of four: every document once, refusals in their place.
            var seen: [String] = []
            var next: String? = nil
            repeat {
                let current = try await page("limit=4" + (next.map { "&after=\($0)" } ?? ""))
                seen += current.rows.compactMap { $0["id"] as? String }
                next = current.next
            } while next != nil && seen.count < 100
            #expect(seen == newestFirst)
            // status=rejected: the refusals only, each with its first error's code.
            let rejected = try await page("status=rejected").rows
            #expect(rejected.map { $0["id"] as? String } == ["DOC-REF-2", "DOC-REF-3", "DOC-REF-1"])
            #expect(rejected.map { $0["code"] as? String } == ["XML_MALFORMED", "CODE_STATUS", "FLC_TOTALS"])
            #expect(rejected.allSatisfy { $0["status"] as? String == "rejected" })
            // The filters apply to them: type, document date, received time; another status leaves them out.
            #expect(try await page("status=rejected&type=shipment").rows.map { $0["id"] as? String } == ["DOC-REF-1"])
            #expect(
                try await page("dateFrom=2026-11-30&dateTo=2026-11-30").rows.compactMap { $0["id"] as? String }
                    == ["DOC-REF-3"])
            #expect(try await page("status=accepted").rows.allSatisfy { $0["code"] == nil || $0["code"] is NSNull })
            #expect(try await page("status=accepted").rows.count == documents.filter { $0.status == .accepted }.count)
            // The buyer's own refusal is in the buyer's outbox, and in no inbox.
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            #expect(try await page("status=rejected", buyer).rows.map { $0["id"] as? String } == ["DOC-REF-4"])
            try await client.execute(uri: "/v1/inbox", method: .get, headers: HTTPTests.bearer(buyer)) {
                let rows = try #require(try ListAndReferenceTests.object($0.body)["documents"] as? [[String: Any]])
                #expect(!rows.contains { ($0["id"] as? String)?.hasPrefix("DOC-REF") == true })
            }
        }
    }

    /// A refusal of a document that was accepted later is not listed twice: the document stands as accepted.
    @Test(arguments: TestBackend.available) func aLaterAcceptanceHidesTheEarlierRefusal(_ backend: TestBackend) throws {
        let hub = try HTTPTests.hub(backend)
        let document = DocumentRecord(
            id: "DOC-TWICE", type: "shipment", sender: HTTPTests.seller, number: "T-1", date: "2026-11-20",
            recipient: HTTPTests.buyer, receivedAt: Date(timeIntervalSince1970: 1_795_000_100), status: .accepted,
            digest: "d", content: Array("<x/>".utf8), receipt: Array("<r/>".utf8))
        try hub.store.write { tx in
            try tx.save(
                RejectionRecord(
                    id: "DOC-TWICE", submitter: HTTPTests.seller, type: "shipment", sender: HTTPTests.seller,
                    number: "T-1", receivedAt: Date(timeIntervalSince1970: 1_795_000_000),
                    code: "FLC_COUNTERPARTY_UNKNOWN",
                    receipt: Array("<r/>".utf8), date: "2026-11-20"))
            try tx.save(document)
        }
        let listed = try hub.store.read { try $0.documents(DocumentFilter(sender: HTTPTests.seller)) }
        #expect(listed.map(\.id) == ["DOC-TWICE"] && listed.first?.status == .accepted)
    }

    /// The outbox with refusals is still a merge of index-ordered reads: no sort, no scan of either table.
    @Test func theOutboxWithRefusalsIsReadOffIndexesInSQLite() throws {
        let hub = try HTTPTests.hub()
        let plan = try #require(hub.store as? SQLiteStore).documentQueryPlan(
            DocumentFilter(sender: HTTPTests.seller, after: DocumentCursor(receivedAt: 1, id: "DOC-X"), limit: 50))
        #expect(plan.contains("rejections_outbox") && plan.contains("documents_sender_received"), "\(plan)")
        #expect(!plan.contains("TEMP B-TREE") && !plan.contains("SCAN"), "\(plan)")
    }
}
