import Foundation
import TanbaDomain
import TanbaEmission
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// Several history entries recorded at once (a fiscal batch's receipts: PostgreSQL writes them in one statement;
/// SQLite numbers the events itself and inserts them and their links many rows to a statement when the transaction
/// read the codes first, and one entry at a time when it did not).
/// Failure modes: entries out of their order in a code's history (a refund before its sale), an entry linked to
/// another entry's codes, a document lost or an empty one stored for none, an entry of many codes (linked through
/// JSON on SQLite) losing some, events numbered over existing ones.
@Suite struct HistoryBatchTests {
    @Test(arguments: TestBackend.available, [false, true]) func entriesRecordedAtOnceKeepTheirOrderAndTheirCodes(
        _ backend: TestBackend, readFirst: Bool
    ) throws {
        let store = try backend.makeStore()
        let codes = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: "04870001000011", count: 73, owner: "050140001238", at: Date())
        let many = codes[3...].map(\.id)
        try Ledger(store: store).issue(codes, order: "ORDER-H")
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let history: [(entry: HistoryEntry, codes: [String])] = [
            (
                HistoryEntry(at: at, operation: "withdraw", status: .withdrawn, owner: "A", document: "FR-1"),
                [codes[0].id, codes[1].id]
            ),
            (
                HistoryEntry(at: at, operation: "return", status: .inCirculation, owner: "A", document: "FR-2"),
                [codes[0].id]
            ),
            (HistoryEntry(at: at, operation: "withdraw", status: .withdrawn, owner: "A", document: nil), [codes[2].id]),
            (HistoryEntry(at: at, operation: "withdraw", status: .withdrawn, owner: "B", document: "FR-3"), many),
        ]
        try store.write { tx in
            if readFirst { _ = try tx.codes(codes.map(\.id)) }
            try tx.record(history)
        }
        let first = try store.read { try $0.events(of: codes[0].id) }.dropFirst()
        #expect(first.map(\.operation) == ["withdraw", "return"] && first.map(\.document) == ["FR-1", "FR-2"])
        let second = try store.read { try $0.events(of: codes[1].id) }.dropFirst()
        #expect(second.map(\.document) == ["FR-1"])
        let third = try store.read { try $0.events(of: codes[2].id) }.dropFirst()
        #expect(third.count == 1 && third.first?.document == nil)
        for id in many {
            let events = try store.read { try $0.events(of: id) }.dropFirst()
            #expect(events.map(\.document) == ["FR-3"] && events.map(\.owner) == ["B"], "\(id)")
        }
        // Recorded again, later: new events after the first ones, not over them.
        try store.write { tx in
            if readFirst { _ = try tx.codes([codes[0].id, codes[1].id]) }
            try tx.record([
                (
                    HistoryEntry(at: at, operation: "return", status: .inCirculation, owner: "A", document: "FR-4"),
                    [
                        codes[0].id
                    ]
                ),
                (
                    HistoryEntry(at: at, operation: "return", status: .inCirculation, owner: "A", document: "FR-5"),
                    [
                        codes[1].id
                    ]
                ),
            ])
        }
        let again = try store.read { try $0.events(of: codes[0].id) }.dropFirst()
        #expect(again.map(\.document) == ["FR-1", "FR-2", "FR-4"])
        #expect(try store.read { try $0.events(of: codes[1].id) }.dropFirst().map(\.document) == ["FR-1", "FR-5"])
    }
}
