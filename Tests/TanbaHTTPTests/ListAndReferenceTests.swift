import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaErrors
import TanbaHTTP
import TanbaSQLite
import TanbaStore
import Testing

/// Inbox and outbox pages with filters and a cursor; reference lists and product cards; every bad parameter
/// refused with REQUEST_PARAMETER_INVALID naming it, audited, nothing else written.
@Suite struct ListAndReferenceTests {
    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    /// Twelve documents in the buyer's inbox: eight from the seller, four from the entrepreneur; received a
    /// minute apart, several in the same second; alternating statuses.
    static func seedInbox(_ store: any HubStore) throws -> [DocumentRecord] {
        let base = Date(timeIntervalSince1970: 1_795_000_000.5)
        let documents = (0..<12).map { (index: Int) -> DocumentRecord in
            let sender = index % 3 == 2 ? "850315300128" : HTTPTests.seller
            let status: DocumentStatus = index % 2 == 0 ? .accepted : .waitingForCounterparty
            let receivedAt = base + Double(index / 3) * 60
            return DocumentRecord(
                id: "DOC-IN-\(String(format: "%02d", index))", type: "shipment", sender: sender, number: "IN-\(index)",
                date: "2026-11-\(10 + index)", recipient: HTTPTests.buyer, receivedAt: receivedAt, status: status,
                digest: "digest-\(index)", content: Array("<x/>".utf8), receipt: Array("<r/>".utf8))
        }
        try store.write { tx in for document in documents { try tx.save(document) } }
        return documents.sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }
    }

    @Test func theInboxPagesWithACursorAndFilters() async throws {
        let hub = try HTTPTests.hub()
        let newestFirst = try Self.seedInbox(hub.store)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            func page(_ query: String) async throws -> (ids: [String], next: String?) {
                try await client.execute(uri: "/v1/inbox?\(query)", method: .get, headers: HTTPTests.bearer(buyer)) {
                    #expect($0.status == .ok, "\(String(buffer: $0.body))")
                    let body = try Self.object($0.body)
                    let documents = try #require(body["documents"] as? [[String: Any]])
                    #expect(body.keys.contains("next"))
                    return (documents.compactMap { $0["id"] as? String }, body["next"] as? String)
                }
            }
            // Pages of five follow each other to the end; the last says null.
            var seen: [String] = []
            var next: String? = nil
            repeat {
                let current = try await page("limit=5" + (next.map { "&after=\($0)" } ?? ""))
                seen += current.ids
                next = current.next
            } while next != nil && seen.count < 100
            #expect(seen == newestFirst.map(\.id))
            // Filters: counterparty, status, received time, document date; they combine.
            #expect(
                try await page("counterparty=850315300128").ids
                    == newestFirst.filter { $0.sender == "850315300128" }.map(\.id))
            #expect(
                try await page("status=waitingForCounterparty&type=shipment").ids
                    == newestFirst.filter { $0.status == .waitingForCounterparty }.map(\.id))
            let from = ISO8601DateFormatter().string(from: newestFirst[8].receivedAt)
            #expect(
                try await page("from=\(from)").ids
                    == newestFirst.filter { $0.receivedAt >= newestFirst[8].receivedAt }.map(\.id))
            #expect(try await page("to=2020-01-01").ids.isEmpty)
            #expect(
                try await page("dateFrom=2026-11-12&dateTo=2026-11-14").ids
                    == newestFirst.filter { $0.date >= "2026-11-12" && $0.date <= "2026-11-14" }.map(\.id))
            // The seller's outbox is not the buyer's inbox.
            let seller = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(uri: "/v1/outbox", method: .get, headers: HTTPTests.bearer(seller)) {
                let documents = try #require(try Self.object($0.body)["documents"] as? [[String: Any]])
                #expect(documents.count == 8)
            }
        }
    }

    @Test func badListParametersAreRefusedNamingTheParameter() async throws {
        let hub = try HTTPTests.hub()
        _ = try Self.seedInbox(hub.store)
        let cases = [
            ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("after=not-a-cursor", "after"),
            ("after=djJ8MXxET0M", "after"), ("from=2026-13-01", "from"), ("to=yesterday", "to"),
            ("dateFrom=2026-02-30", "dateFrom"), ("status=lost", "status"), ("type=invoice", "type"),
            ("counterparty=123", "counterparty"), ("sender=050140001238", "sender"), ("limit=5&limit=6", "limit"),
            ("type=", "type"),
            // Impossible offsets and times, which Foundation's ISO 8601 parser reads as some other instant.
            ("from=2026-11-20T09:30:00%2B99:99", "from"), ("to=2026-11-20T09:30:00%2B04:60", "to"),
            ("from=2026-11-20T09:30:00%2B24:00", "from"), ("to=2026-11-20T24:00:00Z", "to"),
            ("from=2026-11-20T09:60:00Z", "from"), ("from=2026-11-20T09:30:00", "from"),
            ("from=2026-11-20T09:30%2B05:00", "from"), ("to=2026-02-30T09:30:00Z", "to"),
        ]
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let buyer = try await HTTPTests.login(client, as: .buyerHead)
            for (query, parameter) in cases {
                try await client.execute(uri: "/v1/inbox?\(query)", method: .get, headers: HTTPTests.bearer(buyer)) {
                    #expect($0.status == .badRequest, "\(query)")
                    #expect($0.headers[.contentType] == "application/problem+json")
                    let problem = try Self.object($0.body)
                    #expect(problem["code"] as? String == "REQUEST_PARAMETER_INVALID", "\(query)")
                    #expect((problem["detail"] as? String)?.contains("'\(parameter)'") == true, "\(query): \(problem)")
                }
            }
        }
        let refused = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.filter {
            $0.action == "list-inbox" && $0.result == "400 REQUEST_PARAMETER_INVALID"
        }
        #expect(refused.count == cases.count && refused.allSatisfy { $0.participant == HTTPTests.buyer })
        #expect(try hub.store.read { try $0.documents(DocumentFilter(limit: 1000)) }.count == 12)
    }

    @Test func referenceListsAndProductCardsAreServedToParticipants() async throws {
        let hub = try HTTPTests.hub()
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            try await client.execute(uri: "/v1/reference", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/products/\(HTTPTests.shoes)", method: .get) {
                #expect($0.status == .unauthorized)
            }
            let token = try await HTTPTests.login(client, as: .buyerHead)
            let auth = HTTPTests.bearer(token)
            let version = try await client.execute(uri: "/v1/reference", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let lists = try #require(try Self.object(response.body)["lists"] as? [[String: Any]])
                #expect(lists.compactMap { $0["name"] as? String }.contains("countries"))
                let countries = try #require(lists.first { $0["name"] as? String == "countries" })
                #expect((countries["items"] as? Int ?? 0) > 200)
                return try #require(countries["version"] as? String)
            }
            try await client.execute(uri: "/v1/reference/countries", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Tanba-Reference-Version")!] == version)
                let list = try Self.object(response.body)
                #expect(list["name"] as? String == "countries" && list["version"] as? String == version)
                let items = try #require(list["items"] as? [[String: Any]])
                #expect(items.contains { $0["code"] as? String == "KZ" && $0["nameKk"] as? String == "Қазақстан" })
            }
            // The hub holds the version in force from its validFrom on; before that it has none to give.
            try await client.execute(uri: "/v1/reference/countries?at=2099-01-01", method: .get, headers: auth) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/v1/reference/countries?at=2020-01-01", method: .get, headers: auth) {
                #expect($0.status == .notFound && String(buffer: $0.body).contains("NOT_FOUND"))
            }
            try await client.execute(uri: "/v1/reference/countries?at=01.01.2026", method: .get, headers: auth) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("'at'"))
            }
            try await client.execute(uri: "/v1/reference/planets", method: .get, headers: auth) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/v1/products/\(HTTPTests.shoes)", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let card = try Self.object(response.body)
                #expect(card["gtin"] as? String == HTTPTests.shoes && card["name"] as? String == "Етік")
                #expect(card["manufacturer"] as? String == "ТОО" && card["productGroup"] as? String == "shoes")
                #expect(card["country"] as? String == "KZ")
            }
            // A GTIN-13 is the same product: GTINs are compared in their 14-digit form.
            try await client.execute(uri: "/v1/products/4870001000011", method: .get, headers: auth) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/v1/products/04870001000012", method: .get, headers: auth) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("REQUEST_PARAMETER_INVALID"))
                #expect(String(buffer: $0.body).contains("'gtin'"))
            }
            try await client.execute(uri: "/v1/products/04870001000028", method: .get, headers: auth) {
                #expect($0.status == .notFound)
            }
        }
        let actions = try hub.store.read { try $0.audit(after: 0, limit: 1000) }.map { "\($0.action) \($0.result)" }
        #expect(actions.contains("list-reference 401 AUTH_REQUIRED") && actions.contains("list-reference 200"))
        #expect(actions.contains("read-reference 404 NOT_FOUND") && actions.contains("read-product 200"))
        #expect(actions.contains("read-product 400 REQUEST_PARAMETER_INVALID"))
    }
}
