import Foundation
import TanbaCore
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The operators' view of the Ministry's SNTs kept (`HubCore.mofSNTs`, the one function behind the API, the web page
/// and `tanba mof snt list`, and the store's pages under it), on both stores. Failure modes: an SNT repeated or
/// skipped between pages (a page ending inside a day; two lists' SNTs interleaved by day), an SNT a newer list
/// replaced shown as in force, the two stores ordering numbers differently, a last page that promises another; a
/// period that lets through SNTs or lists outside it; lists not newest first, or a replaced list not told from one
/// in force, or more lists than shown not said; a cursor the list did not give out (another list's among them), a
/// bad limit or day, or `to` before `from` read as something instead of refused naming the parameter; someone who is
/// no operator reading every participant's invoices.
@Suite struct MoFSNTViewTests {
    /// A core over a store holding `SNTFixture.three`, and one of the hub's operators.
    static func kept(_ backend: TestBackend) throws -> (CoreFixture, Caller, SNTFixture) {
        let fixture = try CoreFixture(backend)
        try fixture.store.write {
            try $0.save(
                try Participant(id: CoreFixture.inspector, name: "Оператор", isOrganisation: true, roles: [.operator]))
        }
        return (fixture, Caller(participant: CoreFixture.inspector), try SNTFixture.three(in: fixture.store))
    }

    /// Every page of the view `parameters` ask for (`after` added page by page), ten at most.
    static func walk(_ fixture: CoreFixture, _ caller: Caller, _ parameters: [(String, String)]) throws
        -> [MoFSNTPage]
    {
        var pages: [MoFSNTPage] = []
        var after: String?
        repeat {
            let page = try fixture.core.mofSNTs(parameters + (after.map { [("after", $0)] } ?? []), as: caller)
            pages.append(page)
            after = page.next
        } while after != nil && pages.count < 10
        return pages
    }

    /// Every page `read` gives, from the first (after nil) to the one without a next, twenty at most: their items in
    /// order, and how many pages there were.
    static func walk<Item, Cursor>(_ read: (Cursor?) throws -> ([Item], Cursor?)) throws -> ([Item], Int) {
        var items: [Item] = []
        var after: Cursor?
        var pages = 0
        repeat {
            let (page, next) = try read(after)
            items += page
            after = next
            pages += 1
        } while after != nil && pages < 20
        return (items, pages)
    }

    @Test(arguments: TestBackend.available)
    func sixSNTsInForcePagedTwoOrFourAtATimeComeEachOnceByDayThenNumberAndTheLastPageHasNoNext(
        _ backend: TestBackend
    ) throws {
        let (fixture, caller, kept) = try Self.kept(backend)
        let expected = SNTFixture.numbers(kept.inForce)
        #expect(expected == ["A-1", "B-2", "C-9", "D-1", "D-2", "b-7"])
        for (limit, sizes) in [("2", [2, 2, 2]), ("4", [4, 2]), ("1", [1, 1, 1, 1, 1, 1]), ("6", [6])] {
            let pages = try Self.walk(fixture, caller, [("limit", limit)])
            #expect(pages.map(\.snts.count) == sizes, "limit \(limit)")
            #expect(pages.flatMap(\.snts).map(\.number) == expected, "limit \(limit)")
            #expect(pages.last?.next == nil && pages.dropLast().allSatisfy { $0.next != nil }, "limit \(limit)")
        }
        // The replaced SNT is nowhere; each shown one carries its lines and the list in force for its day.
        let all = try fixture.core.mofSNTs([], as: caller)
        #expect(!all.snts.contains { $0.number == kept.replaced.number })
        let b2 = try #require(all.snts.first { $0.number == "B-2" })
        #expect(b2.date == "2026-11-21" && b2.seller == "050140001238" && b2.buyer == "031240500125")
        #expect(
            b2.lineCount == 2
                && b2.lines.map { "\($0.gtin)×\($0.quantity)" } == ["04870001000011×2.5", "04870001000028×7"])
        #expect(b2.list == kept.lists[2].digest && b2.listCreatedAt == kept.lists[2].createdAt)
        let c9 = try #require(all.snts.first { $0.number == "C-9" })
        #expect(c9.list == kept.lists[0].digest && c9.listCreatedAt == kept.lists[0].createdAt)
        // Every page names the lists of the period with the days each still holds.
        #expect(all.lists.map(\.sha256) == kept.lists.map(\.digest) && !all.moreLists)
        #expect(all.lists.map(\.daysInForce) == kept.lists.map { kept.daysInForce[$0.digest] ?? -1 })
        #expect(all.lists[0].from == "2026-11-22" && all.lists[0].to == "2026-11-23" && all.lists[0].count == 4)
        #expect(
            all.lists[2].createdAt == kept.lists[2].createdAt && all.lists[2].importedAt == kept.lists[2].importedAt)
        // The JSON every channel writes: the lists, whether there are more, the SNTs and `next`, null on the last.
        let json = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(all)) as? [String: Any])
        #expect(Set(json.keys) == ["lists", "moreLists", "snts", "next"] && json["next"] is NSNull)
        let snt = try #require((json["snts"] as? [[String: Any]])?.first)
        #expect(
            Set(snt.keys) == ["number", "date", "seller", "buyer", "lineCount", "lines", "list", "listCreatedAt"])
        let list = try #require((json["lists"] as? [[String: Any]])?.first)
        #expect(Set(list.keys) == ["sha256", "from", "to", "createdAt", "importedAt", "count", "daysInForce"])
    }

    @Test(arguments: TestBackend.available)
    func aPeriodShowsOnlyItsSNTsAndTheListsThatMeetItAndPagesWithin(_ backend: TestBackend) throws {
        let (fixture, caller, kept) = try Self.kept(backend)
        func numbers(_ parameters: [(String, String)]) throws -> [String] {
            try Self.walk(fixture, caller, parameters).flatMap(\.snts).map(\.number)
        }
        #expect(try numbers([("from", "2026-11-22"), ("to", "2026-11-22")]) == ["C-9"])
        #expect(try numbers([("from", "2026-11-23")]) == ["D-1", "D-2", "b-7"])
        #expect(try numbers([("to", "2026-11-21")]) == ["A-1", "B-2"])
        #expect(try numbers([("from", "2026-11-10"), ("to", "2026-11-10")]) == [])
        #expect(try numbers([("from", "2026-11-24")]) == [])
        // A period paged: the cursor continues within the period and never beyond it.
        let pages = try Self.walk(fixture, caller, [("from", "2026-11-21"), ("to", "2026-11-22"), ("limit", "1")])
        #expect(pages.map { $0.snts.map(\.number) } == [["B-2"], ["C-9"]])
        // The lists whose period meets the days asked, newest first (the equally old ones by digest).
        func lists(_ parameters: [(String, String)]) throws -> [String] {
            try fixture.core.mofSNTs(parameters, as: caller).lists.map(\.sha256)
        }
        let (newer, empty, older) = (kept.lists[0].digest, kept.lists[1].digest, kept.lists[2].digest)
        #expect(try lists([("from", "2026-11-22"), ("to", "2026-11-22")]) == [newer, older])
        #expect(try lists([("to", "2026-11-20")]) == [empty, older])
        #expect(try lists([("from", "2026-11-23")]) == [newer])
        #expect(try lists([("from", "2026-11-11"), ("to", "2026-11-19")]) == [])
        let alone = try fixture.core.mofSNTs([("from", "2026-11-10"), ("to", "2026-11-10")], as: caller)
        #expect(alone.lists.map(\.daysInForce) == [1] && alone.snts.isEmpty)
    }

    @Test(arguments: TestBackend.available)
    func fiftyOneListsShowTheNewestFiftyAndSayThatMoreMeetThePeriod(_ backend: TestBackend) throws {
        let (fixture, caller, _) = try Self.kept(backend)
        let many = try SNTFixture.manyLists(51, in: fixture.store)
        // The fixture's three lists are of November: a period of the first half-year meets only the many.
        let page = try fixture.core.mofSNTs([("from", "2026-01-01"), ("to", "2026-06-30")], as: caller)
        #expect(page.lists.count == MoFSNTPage.listLimit && page.moreLists)
        #expect(page.lists.first?.sha256 == many[0].digest && page.lists.last?.sha256 != many.last?.digest)
        // A shorter period shows the rest, and says there are no more.
        let first = try fixture.core.mofSNTs([("from", "2026-01-01"), ("to", "2026-01-02")], as: caller)
        #expect(first.lists.map(\.sha256) == Array(many.suffix(2).map(\.digest)) && !first.moreLists)
    }

    @Test(arguments: TestBackend.available)
    func aBadCursorLimitOrDayAndToBeforeFromAreRefusedNamingTheParameterAndANonOperatorFirst(
        _ backend: TestBackend
    ) throws {
        let (fixture, caller, _) = try Self.kept(backend)
        let real = try #require(try fixture.core.mofSNTs([("limit", "2")], as: caller).next)
        func refused(_ parameters: [(String, String)], naming name: String, _ what: String) {
            let error = expectCode(.requestParameterInvalid, what) {
                _ = try fixture.core.mofSNTs(parameters, as: caller)
            }
            #expect(error?.message.hasPrefix("query parameter '\(name)'") == true, "\(what): \(error?.message ?? "")")
        }
        for (what, cursor) in SNTFixture.badCursors(from: real) + [("empty", "")] {
            refused([("limit", "2"), ("after", cursor)], naming: "after", what)
        }
        for limit in ["0", "501", "two", "-1"] { refused([("limit", limit)], naming: "limit", "limit \(limit)") }
        for day in ["2026-02-30", "2026-11-2", "yesterday", "2026-11-20T00:00:00Z"] {
            refused([("from", day)], naming: "from", "from \(day)")
            refused([("to", day)], naming: "to", "to \(day)")
        }
        refused([("from", "2026-11-21"), ("to", "2026-11-20")], naming: "to", "to before from")
        refused([("day", "2026-11-20")], naming: "day", "an unknown parameter")
        refused([("from", "2026-11-20"), ("from", "2026-11-21")], naming: "from", "from twice")
        // The same day as both bounds is a period, and the real cursor is read.
        #expect(try fixture.core.mofSNTs([("from", "2026-11-21"), ("to", "2026-11-21")], as: caller).snts.count == 1)
        #expect(
            try fixture.core.mofSNTs([("after", real)], as: caller).snts.map(\.number) == ["C-9", "D-1", "D-2", "b-7"])
        // The operator check comes first: a participant learns nothing, not even the refusals.
        expectCode(.authForbidden) {
            _ = try fixture.core.mofSNTs([("after", "not a cursor!")], as: Caller(participant: CoreFixture.seller))
        }
    }

    /// The store's own pages, as every channel reads them: the SNTs by day and number, the lists newest first, each
    /// walked a row at a time (the same on both stores, byte order included), and the whole period read for
    /// reconciliation (`snts(from:to:)`, which walks the same pages) equal to the pages walked.
    @Test(arguments: TestBackend.available)
    func theStoresPagesWalkEverySNTInForceAndEveryListOnceAndAgreeWithTheWholePeriod(_ backend: TestBackend) throws {
        let (fixture, _, kept) = try Self.kept(backend)
        let (snts, pages) = try Self.walk { (after: SNTCursor?) in
            let page = try fixture.store.read {
                try $0.sntPage(from: "2026-11-01", to: "2026-11-30", after: after, limit: 1)
            }
            return (page.snts, page.next)
        }
        #expect(snts.map(\.snt) == kept.inForce && pages == kept.inForce.count)
        #expect(try fixture.store.read { try $0.snts(from: "2026-11-01", to: "2026-11-30") } == kept.inForce)
        let newest = kept.lists[0]
        #expect(snts.filter { $0.snt.list == newest.digest }.allSatisfy { $0.listCreatedAt == newest.createdAt })
        // The cursor's text form reads back to the same position.
        let cursor = SNTCursor(day: "2026-11-23", number: "D-1")
        #expect(SNTCursor(encoded: cursor.encoded) == cursor)
        let rest = try fixture.store.read {
            try $0.sntPage(from: "2026-11-01", to: "2026-11-30", after: cursor, limit: 5)
        }
        #expect(rest.snts.map(\.snt.number) == ["D-2", "b-7"] && rest.next == nil)

        let (lists, listPages) = try Self.walk { (after: SNTListCursor?) in
            let page = try fixture.store.read {
                try $0.sntListPage(from: "0000-01-01", to: "9999-12-31", after: after, limit: 1)
            }
            return (page.lists, page.next)
        }
        #expect(lists == kept.lists && listPages == 3)
        let text = try #require(SNTListCursor(encoded: SNTListCursor(createdAt: 1.5, id: newest.digest).encoded))
        #expect(
            text.id == newest.digest
                && SNTListCursor(encoded: SNTListCursor(createdAt: 1.5, id: "DOC-1").encoded) == nil)
    }
}
