import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaXML

/// The Ministry of Finance exports for the hub's operators: `GET /v1/operator/mof/exports` and the web page
/// `/operator/mof`, on both stores, the page in each language. Failure modes: a participant who is no operator
/// reading every participant's transfers; the API and the page telling different things (they call one function);
/// a delivery's failures or the Ministry's rejection not shown; a phrase of another language on the page; older
/// exports out of reach, or an export repeated or skipped between pages; a cursor the list did not give out read
/// as some position.
@Suite struct OperatorMoFTests {
    typealias Browser = WebPageTests.Browser

    /// Two exports: one delivered after a failure and rejected by the Ministry, one waiting.
    static func exports(_ hub: HTTPTests.Hub) throws -> (rejected: String, waiting: String) {
        let now = Date()
        let rejected = MoFExportRecord(
            id: UUID().uuidString.lowercased(), mode: .daily, fromDay: "2026-11-19", toDay: "2026-11-19",
            createdAt: now - 600, counts: [.withdrawal: 3], digest: String(repeating: "a", count: 64), size: 1234,
            ackState: .rejected, ackAt: now - 300, ackReason: "digest mismatch")
        let waiting = MoFExportRecord(
            id: UUID().uuidString.lowercased(), mode: .onDemand, fromDay: "2026-11-01", toDay: "2026-11-20",
            createdAt: now - 60, counts: [.ownershipTransfer: 2], digest: String(repeating: "b", count: 64), size: 99)
        try hub.store.write { tx in
            try tx.save(
                try Participant(id: TestPKI.operatorBIN, name: "Оператор", isOrganisation: true, roles: [.operator]))
            for export in [rejected, waiting] { try tx.save(export) }
        }
        try Self.queue([rejected.id, waiting.id], kind: "MOF.EXPORT.1", in: hub, now: now)
        return (rejected.id, waiting.id)
    }

    /// Queues a message of channel `mof` for each of `ids` (their records' idempotency keys), then delivers the
    /// first after one failed attempt and leaves the others waiting.
    static func queue(_ ids: [String], kind: String, in hub: HTTPTests.Hub, now: Date) throws {
        try hub.store.write { tx in
            for id in ids {
                try tx.enqueue([
                    OutboundMessage(channel: "mof", kind: kind, idempotencyKey: id, body: Array("<m/>".utf8))
                ])
            }
        }
        // Due by the clock of the enqueue, a moment after `now`.
        let taken = try hub.store.write {
            try $0.claim(channel: "mof", limit: 1, worker: "w", now: now + 5, leaseUntil: now + 60)
        }
        try #require(taken.first?.idempotencyKey == ids[0])
        try hub.store.write {
            // Due again before the other ones, which the next claim must leave waiting.
            _ = try $0.markFailed(taken[0].seq, error: "HTTP 503 from the Ministry", retryAt: now - 60, dead: false)
        }
        let again = try hub.store.write {
            try $0.claim(channel: "mof", limit: 1, worker: "w", now: now + 6, leaseUntil: now + 60)
        }
        try #require(again.first?.idempotencyKey == ids[0])
        try hub.store.write { _ = try $0.markDelivered(again[0].seq, reply: nil, at: now + 6) }
    }

    @Test(arguments: TestBackend.available)
    func anOperatorListsTheExportsOverTheAPIAndNoOneElseDoes(_ backend: TestBackend) async throws {
        let hub = try HTTPTests.hub(backend)
        let ids = try Self.exports(hub)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let operatorToken = try await HTTPTests.login(client, as: .hub)
            let listed = try await client.execute(
                uri: "/v1/operator/mof/exports", method: .get, headers: HTTPTests.bearer(operatorToken)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require(body?["exports"] as? [[String: Any]])
            }
            #expect(listed.map { $0["id"] as? String } == [ids.waiting, ids.rejected])
            #expect(
                listed[1]["acknowledgement"] as? String == "rejected"
                    && listed[1]["reason"] as? String == "digest mismatch")
            #expect(
                listed[1]["delivery"] as? String == "delivered (1 failed)" && listed[1]["failedAttempts"] as? Int == 1)
            #expect(listed[0]["deliveryState"] as? String == "pending" && listed[0]["mode"] as? String == "onDemand")
            #expect((listed[1]["counts"] as? [String: Int])?["withdrawal"] == 3 && listed[1]["size"] as? Int == 1234)
            try await client.execute(
                uri: "/v1/operator/mof/exports?limit=1", method: .get, headers: HTTPTests.bearer(operatorToken)
            ) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((body?["exports"] as? [[String: Any]])?.count == 1)
            }
            for query in ["limit=0", "limit=201", "state=dead"] {
                try await client.execute(
                    uri: "/v1/operator/mof/exports?\(query)", method: .get, headers: HTTPTests.bearer(operatorToken)
                ) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(String(buffer: response.body).contains("REQUEST_PARAMETER_INVALID"), "\(query)")
                }
            }
            // A participant is no operator; no token is no one.
            let company = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(
                uri: "/v1/operator/mof/exports", method: .get, headers: HTTPTests.bearer(company)
            ) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("AUTH_FORBIDDEN"))
                #expect(!String(buffer: response.body).contains(ids.waiting))
            }
            try await client.execute(uri: "/v1/operator/mof/exports", method: .get) { response in
                #expect(response.status == .unauthorized, "\(String(buffer: response.body))")
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func anOperatorSeesTheExportsPageInEachLanguage(_ backend: TestBackend) async throws {
        let hub = try HTTPTests.hub(backend)
        let ids = try Self.exports(hub)
        try await WebPageTests.application(hub).test(.live) { client in
            let operatorBrowser = Browser(client)
            try await operatorBrowser.logIn(as: .hub)
            for (language, rejected, waiting, onDemand) in [
                ("kk", "қабылданбады", "күтілуде", "сұраныс бойынша"), ("ru", "отклонена", "ожидается", "по запросу"),
                ("en", "rejected", "awaited", "on demand"),
            ] {
                operatorBrowser.language = language
                let page = try await operatorBrowser.open("/operator/mof")
                #expect(page.status == .ok, "\(page.body)")
                #expect(page.body.contains("data-export=\"\(ids.rejected)\"") && page.body.contains(rejected))
                #expect(page.body.contains("data-export=\"\(ids.waiting)\"") && page.body.contains(waiting))
                #expect(page.body.contains(onDemand) && page.body.contains("digest mismatch"))
                #expect(
                    page.body.contains(
                        "data-export=\"\(ids.rejected)\" data-delivery=\"delivered\" data-ack=\"rejected\""))
                #expect(
                    page.body.contains("data-export=\"\(ids.waiting)\" data-delivery=\"pending\" data-ack=\"pending\""))
                #expect(page.body.contains("id=\"nav-operator-mof\""))
                try WebPageTests.expectOneLanguage(page.body, language, path: "/operator/mof")
            }
            // Two exports and the default page of 50: no link to older ones.
            #expect(!(try await operatorBrowser.open("/operator/mof")).body.contains("id=\"next-page\""))
            let misspelt = try await operatorBrowser.open("/operator/mof?limit=none")
            #expect(misspelt.status == .badRequest && misspelt.body.contains("REQUEST_PARAMETER_INVALID"))
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let forbidden = try await seller.open("/operator/mof")
            #expect(forbidden.status == .forbidden && !forbidden.body.contains(ids.waiting))
            let inbox = try await seller.open("/inbox")
            #expect(inbox.status == .ok && !inbox.body.contains("nav-operator-mof"))
        }
    }

    // MARK: A page at a time

    /// A hub whose store holds `MoFExportFixture.five` and an operator (the hub's own participant).
    static func pagedHub(_ backend: TestBackend) throws -> (HTTPTests.Hub, [String]) {
        let hub = try HTTPTests.hub(backend)
        try hub.store.write {
            try $0.save(
                try Participant(id: TestPKI.operatorBIN, name: "Оператор", isOrganisation: true, roles: [.operator]))
        }
        return (hub, try MoFExportFixture.five(in: hub.store).map(\.id))
    }

    static func escaped(_ text: String) -> String { Browser.escape(text) }

    @Test(arguments: TestBackend.available)
    func fiveExportsPagedTwoAtATimeOverTheAPIComeEachOnceAndTheLastPageHasANullNext(_ backend: TestBackend)
        async throws
    {
        let (hub, ids) = try Self.pagedHub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .hub)
            var pages: [[String]] = []
            var after: String?
            var lastNext: Any?
            repeat {
                let body = try await client.execute(
                    uri: "/v1/operator/mof/exports?limit=2" + (after.map { "&after=\(Self.escaped($0))" } ?? ""),
                    method: .get, headers: HTTPTests.bearer(token)
                ) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try #require(
                        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                }
                pages.append((body["exports"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
                lastNext = body["next"]
                after = body["next"] as? String
            } while after != nil && pages.count < 10
            #expect(pages.map(\.count) == [2, 2, 1])
            #expect(pages.flatMap { $0 } == ids)
            // The last page says so: `next` is there, and null.
            #expect(lastNext is NSNull)
        }
    }

    @Test(arguments: TestBackend.available)
    func aCursorTheListDidNotGiveOutIsRefusedOverTheAPINamingAfter(_ backend: TestBackend) async throws {
        let (hub, _) = try Self.pagedHub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .hub)
            let real = try await client.execute(
                uri: "/v1/operator/mof/exports?limit=2", method: .get, headers: HTTPTests.bearer(token)
            ) { response in
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return try #require(body?["next"] as? String)
            }
            try await Self.expectRefused(
                MoFExportFixture.badCursors(from: real), at: "/v1/operator/mof/exports", client, token: token)
        }
    }

    /// Each of `cursors` (and the empty string) given as `after` to the list at `path` is 400
    /// `REQUEST_PARAMETER_INVALID` as problem+json naming the query parameter `after`.
    static func expectRefused(
        _ cursors: [(what: String, cursor: String)], at path: String, _ client: some TestClientProtocol,
        token: String
    ) async throws {
        try await expectRefused(
            (cursors + [("empty", "")]).map { ("after", "limit=2&after=\(Self.escaped($0.cursor))", $0.what) },
            at: path, client, token: token)
    }

    /// Each query of `queries` asked of the route at `path` is 400 `REQUEST_PARAMETER_INVALID` as problem+json
    /// naming the query parameter `name`.
    static func expectRefused(
        _ queries: [(name: String, query: String, what: String)], at path: String, _ client: some TestClientProtocol,
        token: String
    ) async throws {
        for (name, query, what) in queries {
            try await client.execute(uri: "\(path)?\(query)", method: .get, headers: HTTPTests.bearer(token)) {
                response in
                #expect(response.status == .badRequest, "\(what)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(what)")
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(problem?["code"] as? String == "REQUEST_PARAMETER_INVALID", "\(what)")
                #expect(
                    (problem?["detail"] as? String)?.hasPrefix("query parameter '\(name)'") == true,
                    "\(what): \(problem ?? [:])")
            }
        }
    }

    /// The link to older exports, in each language: followed to the end, it shows every export once, newest
    /// first, and the last page has none; a cursor the list did not give out is the page's error with its code.
    @Test(arguments: TestBackend.available)
    func theExportsPageLinksToOlderExportsInEachLanguage(_ backend: TestBackend) async throws {
        let (hub, ids) = try Self.pagedHub(backend)
        try await WebPageTests.application(hub).test(.live) { client in
            let browser = Browser(client)
            try await browser.logIn(as: .hub)
            for (language, older) in [
                ("kk", "Бұрынғы экспорттар"), ("ru", "Более ранние выгрузки"), ("en", "Older exports"),
            ] {
                browser.language = language
                let followed = try await Self.followOlder(
                    browser, from: "/operator/mof?limit=2", language: language, row: "data-export", link: "next-page",
                    older: older)
                #expect(followed.bodies.count == 3 && followed.shown == ids, "\(language)")
                let refused = try await browser.open("/operator/mof?limit=2&after=\(Self.escaped("not a cursor!"))")
                #expect(refused.status == .badRequest, "\(language)")
                #expect(refused.body.contains("REQUEST_PARAMETER_INVALID"), "\(language): \(refused.body)")
                try WebPageTests.expectOneLanguage(refused.body, language, path: "/operator/mof?after=")
            }
        }
    }

    /// Follows a list's link to older records (the anchor `link`) from `start` to the last page (ten at most), each
    /// page answered, in `language` only, its link's text `older`: the pages' bodies, the records shown (the values
    /// of `row`, in order) and the links followed.
    static func followOlder(
        _ browser: Browser, from start: String, language: String, row: String, link: String, older: String
    ) async throws -> (bodies: [String], shown: [String], links: [String]) {
        var bodies: [String] = []
        var shown: [String] = []
        var links: [String] = []
        var uri: String? = start
        while let next = uri, bodies.count < 10 {
            let page = try await browser.open(next)
            bodies.append(page.body)
            #expect(page.status == .ok, "\(language) \(next): \(page.body)")
            try WebPageTests.expectOneLanguage(page.body, language, path: next)
            shown += page.body.components(separatedBy: "\(row)=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            uri = Self.olderLink(in: page.body, id: link).map {
                #expect($0.text == older, "\(language)")
                return $0.href
            }
            links += uri.map { [$0] } ?? []
        }
        return (bodies, shown, links)
    }

    /// The page's link to older exports (or, with `id` `next-reconciliations`, to older reconciliation reports), as
    /// a browser follows it (the address unescaped), and its text.
    static func olderLink(in html: String, id: String = "next-page") -> (href: String, text: String)? {
        guard let anchor = html.range(of: "\" rel=\"next\" id=\"\(id)\">"),
            let start = html[..<anchor.lowerBound].range(of: "href=\"", options: .backwards),
            let end = html[anchor.upperBound...].range(of: "</a>")
        else { return nil }
        return (
            WebPageTests.unescape(String(html[start.upperBound..<anchor.lowerBound])),
            String(html[anchor.upperBound..<end.lowerBound])
        )
    }

    // MARK: Reconciliation reports

    /// An operator and `MoFExportFixture.threeReconciliations`: the oldest (compared with an SNT list) rejected by
    /// the Ministry and delivered after a failure, the newest waiting in the outbox, the other not queued. The ids
    /// in the list's order.
    static func reconciliations(_ hub: HTTPTests.Hub) throws -> [String] {
        let reports = try MoFExportFixture.threeReconciliations(in: hub.store)
        try hub.store.write {
            try $0.save(
                try Participant(id: TestPKI.operatorBIN, name: "Оператор", isOrganisation: true, roles: [.operator]))
            _ = try $0.acknowledgeReconciliation(
                reports[2].id, state: .rejected, at: Date(), reason: "period not reconciled")
        }
        try Self.queue([reports[2].id, reports[0].id], kind: "MOF.RECONCILIATION.1", in: hub, now: Date())
        return reports.map(\.id)
    }

    /// Failure modes: a report repeated or skipped between pages, a last page that promises another, a report's
    /// findings, delivery or acknowledgement missing; a bad limit, an unknown parameter or a cursor the list did not
    /// give out (the exports' list's among them) read as something; a participant who is no operator reading the
    /// reports, or anyone without a token.
    @Test(arguments: TestBackend.available)
    func anOperatorPagesThroughThreeReconciliationReportsOverTheAPIAndNoOneElseDoes(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend)
        let ids = try Self.reconciliations(hub)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .hub)
            func page(_ query: String) async throws -> [String: Any] {
                try await client.execute(
                    uri: "/v1/operator/mof/reconciliations?\(query)", method: .get, headers: HTTPTests.bearer(token)
                ) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try #require(
                        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                }
            }
            var items: [[String: Any]] = []
            var pages = 0
            var after: String?
            var lastNext: Any?
            repeat {
                let body = try await page("limit=2" + (after.map { "&after=\(Self.escaped($0))" } ?? ""))
                items += body["reconciliations"] as? [[String: Any]] ?? []
                lastNext = body["next"]
                after = body["next"] as? String
                pages += 1
            } while after != nil && pages < 10
            #expect(pages == 2 && items.compactMap { $0["id"] as? String } == ids)
            #expect(lastNext is NSNull)
            let rejected = items[2]
            #expect(
                rejected["acknowledgement"] as? String == "rejected"
                    && rejected["reason"] as? String == "period not reconciled" && rejected["acknowledgedAt"] is String)
            #expect(
                rejected["delivery"] as? String == "delivered (1 failed)"
                    && rejected["deliveryState"] as? String == "delivered" && rejected["failedAttempts"] as? Int == 1)
            #expect(
                rejected["withoutSNT"] as? Int == 1 && rejected["sntWithoutShipment"] as? Int == 4
                    && rejected["quantitiesDiffer"] as? Int == 5 && rejected["partiesDiffer"] as? Int == 6)
            #expect(
                rejected["from"] as? String == "2026-11-10" && rejected["to"] as? String == "2026-11-10"
                    && rejected["sha256"] as? String == String(repeating: "0", count: 64)
                    && rejected["createdAt"] is String)
            #expect(
                items[0]["deliveryState"] as? String == "pending" && items[0]["acknowledgement"] as? String == "pending"
            )
            #expect(items[1]["deliveryState"] == nil && items[1]["failedAttempts"] as? Int == 0)
            #expect(items[1]["sntWithoutShipment"] == nil)

            for query in ["limit=0", "limit=201", "limit=two", "state=dead"] {
                try await client.execute(
                    uri: "/v1/operator/mof/reconciliations?\(query)", method: .get, headers: HTTPTests.bearer(token)
                ) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(String(buffer: response.body).contains("REQUEST_PARAMETER_INVALID"), "\(query)")
                }
            }
            let real = try #require(try await page("limit=2")["next"] as? String)
            try await Self.expectRefused(
                MoFExportFixture.badCursors(from: real, of: MoFReconciliationRecord.self),
                at: "/v1/operator/mof/reconciliations", client, token: token)
            // A participant is no operator; no token is no one.
            let company = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(
                uri: "/v1/operator/mof/reconciliations", method: .get, headers: HTTPTests.bearer(company)
            ) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("AUTH_FORBIDDEN"))
                #expect(!String(buffer: response.body).contains(ids[0]))
            }
            try await client.execute(uri: "/v1/operator/mof/reconciliations", method: .get) { response in
                #expect(response.status == .unauthorized, "\(String(buffer: response.body))")
            }
        }
    }

    /// The Ministry page's section of reconciliation reports, in each language: findings, delivery and the
    /// Ministry's answer; its own link to older reports, followed to the end, shows every report once; a bad
    /// parameter of the section is the page's error with its code. Failure modes: a phrase of another language, a
    /// report out of reach or shown twice, the section paging the exports' list, a participant seeing it.
    @Test(arguments: TestBackend.available)
    func theMinistryPageListsReconciliationReportsInEachLanguageAndLinksToOlderOnes(_ backend: TestBackend)
        async throws
    {
        let hub = try HTTPTests.hub(backend)
        let ids = try Self.reconciliations(hub)
        try await WebPageTests.application(hub).test(.live) { client in
            let browser = Browser(client)
            try await browser.logIn(as: .hub)
            for (language, title, rejected, notCompared, older) in [
                ("kk", "Министрлікке салыстыру есептері", "қабылданбады", "салыстырылмады", "Бұрынғы есептер"),
                ("ru", "Отчёты о сверке для министерства", "отклонён", "не сверялось", "Более ранние отчёты"),
                ("en", "Reconciliation reports to the Ministry", "rejected", "not compared", "Older reports"),
            ] {
                browser.language = language
                let page = try await browser.open("/operator/mof")
                #expect(page.status == .ok, "\(page.body)")
                #expect(page.body.contains(title) && page.body.contains(rejected), "\(language)")
                #expect(page.body.contains(notCompared) && page.body.contains("period not reconciled"), "\(language)")
                #expect(
                    page.body.contains(
                        "data-reconciliation=\"\(ids[2])\" data-delivery=\"delivered\" data-ack=\"rejected\""))
                #expect(
                    page.body.contains(
                        "data-reconciliation=\"\(ids[0])\" data-delivery=\"pending\" data-ack=\"pending\""))
                #expect(page.body.contains("data-reconciliation=\"\(ids[1])\" data-delivery=\"\" data-ack=\"pending\""))
                // Three reports and the default page of 50: no link to older ones.
                #expect(!page.body.contains("id=\"next-reconciliations\""))
                try WebPageTests.expectOneLanguage(page.body, language, path: "/operator/mof")

                let followed = try await Self.followOlder(
                    browser, from: "/operator/mof?reconciliations_limit=2", language: language,
                    row: "data-reconciliation", link: "next-reconciliations", older: older)
                #expect(followed.bodies.count == 2 && followed.shown == ids, "\(language)")
                // The section's link keeps its limit, and is its own: the exports' list has no older page here.
                #expect(followed.links.allSatisfy { $0.contains("reconciliations_limit=2") }, "\(followed.links)")
                #expect(followed.bodies.allSatisfy { Self.olderLink(in: $0) == nil }, "\(language)")
                for query in ["reconciliations_after=\(Self.escaped("not a cursor!"))", "reconciliations_limit=0"] {
                    let refused = try await browser.open("/operator/mof?\(query)")
                    #expect(refused.status == .badRequest, "\(language) \(query)")
                    #expect(refused.body.contains("REQUEST_PARAMETER_INVALID"), "\(language): \(refused.body)")
                    try WebPageTests.expectOneLanguage(refused.body, language, path: "/operator/mof?\(query)")
                }
            }
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let forbidden = try await seller.open("/operator/mof")
            #expect(forbidden.status == .forbidden && !forbidden.body.contains(ids[0]))
        }
    }
}
