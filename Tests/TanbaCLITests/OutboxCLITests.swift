import Foundation
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// `tanba outbox` on both stores: what operators see of the queue and sending again. Failure modes: a delivered or
/// never-failed message sent again (a duplicate to a state system), a resend not in the audit trail, a bad filter
/// taken as no filter.
@Suite(.blocking) struct OutboxCLITests {
    @Test(arguments: TestBackend.available)
    func operatorsSeeTheQueueAndSendDeadMessagesAgainAudited(_ backend: TestBackend) throws {
        let location = try backend.makeLocation()
        let store = try TestBackend.open(location)
        try store.write {
            try $0.enqueue(
                (0..<3).map {
                    OutboundMessage(
                        channel: "eaeu", kind: "P.LS.03.MSG.001", idempotencyKey: "k\($0)",
                        body: Array("<m n=\"\($0)\"/>".utf8))
                })
        }
        let now = Date()
        let taken = try store.write {
            try $0.claim(channel: "eaeu", limit: 2, worker: "w", now: now, leaseUntil: now + 60)
        }
        try store.write {
            _ = try $0.markFailed(taken[0].seq, error: "refused: wrong signer", retryAt: now, dead: true)
        }
        try store.write { _ = try $0.markDelivered(taken[1].seq, reply: Array("<ok/>".utf8), at: now) }
        func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
            try CLITests.run(["outbox"] + arguments + ["--store", location])
        }

        let counts = try run(["counts"])
        #expect(counts.status == 0, "\(counts.error)")
        for line in ["eaeu  dead  1", "eaeu  delivered  1", "eaeu  pending  1"] {
            #expect(counts.output.contains(line), "\(counts.output)")
        }
        let dead = try run(["list", "--state", "dead", "--json"])
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(dead.output.utf8)) as? [[String: Any]])
        #expect(listed.count == 1 && listed[0]["lastError"] as? String == "refused: wrong signer", "\(dead.output)")
        #expect(listed[0]["idempotencyKey"] as? String == "k0")
        let shown = try run(["show", "\(taken[1].seq)"])
        #expect(shown.output.contains("<m n=\"1\"/>") && shown.output.contains("reply:\n<ok/>"), "\(shown.output)")

        #expect(try run(["resend", "\(taken[0].seq)"]).status == 0)
        // Delivered, waiting for its first try, absent: each refused by name, nothing changed.
        for seq in [taken[1].seq, taken[0].seq + 2, 999] {
            let refused = try run(["resend", "\(seq)"])
            #expect(refused.status != 0 && refused.error.contains("OUTBOX_NOT_RESENDABLE"), "\(refused.error)")
        }
        let bad = try run(["list", "--state", "lost"])
        #expect(bad.status != 0 && bad.error.contains("--state must be pending, delivered or dead"), "\(bad.error)")
        let pending = try store.read { try $0.queued(OutboxFilter(state: .pending)) }
        #expect(pending.map(\.idempotencyKey) == ["k0", "k2"] && pending[0].attempts == 0)

        let audit = try CLITests.run(["audit", "search", "--action", "outbox-resend", "--json", "--store", location])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(
            entries.compactMap { $0["result"] as? String } == ["ok"]
                + Array(repeating: "refused OUTBOX_NOT_RESENDABLE", count: 3))
    }
}
