import Foundation
import TanbaDomain
import TanbaErrors
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The store's async API (`HubStore.snapshot`, `transaction`, `apply`, awaited): transactions run on the store's own threads,
/// so many awaiting callers never hold Swift's cooperative pool (two threads on this machine) while they wait.
@Suite struct AsyncStoreTests {
    @Test(arguments: TestBackend.available)
    func fortyConcurrentWritersAwaitingAtOnceAllCommitAndAnotherReadSeesThem(_ backend: TestBackend) async throws {
        let base = try LedgerTests(backend)
        let store = base.store
        let ids = try base.circulating(40)
        // Forty awaiting writers at once: blocking them on the cooperative pool's two threads would stall it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, id) in ids.enumerated() {
                group.addTask {
                    try await store.transaction { tx in
                        _ = try Ledger.perform(
                            .withdraw(by: LedgerTests.producer, reason: .damage), on: [id], document: "W-\(index)",
                            at: Date(), in: tx)
                    }
                }
            }
            try await group.waitForAll()
        }
        let statuses = try await store.snapshot { tx in try tx.codes(ids).values.map(\.status) }
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == .withdrawn })
    }

    @Test(arguments: TestBackend.available)
    func anAwaitedApplyOfAStaleDecisionIsAConflictAndChangesNothing(_ backend: TestBackend) async throws {
        let base = try LedgerTests(backend)
        let store = base.store
        let ids = try base.circulating(2)
        let changes = try await store.snapshot { snapshot in
            let recorder = ChangeRecorder(snapshot)
            _ = try Ledger.perform(
                .withdraw(by: LedgerTests.producer, reason: .damage), on: ids, document: "W-1", at: Date(), in: recorder
            )
            return recorder.changes
        }
        _ = try base.ledger.perform(
            .withdraw(by: LedgerTests.producer, reason: .loss), on: [ids[0]], document: "W-0", at: Date())
        let before = try store.contentFingerprint()
        await expectCodeAsync(.storeConflict) { try await store.apply(changes) }
        #expect(try store.contentFingerprint() == before)
    }
}

/// `expectCode` for an awaited body.
func expectCodeAsync(
    _ code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(code), but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TanbaError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
