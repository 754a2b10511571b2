import Foundation
import TanbaCore
import TanbaErrors
import TanbaStore
import TanbaTestSupport
import Testing

/// The one parser from name=value pairs to a document list's filter: every parameter read, every malformed value
/// and every unknown or repeated name refused with `REQUEST_PARAMETER_INVALID` naming the parameter.
@Suite struct DocumentQueryTests {
    static let me = "050140001238"
    static let other = "031240500125"

    func filter(_ pairs: [(String, String)], box: DocumentQuery.Box = .inbox) throws -> DocumentFilter {
        try DocumentQuery.filter(pairs, box: box, participant: Self.me, reference: CoreFixture.reference)
    }

    @Test func noParametersListTheWholeBoxAHundredAtATime() throws {
        let inbox = try filter([])
        #expect(inbox.recipient == Self.me && inbox.sender == nil && inbox.limit == 100)
        let outbox = try filter([], box: .outbox)
        #expect(outbox.sender == Self.me && outbox.recipient == nil)
    }

    @Test func everyParameterIsRead() throws {
        let cursor = DocumentCursor(receivedAt: 1_790_000_000.5, id: "DOC-7")
        let all = try filter([
            ("type", "shipment"), ("status", "rejected"), ("counterparty", Self.other), ("from", "2026-11-20"),
            ("to", "2026-11-21T09:30:00+05:00"), ("dateFrom", "2026-11-01"), ("dateTo", "2026-11-30"),
            ("after", cursor.encoded), ("limit", "1000"),
        ])
        #expect(all.type == "shipment" && all.status == .rejected && all.limit == 1000)
        #expect(all.sender == Self.other && all.recipient == Self.me)  // the inbox's other side sent it
        #expect(all.receivedFrom == DocumentFilter.day("2026-11-20"))
        #expect(all.receivedBefore == DocumentFilter.day("2026-11-21")! + 4.5 * 3600)
        #expect(all.dateFrom == "2026-11-01" && all.dateTo == "2026-11-30" && all.after == cursor)
    }

    @Test func theOutboxCounterpartyIsTheRecipient() throws {
        let outbox = try filter([("counterparty", Self.other)], box: .outbox)
        #expect(outbox.sender == Self.me && outbox.recipient == Self.other)
    }

    @Test func aBareDateAsToIncludesTheWholeDay() throws {
        #expect(try filter([("to", "2026-11-20")]).receivedBefore == DocumentFilter.day("2026-11-21"))
    }

    @Test func anUnencodedPlusInAnOffsetIsRepaired() throws {
        #expect(try filter([("from", "2026-11-20T09:30:00 05:00")]).receivedFrom != nil)
    }

    @Test(arguments: [
        ("type", "invoice-of-nothing"), ("status", "lost"), ("counterparty", "123"), ("counterparty", "050140001239"),
        ("from", "2026-02-30"), ("from", "2026-11-20T09:30:00+24:00"), ("to", "2026-11-20T25:00:00Z"),
        ("to", "yesterday"), ("dateFrom", "2026-02-30"), ("dateTo", "20261120"), ("dateTo", "2026-11-20T00:00:00Z"),
        ("after", "not-a-cursor"), ("limit", "0"), ("limit", "1001"), ("limit", "ten"), ("limit", "-1"),
        ("status", ""), ("type", ""),
    ])
    func aMalformedValueIsRefusedNamingItsParameter(name: String, value: String) {
        let error = expectCode(.requestParameterInvalid, "\(name)=\(value)") { _ = try filter([(name, value)]) }
        #expect(error?.message.hasPrefix("query parameter '\(name)'") == true, "\(String(describing: error))")
    }

    @Test(arguments: ["sender", "recipient", "Status", "page", "from "])
    func anUnknownNameIsRefusedNotIgnored(name: String) {
        let error = expectCode(.requestParameterInvalid, name) { _ = try filter([(name, "x")]) }
        #expect(error?.message.contains("'\(name)' is not a parameter") == true)
    }

    @Test func aParameterGivenTwiceIsRefused() {
        let error = expectCode(.requestParameterInvalid) {
            _ = try filter([("status", "accepted"), ("status", "rejected")])
        }
        #expect(error?.message.contains("more than once") == true)
    }

    /// A channel names the parameter as its users spell it; the code stays the same.
    @Test func aChannelNamesTheParameterItsOwnWay() {
        let error = expectCode(.requestParameterInvalid) {
            _ = try DocumentQuery.filter(
                [("dateFrom", "2026-02-30")], box: .outbox, participant: Self.me, reference: CoreFixture.reference,
                naming: { "--\($0)" })
        }
        #expect(error?.message.hasPrefix("--dateFrom must be a date") == true)
    }
}
