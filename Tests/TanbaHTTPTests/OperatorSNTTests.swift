import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TanbaDomain
import TanbaStore
import TanbaStoreTestSupport
import Testing

@testable import TanbaXML

/// The Ministry's SNTs kept, for the hub's operators: `GET /v1/operator/mof/snts` and the web page
/// `/operator/mof/snts`, on both stores, the page in each language. Failure modes: a participant who is no operator
/// (or anyone without a token) reading every participant's invoices; an SNT repeated or skipped between pages, or
/// the next page out of reach; a period not kept by the next page's link; a bad day, limit or cursor, `to` before
/// `from` or an unknown parameter read as something instead of 400 naming it; a phrase of another language on the
/// page; the Ministry page without its way to the SNTs.
@Suite struct OperatorSNTTests {
    typealias Browser = WebPageTests.Browser

    /// A hub whose store holds `SNTFixture.three` and an operator (the hub's own participant).
    static func hub(_ backend: TestBackend) throws -> (HTTPTests.Hub, SNTFixture) {
        let hub = try HTTPTests.hub(backend)
        try hub.store.write {
            try $0.save(
                try Participant(id: TestPKI.operatorBIN, name: "Оператор", isOrganisation: true, roles: [.operator]))
        }
        return (hub, try SNTFixture.three(in: hub.store))
    }

    static func escaped(_ text: String) -> String { Browser.escape(text) }

    @Test(arguments: TestBackend.available)
    func anOperatorPagesThroughTheSNTsOverTheAPIAndNoOneElseDoes(_ backend: TestBackend) async throws {
        let (hub, kept) = try Self.hub(backend)
        try await hub.api.application(host: "127.0.0.1", port: 0).test(.live) { client in
            let token = try await HTTPTests.login(client, as: .hub)
            func page(_ query: String) async throws -> [String: Any] {
                try await client.execute(
                    uri: "/v1/operator/mof/snts?\(query)", method: .get, headers: HTTPTests.bearer(token)
                ) { response in
                    #expect(response.status == .ok, "\(query): \(String(buffer: response.body))")
                    return try #require(
                        try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                }
            }
            func walk(_ query: String) async throws -> (numbers: [String], pages: Int, last: [String: Any]) {
                var numbers: [String] = []
                var pages = 0
                var after: String?
                var last: [String: Any] = [:]
                repeat {
                    last = try await page(query + (after.map { "&after=\(Self.escaped($0))" } ?? ""))
                    numbers += (last["snts"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
                    after = last["next"] as? String
                    pages += 1
                } while after != nil && pages < 10
                return (numbers, pages, last)
            }
            let all = try await walk("limit=4")
            #expect(all.numbers == SNTFixture.numbers(kept.inForce) && all.pages == 2)
            #expect(all.last["next"] is NSNull && all.last["moreLists"] as? Bool == false)
            let lists = try #require(all.last["lists"] as? [[String: Any]])
            #expect(lists.compactMap { $0["sha256"] as? String } == kept.lists.map(\.digest))
            #expect(lists.compactMap { $0["daysInForce"] as? Int } == [2, 1, 2])
            let first = try await page("limit=2")
            let b2 = try #require((first["snts"] as? [[String: Any]])?.last)
            #expect(b2["number"] as? String == "B-2" && b2["date"] as? String == "2026-11-21")
            #expect(b2["lineCount"] as? Int == 2 && b2["list"] as? String == kept.lists[2].digest)
            #expect(
                (b2["lines"] as? [[String: String]]) == [
                    ["gtin": "04870001000011", "quantity": "2.5"], ["gtin": "04870001000028", "quantity": "7"],
                ])
            #expect(b2["listCreatedAt"] is String && b2["seller"] as? String == "050140001238")
            // A period, paged within.
            let period = try await walk("from=2026-11-22&to=2026-11-23&limit=2")
            #expect(period.numbers == ["C-9", "D-1", "D-2", "b-7"] && period.pages == 2)
            #expect(
                (period.last["lists"] as? [[String: Any]])?.compactMap { $0["sha256"] as? String } == [
                    kept.lists[0].digest, kept.lists[2].digest,
                ])

            // Each bad parameter: 400 problem+json naming it.
            let real = try #require(first["next"] as? String)
            try await OperatorMoFTests.expectRefused(
                SNTFixture.badCursors(from: real), at: "/v1/operator/mof/snts", client, token: token)
            try await OperatorMoFTests.expectRefused(
                [
                    ("limit", "limit=0", "limit 0"), ("limit", "limit=501", "limit 501"),
                    ("limit", "limit=two", "limit two"), ("from", "from=2026-02-30", "a day that does not exist"),
                    ("to", "to=yesterday", "not a day"), ("to", "from=2026-11-21&to=2026-11-20", "to before from"),
                    ("day", "day=2026-11-20", "an unknown parameter"),
                ], at: "/v1/operator/mof/snts", client, token: token)
            // A participant is no operator; no token is no one.
            let company = try await HTTPTests.login(client, as: .companyHead)
            try await client.execute(
                uri: "/v1/operator/mof/snts", method: .get, headers: HTTPTests.bearer(company)
            ) { response in
                #expect(response.status == .forbidden && String(buffer: response.body).contains("AUTH_FORBIDDEN"))
                #expect(!String(buffer: response.body).contains("B-2"))
            }
            try await client.execute(uri: "/v1/operator/mof/snts?limit=0", method: .get) { response in
                #expect(response.status == .unauthorized, "\(String(buffer: response.body))")
            }
        }
    }

    /// The page in each language: the lists (one replaced by newer ones for none of its days, so each shows its
    /// days), the SNTs with their lines, the next page's link followed to the end with the period and limit kept,
    /// the filter applied, a bad parameter as the error page; the Ministry page links to it; a participant is refused.
    @Test(arguments: TestBackend.available)
    func theSNTPageShowsTheListsAndSNTsInEachLanguageAndLinksToTheNextPage(_ backend: TestBackend) async throws {
        let (hub, kept) = try Self.hub(backend)
        try await WebPageTests.application(hub).test(.live) { client in
            let browser = Browser(client)
            try await browser.logIn(as: .hub)
            for (language, title, inForce, next, grouped) in [
                ("kk", "Қаржы министрлігінен ТІЖ", "Қолданыстағы ТІЖ", "Келесі ТІЖ", "2,5"),
                ("ru", "СНТ от Министерства финансов", "Действующие СНТ", "Следующие СНТ", "2,5"),
                ("en", "SNTs from the Ministry of Finance", "SNTs in force", "Next SNTs", "2.5"),
            ] {
                browser.language = language
                let ministry = try await browser.open("/operator/mof")
                #expect(
                    ministry.status == .ok && ministry.body.contains("href=\"/operator/mof/snts\" id=\"mof-snts-link\"")
                )
                #expect(ministry.body.contains(title), "\(language)")
                try WebPageTests.expectOneLanguage(ministry.body, language, path: "/operator/mof")

                let page = try await browser.open("/operator/mof/snts")
                #expect(page.status == .ok, "\(language): \(page.body)")
                #expect(page.body.contains(title) && page.body.contains(inForce), "\(language)")
                #expect(page.body.contains("id=\"nav-operator-mof\"") && page.body.contains("id=\"mof-snts-filters\""))
                for list in kept.lists {
                    #expect(
                        page.body.contains(
                            "data-snt-list=\"\(list.digest)\" data-days-in-force=\"\(kept.daysInForce[list.digest]!)\""),
                        "\(language)")
                }
                #expect(page.body.contains("<code>04870001000011</code> × \(grouped)"), "\(language)")
                #expect(!page.body.contains("data-snt=\"C-3\"") && !page.body.contains("id=\"next-snts\""))
                try WebPageTests.expectOneLanguage(page.body, language, path: "/operator/mof/snts")

                let followed = try await OperatorMoFTests.followOlder(
                    browser, from: "/operator/mof/snts?from=2026-11-21&limit=2", language: language, row: "data-snt",
                    link: "next-snts", older: next)
                #expect(followed.shown == ["B-2", "C-9", "D-1", "D-2", "b-7"], "\(language): \(followed.shown)")
                #expect(followed.links.count == 2)
                #expect(followed.links.allSatisfy { $0.contains("from=2026-11-21") && $0.contains("limit=2") })
                let filtered = try await browser.open("/operator/mof/snts?from=2026-11-22&to=2026-11-22")
                #expect(filtered.body.contains("data-snt=\"C-9\"") && !filtered.body.contains("data-snt=\"D-1\""))
                #expect(filtered.body.contains("value=\"2026-11-22\""), "\(language): the form shows the period asked")
                for query in [
                    "after=\(Self.escaped("not a cursor!"))", "limit=0", "from=2026-02-30",
                    "from=2026-11-21&to=2026-11-20",
                ] {
                    let refused = try await browser.open("/operator/mof/snts?\(query)")
                    #expect(refused.status == .badRequest, "\(language) \(query)")
                    #expect(refused.body.contains("REQUEST_PARAMETER_INVALID"), "\(language): \(refused.body)")
                    try WebPageTests.expectOneLanguage(refused.body, language, path: "/operator/mof/snts?\(query)")
                }
            }
            let seller = Browser(client)
            try await seller.logIn(as: .companyHead)
            let forbidden = try await seller.open("/operator/mof/snts")
            #expect(forbidden.status == .forbidden && !forbidden.body.contains("B-2"))
        }
    }
}
