import Foundation
import TanbaSQLite
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// Inbox and outbox pages: keyset paging that neither repeats nor skips a document, even when many share one
/// received time, the filters, and a plan that reads the index in order instead of sorting.
@Suite struct DocumentPageTests {
    static let me = "031240500125"
    static let seller = "050140001238"
    static let other = "850315300128"

    let store: any HubStore

    /// A new, empty store on `backend`.
    init(_ backend: TestBackend) throws {
        store = try backend.makeStore()
    }

    /// 25 documents to `me`: groups of five share a received time (a batch decided in one instant), types and
    /// senders alternate, document dates run over five days.
    func seed() throws -> [DocumentRecord] {
        let base = Date(timeIntervalSince1970: 1_795_000_000.123_456)
        let documents = (0..<25).map { (index: Int) -> DocumentRecord in
            let id = String(format: "DOC-%03d", (index * 7) % 25)
            let type = index % 2 == 0 ? "shipment" : "withdrawal"
            let sender = index % 3 == 0 ? Self.other : Self.seller
            let status: DocumentStatus = index % 4 == 0 ? .accepted : .waitingForCounterparty
            let receivedAt = base + Double(index / 5) * 60
            return DocumentRecord(
                id: id, type: type, sender: sender, number: "N-\(index)", date: "2026-11-\(20 + index % 5)",
                recipient: Self.me, receivedAt: receivedAt, status: status, digest: "d\(index)", content: [],
                receipt: [])
        }
        try store.write { tx in for document in documents { try tx.save(document) } }
        try store.write { tx in
            try tx.save(
                DocumentRecord(
                    id: "DOC-OUT", type: "shipment", sender: Self.me, number: "OUT-1", date: "2026-11-20",
                    recipient: Self.seller, receivedAt: base, status: .accepted, digest: "out", content: [],
                    receipt: []))
        }
        return documents
    }

    /// Every page in turn, following `next` until it is nil.
    func all(_ filter: DocumentFilter) throws -> (ids: [String], pages: Int) {
        var filter = filter
        var ids: [String] = []
        var pages = 0
        repeat {
            let page = try store.read { try $0.documentPage(filter) }
            pages += 1
            ids += page.documents.map(\.id)
            #expect(page.documents.count <= filter.limit)
            guard let next = page.next else { break }
            // The cursor a client sees is a string; it must read back to the same position.
            guard let decoded = DocumentCursor(encoded: next.encoded) else {
                Issue.record("cursor \(next.encoded) does not read back")
                break
            }
            filter.after = decoded
            #expect(filter.after == next)
        } while pages < 100
        return (ids, pages)
    }

    @Test(arguments: TestBackend.available) static func pagesWalkTheWholeListNewestFirstWithoutRepeatsOrGaps(
        _ backend: TestBackend
    ) throws {
        try Self(backend).pagesWalkTheWholeListNewestFirstWithoutRepeatsOrGaps()
    }

    func pagesWalkTheWholeListNewestFirstWithoutRepeatsOrGaps() throws {
        let documents = try seed()
        let expected = documents.sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }.map(\.id)
        let walked = try all(DocumentFilter(recipient: Self.me, limit: 4))
        #expect(walked.ids == expected)
        #expect(walked.pages == 7)
        // A page that ends exactly at the last document says so: no empty page to fetch.
        #expect(try all(DocumentFilter(recipient: Self.me, limit: 5)).pages == 5)
        #expect(try all(DocumentFilter(recipient: Self.me, limit: 1000)).ids == expected)
    }

    @Test(arguments: TestBackend.available) static func filtersNarrowThePagesAndCombine(_ backend: TestBackend) throws {
        try Self(backend).filtersNarrowThePagesAndCombine()
    }

    func filtersNarrowThePagesAndCombine() throws {
        let documents = try seed()
        func expected(_ keep: (DocumentRecord) -> Bool) -> [String] {
            documents.filter(keep).sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }.map(\.id)
        }
        #expect(
            try all(DocumentFilter(sender: Self.other, recipient: Self.me, limit: 2)).ids
                == expected { $0.sender == Self.other })
        #expect(
            try all(DocumentFilter(recipient: Self.me, type: "withdrawal", status: .waitingForCounterparty, limit: 3))
                .ids == expected { $0.type == "withdrawal" && $0.status == .waitingForCounterparty })
        let start = documents[5].receivedAt
        let end = documents[15].receivedAt
        #expect(
            try all(DocumentFilter(recipient: Self.me, receivedFrom: start, receivedBefore: end, limit: 3)).ids
                == expected { $0.receivedAt >= start && $0.receivedAt < end })
        #expect(
            try all(DocumentFilter(recipient: Self.me, dateFrom: "2026-11-21", dateTo: "2026-11-22", limit: 3)).ids
                == expected { $0.date >= "2026-11-21" && $0.date <= "2026-11-22" })
        #expect(try all(DocumentFilter(sender: Self.me, limit: 10)).ids == ["DOC-OUT"])
    }

    @Test static func aCursorIsOpaqueAndAnythingElseIsNoCursor() {
        let cursor = DocumentCursor(receivedAt: 1_795_000_000.123_456_7, id: "DOC-abc")
        #expect(!cursor.encoded.contains("DOC"))
        #expect(DocumentCursor(encoded: cursor.encoded) == cursor)
        for bad in [
            "", "x", "not base64!", cursor.encoded + "$", Data("v2|1|DOC".utf8).base64EncodedString(),
            Data("v1|nan|DOC".utf8).base64EncodedString(), Data("v1|1|".utf8).base64EncodedString(),
        ] {
            #expect(DocumentCursor(encoded: bad) == nil, "\(bad)")
        }
    }

    /// Inbox and outbox pages are read off `(recipient | sender, received_at, id)` in order: no full scan, no
    /// sort of the whole mailbox, however far the cursor is.
    @Test static func pagesAreReadOffAnIndexInOrderInSQLite() throws {
        let store = try #require(try TestBackend.sqlite.makeStore() as? SQLiteStore)
        let cursor = DocumentCursor(receivedAt: 1_795_000_000, id: "DOC-X")
        let plans = [
            try store.documentQueryPlan(DocumentFilter(recipient: Self.me, after: cursor, limit: 50)),
            try store.documentQueryPlan(DocumentFilter(sender: Self.me, type: "shipment", after: cursor, limit: 50)),
            try store.documentQueryPlan(
                DocumentFilter(
                    recipient: Self.me, status: .accepted, receivedFrom: Date(timeIntervalSince1970: 0), limit: 50)),
        ]
        #expect(
            plans[0].contains("USING COVERING INDEX documents_recipient") || plans[0].contains("documents_recipient"))
        #expect(plans[1].contains("documents_sender_received"))
        // Every submission looks its number up: by (sender, number), never by walking the sender's documents in
        // time order (which the list index invites, and which grew slower with every document kept).
        #expect(try store.numberLookupPlan().contains("USING INDEX documents_sender (sender=? AND number=?)"))
        #expect(plans[2].contains("documents_recipient"))
        for plan in plans {
            #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            #expect(!plan.contains("SCAN documents"), "\(plan)")
        }
    }
}
