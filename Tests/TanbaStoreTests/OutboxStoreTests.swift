import Foundation
import Synchronization
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// The outbox's delivery in the store, on both backends. Failure modes: a message taken by two workers at once
/// (in one process or several), a leased message taken again before its lease ran out, a message of a worker that
/// died never taken again, a retry due before its time, a dead message delivered, a delivered one sent again.
@Suite struct OutboxStoreTests {
    static func messages(_ count: Int, channel: String = "eaeu", from first: Int = 0) -> [OutboundMessage] {
        (first..<(first + count)).map {
            OutboundMessage(
                channel: channel, kind: "P.LS.03.MSG.001", idempotencyKey: "\(channel)-\($0)",
                body: Array("m\($0)".utf8))
        }
    }

    @Test(arguments: TestBackend.available)
    func aLeaseKeepsAMessageFromOthersUntilItRunsOut(_ backend: TestBackend) throws {
        let store = try LedgerTests(backend).store
        try store.write { try $0.enqueue(Self.messages(3) + Self.messages(1, channel: "mof")) }
        let now = Date()
        let first = try store.write {
            try $0.claim(channel: "eaeu", limit: 2, worker: "a", now: now, leaseUntil: now + 30)
        }
        #expect(first.map(\.idempotencyKey) == ["eaeu-0", "eaeu-1"])
        #expect(first.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.body.starts(with: Array("m".utf8)) })
        // Another worker meanwhile gets only what is not leased, and nothing of another channel.
        let second = try store.write {
            try $0.claim(channel: "eaeu", limit: 10, worker: "b", now: now + 1, leaseUntil: now + 31)
        }
        #expect(second.map(\.idempotencyKey) == ["eaeu-2"])
        // Worker a died: after its lease, the two are someone else's.
        let later = try store.write {
            try $0.claim(channel: "eaeu", limit: 10, worker: "c", now: now + 31, leaseUntil: now + 61)
        }
        #expect(later.map(\.idempotencyKey) == ["eaeu-0", "eaeu-1"])
    }

    @Test(arguments: TestBackend.available)
    func aFailureWaitsForItsRetryADeadMessageWaitsForAnOperatorADeliveredOneIsDone(_ backend: TestBackend) throws {
        let store = try LedgerTests(backend).store
        try store.write { try $0.enqueue(Self.messages(2)) }
        let now = Date()
        let taken = try store.write {
            try $0.claim(channel: "eaeu", limit: 2, worker: "a", now: now, leaseUntil: now + 30)
        }
        try #require(taken.count == 2)
        let (retry, dead) = (taken[0].seq, taken[1].seq)
        #expect(
            try store.write { try $0.markFailed(retry, error: "503 from the receiver", retryAt: now + 10, dead: false) }
        )
        #expect(try store.write { try $0.markFailed(dead, error: "refused: wrong signer", retryAt: now, dead: true) })
        // Not due before its time, though no longer leased; the dead one never.
        #expect(
            try store.write { try $0.claim(channel: "eaeu", limit: 9, worker: "b", now: now + 5, leaseUntil: now + 35) }
                .isEmpty)
        let again = try store.write {
            try $0.claim(channel: "eaeu", limit: 9, worker: "b", now: now + 10, leaseUntil: now + 40)
        }
        #expect(again.map(\.seq) == [retry] && again[0].attempts == 1 && again[0].lastError == "503 from the receiver")
        #expect(try store.write { try $0.markDelivered(retry, reply: [1, 2, 3], at: now + 11) })
        // Delivered is final: a second acknowledgement, a failure or a resend changes nothing.
        #expect(try store.write { try $0.markDelivered(retry, reply: nil, at: now + 12) } == false)
        #expect(try store.write { try $0.markFailed(retry, error: "late", retryAt: now, dead: false) } == false)
        #expect(try store.write { try $0.resend(retry, at: now + 12) } == false)
        let delivered = try store.read { try $0.queued(OutboxFilter(state: .delivered)) }
        #expect(delivered.map(\.seq) == [retry] && delivered[0].reply == [1, 2, 3] && delivered[0].deliveredAt != nil)
        // The operator sends the dead one again: due at once, its count from zero.
        let deadOnes = try store.read { try $0.queued(OutboxFilter(state: .dead)) }
        #expect(deadOnes.map(\.seq) == [dead] && deadOnes[0].lastError == "refused: wrong signer")
        #expect(try store.write { try $0.resend(dead, at: now + 20) })
        let resent = try store.write {
            try $0.claim(channel: "eaeu", limit: 9, worker: "c", now: now + 20, leaseUntil: now + 50)
        }
        #expect(resent.map(\.seq) == [dead] && resent[0].attempts == 0)
        let counts = try store.read { try $0.outboxCounts() }
        #expect(
            counts.map { "\($0.channel):\($0.state.rawValue):\($0.count)" } == ["eaeu:delivered:1", "eaeu:pending:1"])
    }

    /// Eight workers on their own threads take from 400 messages at once until none is left: every message is taken
    /// by exactly one of them.
    @Test(.blocking, arguments: TestBackend.available)
    func workersTakingAtOnceNeverTakeOneMessageTwice(_ backend: TestBackend) throws {
        let store = try LedgerTests(backend).store
        try store.write { try $0.enqueue(Self.messages(400)) }
        let taken = Mutex<[Int64]>([])
        let group = DispatchGroup()
        for worker in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                while true {
                    let now = Date()
                    guard
                        let batch = try? store.write({
                            try $0.claim(
                                channel: "eaeu", limit: 7, worker: "w\(worker)", now: now, leaseUntil: now + 600)
                        }), !batch.isEmpty
                    else { return }
                    taken.withLock { $0 += batch.map(\.seq) }
                }
            }.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        let seqs = taken.withLock { $0 }
        #expect(seqs.count == 400 && Set(seqs).count == 400)
    }
}
