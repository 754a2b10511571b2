public import Foundation
import Synchronization
public import TanbaStore

/// Why a delivery failed, and whether trying again can help.
public struct DeliveryFailure: Error, Sendable, Hashable {
    /// In words, for the operator (what the receiver said, or why it could not be reached). Never a secret.
    public let reason: String
    /// The receiver refused the message itself (malformed, wrong signer): sending it again would be refused again,
    /// so it goes dead at once, for an operator to look at.
    public let permanent: Bool

    public init(_ reason: String, permanent: Bool = false) {
        self.reason = reason
        self.permanent = permanent
    }
}

/// Carries a message of one channel to its receiver.
public protocol OutboxTransport: Sendable {
    /// The channel this transport serves (`eaeu`, `mof`…).
    var channel: String { get }
    /// Delivers `message`; returns what the receiver answered (its processing result). Called again for the same
    /// message after a failure or a crash, so the receiver must deduplicate by `message.idempotencyKey`, which
    /// the transport carries (WS-Addressing `MessageID` for SOAP).
    /// - Throws: `DeliveryFailure`; any other error counts as a temporary one.
    func deliver(_ message: QueuedMessage) async throws -> [UInt8]
}

/// When a failed message is tried again: exponential backoff with jitter, dead after `maxAttempts`.
public struct RetryPolicy: Sendable, Hashable {
    /// The first retry's delay.
    public var base: TimeInterval
    /// No delay is longer.
    public var cap: TimeInterval
    /// Failures after which a message is dead (an operator sends it again).
    public var maxAttempts: Int

    public init(base: TimeInterval = 1, cap: TimeInterval = 300, maxAttempts: Int = 10) {
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The delay after failure number `attempt` (1 for the first): `base × 2^(attempt−1)` up to `cap`, of which a
    /// random half to whole is taken ("equal jitter"), so that messages failed together by one outage of the
    /// receiver do not all come back at the same moment.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> TimeInterval {
        let exponential = min(cap, base * pow(2, Double(max(0, attempt - 1))))
        return exponential * (0.5 + 0.5 * random)
    }
}

/// Delivers the outbox of one channel: takes due messages under a lease, sends them through the channel's
/// transport a batch at a time, and records each answer — delivered, to be retried, or dead.
///
/// Any number of these may run, in one hub process or several, on one store: the store's `claim` gives each
/// message to one worker at a time. A worker killed in mid-delivery leaves its messages leased until `lease`
/// passes; the next worker sends them again, and the receiver, deduplicating by the idempotency key, takes them
/// once. A message is never marked delivered before its receiver answered.
public final class OutboxDelivery: Sendable {
    public let store: any HubStore
    public let transport: any OutboxTransport
    public let policy: RetryPolicy
    /// Messages taken and sent at once.
    public let batch: Int
    /// How long a worker holds what it took: longer than a delivery can take.
    public let lease: TimeInterval
    /// The pause when nothing is due.
    public let idle: Duration
    /// This worker's name in the leases: host, process and a random part.
    public let worker: String
    private let counters = Mutex<(delivered: Int, failed: Int, dead: Int)>((0, 0, 0))

    public init(
        store: any HubStore, transport: any OutboxTransport, policy: RetryPolicy = RetryPolicy(), batch: Int = 32,
        lease: TimeInterval = 120, idle: Duration = .milliseconds(200)
    ) {
        self.store = store
        self.transport = transport
        self.policy = policy
        self.batch = batch
        self.lease = lease
        self.idle = idle
        worker =
            "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Messages delivered, failed (to be retried) and gone dead by this worker.
    public var counts: (delivered: Int, failed: Int, dead: Int) { counters.withLock { $0 } }

    /// Delivers until the task is cancelled (the service group stopping): what is in flight then finishes and is
    /// recorded, nothing new is taken.
    public func run() async {
        while !Task.isCancelled {
            // A pass runs in a task of its own, which the caller's cancellation does not reach: a message in
            // flight is answered and recorded, not cut off and sent again.
            let sent = await Task { (try? await self.deliverDue()) ?? 0 }.value
            if sent == 0 { try? await Task.sleep(for: idle) }
        }
    }

    /// One pass: takes up to `batch` due messages, sends them at once, and records every outcome in one
    /// transaction (a commit per message made the store's syncs the worker's pace).
    /// - Returns: how many were taken.
    @discardableResult
    public func deliverDue(now: Date = Date()) async throws -> Int {
        let (channel, limit, worker, until) = (transport.channel, batch, worker, now + lease)
        let taken = try await store.transaction { tx in
            try tx.claim(channel: channel, limit: limit, worker: worker, now: now, leaseUntil: until)
        }
        guard !taken.isEmpty else { return 0 }
        let outcomes = await withTaskGroup(of: (QueuedMessage, Result<[UInt8], DeliveryFailure>).self) { group in
            for message in taken {
                group.addTask { (message, await self.send(message)) }
            }
            var outcomes: [(QueuedMessage, Result<[UInt8], DeliveryFailure>)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        let policy = self.policy
        let answered = Date()
        do {
            let tally = try await store.transaction { tx -> (delivered: Int, failed: Int, dead: Int) in
                var tally = (delivered: 0, failed: 0, dead: 0)
                for (message, outcome) in outcomes {
                    switch outcome {
                    case .success(let reply):
                        if try tx.markDelivered(message.seq, reply: reply, at: answered) { tally.delivered += 1 }
                    case .failure(let failure):
                        // A retry is due the policy's delay after the pass's time, so that a pass's clock (a test's,
                        // or one read once per pass) decides when it is due.
                        let attempt = message.attempts + 1
                        let dead = failure.permanent || attempt >= policy.maxAttempts
                        let recorded = try tx.markFailed(
                            message.seq, error: String(failure.reason.prefix(500)),
                            retryAt: now + policy.delay(afterAttempt: attempt), dead: dead)
                        if recorded, dead { tally.dead += 1 } else if recorded { tally.failed += 1 }
                    }
                }
                return tally
            }
            counters.withLock {
                $0.delivered += tally.delivered
                $0.failed += tally.failed
                $0.dead += tally.dead
            }
        } catch {
            // The store could not record the outcomes: the leases run out and the messages are sent again, which
            // the receiver's deduplication absorbs.
        }
        return taken.count
    }

    /// Sends one message; what the transport threw, as a failure to record.
    private func send(_ message: QueuedMessage) async -> Result<[UInt8], DeliveryFailure> {
        do {
            return .success(try await transport.deliver(message))
        } catch let failure as DeliveryFailure {
            return .failure(failure)
        } catch {
            return .failure(DeliveryFailure("\(error)"))
        }
    }
}
