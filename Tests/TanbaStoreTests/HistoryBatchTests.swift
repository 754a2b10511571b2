import Foundation
import TanbaDomain
import TanbaEmission
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// Several history entries recorded at once (a fiscal batch's receipts: PostgreSQL writes them in one statement).
/// Failure modes: entries out of their order in a code's history (a refund before its sale), an entry linked to
/// another entry's codes, a document lost or an empty one stored for none.
@Suite struct HistoryBatchTests {
    @Test(arguments: TestBackend.available) func entriesRecordedAtOnceKeepTheirOrderAndTheirCodes(
        _ backend: TestBackend
    ) throws {
        let store = try backend.makeStore()
        let codes = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: "04870001000011", count: 3, owner: "050140001238", at: Date())
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
        ]
        try store.write { try $0.record(history) }
        let first = try store.read { try $0.events(of: codes[0].id) }.dropFirst()
        #expect(first.map(\.operation) == ["withdraw", "return"] && first.map(\.document) == ["FR-1", "FR-2"])
        let second = try store.read { try $0.events(of: codes[1].id) }.dropFirst()
        #expect(second.map(\.document) == ["FR-1"])
        let third = try store.read { try $0.events(of: codes[2].id) }.dropFirst()
        #expect(third.count == 1 && third.first?.document == nil)
    }
}
