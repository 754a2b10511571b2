import Foundation
import Synchronization
import TanbaCore
import TanbaStore
import TanbaStoreTestSupport
import Testing

/// The outbox's workers against a receiver in the test (the simulator as a process is in the integration tests).
/// Failure modes: a message given up on after a temporary failure, retried before its backoff, retried after the
/// receiver refused it for good, retried forever, or delivered twice by two workers sharing the store.
@Suite struct OutboxDeliveryTests {
    /// A receiver that fails the first `failures` attempts of each message, and refuses for good any message
    /// whose body is `bad`. It counts what it took by idempotency key.
    final class Receiver: OutboxTransport {
        let channel = "eaeu"
        let failures: Int
        let seen = Mutex<[String: Int]>([:])
        let taken = Mutex<[String: Int]>([:])

        init(failures: Int) { self.failures = failures }

        func deliver(_ message: QueuedMessage) async throws -> [UInt8] {
            let attempt = seen.withLock { seen -> Int in
                seen[message.idempotencyKey, default: 0] += 1
                return seen[message.idempotencyKey]!
            }
            if message.body == Array("bad".utf8) { throw DeliveryFailure("refused: wrong signer", permanent: true) }
            if attempt <= failures { throw DeliveryFailure("503 Service Unavailable") }
            taken.withLock { $0[message.idempotencyKey, default: 0] += 1 }
            return Array("ok \(message.idempotencyKey)".utf8)
        }
    }

    static func enqueue(_ count: Int, in store: any HubStore, bad: Bool = false) throws {
        try store.write {
            try $0.enqueue(
                (0..<count).map {
                    OutboundMessage(
                        channel: "eaeu", kind: "P.LS.03.MSG.001", idempotencyKey: "key-\($0)",
                        body: Array((bad ? "bad" : "m\($0)").utf8))
                })
        }
    }

    @Test(arguments: TestBackend.available)
    func aMessageFailedTwiceIsDeliveredOnceAfterItsBackoff(_ backend: TestBackend) async throws {
        let store = try backend.makeStore()
        try Self.enqueue(1, in: store)
        let receiver = Receiver(failures: 2)
        let delivery = OutboxDelivery(
            store: store, transport: receiver, policy: RetryPolicy(base: 10, cap: 60, maxAttempts: 5))
        let start = Date()
        #expect(try await delivery.deliverDue(now: start) == 1)
        // Backed off: 5 to 10 s after the first failure, nothing is due at once.
        #expect(try await delivery.deliverDue(now: start + 1) == 0)
        let first = try #require(try store.read { try $0.queued(OutboxFilter()) }.first)
        #expect(first.attempts == 1 && first.state == .pending && first.lastError == "503 Service Unavailable")
        #expect(
            first.nextAttemptAt.timeIntervalSince(start) >= 4.9 && first.nextAttemptAt.timeIntervalSince(start) <= 11)
        #expect(try await delivery.deliverDue(now: start + 11) == 1)
        #expect(try await delivery.deliverDue(now: start + 40) == 1)
        let done = try #require(try store.read { try $0.queued(OutboxFilter()) }.first)
        #expect(done.state == .delivered && done.attempts == 2 && done.reply == Array("ok key-0".utf8))
        #expect(try await delivery.deliverDue(now: start + 1000) == 0)
        #expect(receiver.taken.withLock { $0 } == ["key-0": 1])
        #expect(delivery.counts == (delivered: 1, failed: 2, dead: 0))
    }

    @Test(arguments: TestBackend.available)
    func aRefusedMessageIsDeadAtOnceAndARetriedOneDiesAtTheLimit(_ backend: TestBackend) async throws {
        let store = try backend.makeStore()
        try Self.enqueue(1, in: store, bad: true)
        let delivery = OutboxDelivery(
            store: store, transport: Receiver(failures: 0), policy: RetryPolicy(base: 0, cap: 0, maxAttempts: 3))
        #expect(try await delivery.deliverDue() == 1)
        let dead = try store.read { try $0.queued(OutboxFilter(state: .dead)) }
        #expect(dead.count == 1 && dead[0].attempts == 1 && dead[0].lastError == "refused: wrong signer")

        let other = try TestBackend.sqlite.makeStore()
        try Self.enqueue(1, in: other)
        let failing = OutboxDelivery(
            store: other, transport: Receiver(failures: 100), policy: RetryPolicy(base: 0, cap: 0, maxAttempts: 3))
        for _ in 0..<5 { try await failing.deliverDue(now: Date() + 1) }
        let gaveUp = try other.read { try $0.queued(OutboxFilter(state: .dead)) }
        #expect(gaveUp.count == 1 && gaveUp[0].attempts == 3)
    }

    /// Two workers (as two hub processes would run) on one store, 200 messages, a receiver failing each message
    /// once: every message is taken by the receiver exactly once.
    @Test(arguments: TestBackend.available)
    func twoWorkersOnOneStoreDeliverEachMessageOnce(_ backend: TestBackend) async throws {
        let store = try backend.makeStore()
        try Self.enqueue(200, in: store)
        let receiver = Receiver(failures: 1)
        let policy = RetryPolicy(base: 0, cap: 0, maxAttempts: 5)
        let workers = (0..<2).map { _ in OutboxDelivery(store: store, transport: receiver, policy: policy, batch: 16) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask {
                    var idle = 0
                    while idle < 3 {
                        idle = try await worker.deliverDue(now: Date() + 1) == 0 ? idle + 1 : 0
                    }
                }
            }
            try await group.waitForAll()
        }
        let taken = receiver.taken.withLock { $0 }
        #expect(taken.count == 200 && taken.values.allSatisfy { $0 == 1 })
        #expect(try store.read { try $0.outboxCounts() }.map(\.count) == [200])
    }
}
