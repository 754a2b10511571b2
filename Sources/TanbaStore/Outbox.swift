public import Foundation

/// Where a message to another system stands.
public enum OutboxState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for its first delivery or for its next attempt (`nextAttemptAt`).
    case pending
    /// The receiver acknowledged it.
    case delivered
    /// Refused for good, or failed `RetryPolicy.maxAttempts` times: an operator looks at it and may send it again.
    case dead
}

/// A message in the outbox, as workers and operators see it.
public struct QueuedMessage: Sendable, Hashable {
    /// Its place in the queue (the order messages were decided in).
    public let seq: Int64
    public let channel: String
    public let kind: String
    /// Unique per message; the receiver deduplicates by it, so a message sent twice (after a crash in mid-delivery)
    /// is still taken once.
    public let idempotencyKey: String
    public let body: [UInt8]
    public let state: OutboxState
    /// Failed deliveries so far.
    public let attempts: Int
    public let createdAt: Date
    /// When a pending message is due.
    public let nextAttemptAt: Date
    /// The last failure, in words (no secrets: what the receiver said, or why it could not be reached).
    public let lastError: String?
    public let deliveredAt: Date?
    /// What the receiver answered when it took the message (its processing result).
    public let reply: [UInt8]?

    public init(
        seq: Int64, channel: String, kind: String, idempotencyKey: String, body: [UInt8], state: OutboxState,
        attempts: Int, createdAt: Date, nextAttemptAt: Date, lastError: String?, deliveredAt: Date?, reply: [UInt8]?
    ) {
        self.seq = seq
        self.channel = channel
        self.kind = kind
        self.idempotencyKey = idempotencyKey
        self.body = body
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.reply = reply
    }
}

/// Which messages an operator lists: by state and channel, after a place in the queue.
public struct OutboxFilter: Sendable, Hashable {
    public var state: OutboxState?
    public var channel: String?
    /// Only messages that failed at least once (pending ones are then "stuck").
    public var failedOnly: Bool
    public var after: Int64?
    public var limit: Int

    public init(
        state: OutboxState? = nil, channel: String? = nil, failedOnly: Bool = false, after: Int64? = nil,
        limit: Int = 50
    ) {
        self.state = state
        self.channel = channel
        self.failedOnly = failedOnly
        self.after = after
        self.limit = limit
    }
}

/// How many messages of a channel are in a state, and the oldest of them.
public struct OutboxCount: Sendable, Hashable {
    public let channel: String
    public let state: OutboxState
    public let count: Int
    public let oldest: Date?

    public init(channel: String, state: OutboxState, count: Int, oldest: Date?) {
        self.channel = channel
        self.state = state
        self.count = count
        self.oldest = oldest
    }
}

/// What operators read of the outbox.
public protocol OutboxReader {
    /// Messages in queue order after `filter.after`, at most `filter.limit`.
    func queued(_ filter: OutboxFilter) throws -> [QueuedMessage]
    /// Counts by channel and state.
    func outboxCounts() throws -> [OutboxCount]
}

/// What delivery workers and operators change in the outbox. Each is one statement whose conditions the database
/// checks, so several workers in several processes never take one message at once.
public protocol OutboxWriter: OutboxReader {
    /// Takes up to `limit` due messages of `channel` for `worker` until `leaseUntil`: pending, due by `now`, and
    /// not leased to anyone else (or their lease ran out: a worker killed in mid-delivery leaves its messages to the
    /// next one). On PostgreSQL rows other workers are taking are skipped (`FOR UPDATE SKIP LOCKED`).
    func claim(channel: String, limit: Int, worker: String, now: Date, leaseUntil: Date) throws -> [QueuedMessage]
    /// Records that message `seq` was taken by its receiver. False if it was no longer pending.
    func markDelivered(_ seq: Int64, reply: [UInt8]?, at: Date) throws -> Bool
    /// Records a failed attempt: due again at `retryAt`, or dead when `dead`. False if it was no longer pending.
    func markFailed(_ seq: Int64, error: String, retryAt: Date, dead: Bool) throws -> Bool
    /// Sends a dead (or stuck pending) message again from now, its attempts counted from zero. False if it was
    /// delivered or does not exist.
    func resend(_ seq: Int64, at: Date) throws -> Bool
}
