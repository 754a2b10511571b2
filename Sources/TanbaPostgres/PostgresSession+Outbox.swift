import Foundation
import NIOCore
import PostgresNIO
import TanbaStore

/// The outbox's delivery on PostgreSQL, as the SQLite store's `Connection+Outbox`. Several workers in several hub
/// processes take messages at once: the rows one is leasing are skipped by the others (`FOR UPDATE SKIP LOCKED`),
/// so none waits and none takes a message twice.
extension PostgresSession {
    static let queuedColumns = """
        seq, channel, kind, idempotency_key, body, state, attempts, created_at, next_attempt_at, last_error,
        delivered_at, reply
        """

    static func queued(_ row: PostgresRandomAccessRow) throws -> QueuedMessage {
        QueuedMessage(
            seq: try row.get(0), channel: try row.get(1), kind: try row.get(2), idempotencyKey: try row.get(3),
            body: Array(try row.get(4, as: ByteBuffer.self).readableBytesView),
            state: OutboxState(rawValue: try row.get(5)) ?? .pending, attempts: Int(try row.get(6, as: Int32.self)),
            createdAt: Date(timeIntervalSince1970: try row.get(7)),
            nextAttemptAt: Date(timeIntervalSince1970: try row.get(8)), lastError: try row.get(9),
            deliveredAt: try row.get(10, as: Double?.self).map(Date.init(timeIntervalSince1970:)),
            reply: try row.get(11, as: ByteBuffer?.self).map { Array($0.readableBytesView) })
    }

    func queued(_ filter: OutboxFilter) throws -> [QueuedMessage] {
        var s = Statement()
        var conditions = ["seq > \(s.bind(filter.after ?? 0))"]
        if let state = filter.state { conditions.append("state = \(s.bind(state.rawValue))") }
        if let channel = filter.channel { conditions.append("channel = \(s.bind(channel))") }
        if filter.failedOnly { conditions.append("attempts > 0") }
        s.sql = """
            SELECT \(Self.queuedColumns) FROM outbox WHERE \(conditions.joined(separator: " AND "))
            ORDER BY seq LIMIT \(s.bind(filter.limit))
            """
        return try run(s).map(Self.queued)
    }

    func outboxCounts() throws -> [OutboxCount] {
        try run(
            Statement(
                "SELECT channel, state, count(*), min(created_at) FROM outbox GROUP BY channel, state ORDER BY 1, 2")
        ).map {
            OutboxCount(
                channel: try $0.get(0), state: OutboxState(rawValue: try $0.get(1)) ?? .pending,
                count: Int(try $0.get(2, as: Int64.self)),
                oldest: try $0.get(3, as: Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    func claim(channel: String, limit: Int, worker: String, now: Date, leaseUntil: Date) throws -> [QueuedMessage] {
        var s = Statement()
        let moment = s.bind(now.timeIntervalSince1970)
        s.sql = """
            UPDATE outbox SET leased_until = \(s.bind(leaseUntil.timeIntervalSince1970)), leased_by = \(s.bind(worker))
            WHERE seq IN (
                SELECT seq FROM outbox
                WHERE state = 'pending' AND channel = \(s.bind(channel)) AND next_attempt_at <= \(moment)
                  AND (leased_until IS NULL OR leased_until < \(moment))
                ORDER BY next_attempt_at, seq LIMIT \(s.bind(limit))
                FOR UPDATE SKIP LOCKED)
            RETURNING \(Self.queuedColumns)
            """
        return try run(s).map(Self.queued).sorted { $0.seq < $1.seq }
    }

    func markDelivered(_ seq: Int64, reply: [UInt8]?, at: Date) throws -> Bool {
        var s = Statement()
        s.sql = """
            UPDATE outbox SET state = 'delivered', delivered_at = \(s.bind(at.timeIntervalSince1970)),
                              reply = \(s.bind(reply.map { ByteBuffer(bytes: $0) })), leased_until = NULL,
                              leased_by = NULL
            WHERE seq = \(s.bind(seq)) AND state = 'pending'
            RETURNING seq
            """
        return try run(s).count == 1
    }

    func markFailed(_ seq: Int64, error: String, retryAt: Date, dead: Bool) throws -> Bool {
        var s = Statement()
        s.sql = """
            UPDATE outbox SET attempts = attempts + 1, last_error = \(s.bind(error)),
                              next_attempt_at = \(s.bind(retryAt.timeIntervalSince1970)),
                              state = \(s.bind(dead ? "dead" : "pending")), leased_until = NULL, leased_by = NULL
            WHERE seq = \(s.bind(seq)) AND state = 'pending'
            RETURNING seq
            """
        return try run(s).count == 1
    }

    func resend(_ seq: Int64, at: Date) throws -> Bool {
        var s = Statement()
        s.sql = """
            UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = \(s.bind(at.timeIntervalSince1970)),
                              last_error = NULL, leased_until = NULL, leased_by = NULL
            WHERE seq = \(s.bind(seq)) AND (state = 'dead' OR (state = 'pending' AND attempts > 0))
            RETURNING seq
            """
        return try run(s).count == 1
    }
}
