import Foundation
import GRDB
import TanbaStore

/// The outbox's delivery on SQLite: one writer at a time, so taking messages is one `UPDATE … RETURNING` whose
/// conditions (pending, due, not leased) are checked by the statement that leases them.
extension Connection {
    static let queuedColumns = """
        seq, channel, kind, idempotency_key, body, state, attempts, created_at, next_attempt_at, last_error,
        delivered_at, reply
        """

    static func queued(_ row: Row) -> QueuedMessage {
        QueuedMessage(
            seq: row[0], channel: row[1], kind: row[2], idempotencyKey: row[3], body: [UInt8](row[4] as Data),
            state: OutboxState(rawValue: row[5]) ?? .pending, attempts: row[6],
            createdAt: Date(timeIntervalSince1970: row[7]), nextAttemptAt: Date(timeIntervalSince1970: row[8]),
            lastError: row[9], deliveredAt: (row[10] as Double?).map(Date.init(timeIntervalSince1970:)),
            reply: (row[11] as Data?).map { [UInt8]($0) })
    }

    func queued(_ filter: OutboxFilter) throws -> [QueuedMessage] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(Self.queuedColumns) FROM outbox
                    WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR channel = ?2) AND (NOT ?3 OR attempts > 0)
                      AND seq > ?4
                    ORDER BY seq LIMIT ?5
                    """),
            arguments: [filter.state?.rawValue, filter.channel, filter.failedOnly, filter.after ?? 0, filter.limit]
        ).map(Self.queued)
    }

    func outboxCounts() throws -> [OutboxCount] {
        try Row.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT channel, state, count(*), min(created_at) FROM outbox GROUP BY channel, state ORDER BY 1, 2"
            )
        ).map {
            OutboxCount(
                channel: $0[0], state: OutboxState(rawValue: $0[1]) ?? .pending, count: $0[2],
                oldest: ($0[3] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    func claim(channel: String, limit: Int, worker: String, now: Date, leaseUntil: Date) throws -> [QueuedMessage] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    UPDATE outbox SET leased_until = ?1, leased_by = ?2
                    WHERE seq IN (
                        SELECT seq FROM outbox
                        WHERE state = 'pending' AND channel = ?3 AND next_attempt_at <= ?4
                          AND (leased_until IS NULL OR leased_until < ?4)
                        ORDER BY next_attempt_at, seq LIMIT ?5)
                    RETURNING \(Self.queuedColumns)
                    """),
            arguments: [leaseUntil.timeIntervalSince1970, worker, channel, now.timeIntervalSince1970, limit])
        return rows.map(Self.queued).sorted { $0.seq < $1.seq }
    }

    func markDelivered(_ seq: Int64, reply: [UInt8]?, at: Date) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET state = 'delivered', delivered_at = ?, reply = ?, leased_until = NULL,
                                  leased_by = NULL
                WHERE seq = ? AND state = 'pending'
                """
        ).execute(arguments: [at.timeIntervalSince1970, reply.map { Data($0) }, seq])
        return db.changesCount == 1
    }

    func markFailed(_ seq: Int64, error: String, retryAt: Date, dead: Bool) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                                  state = CASE WHEN ? THEN 'dead' ELSE 'pending' END, leased_until = NULL,
                                  leased_by = NULL
                WHERE seq = ? AND state = 'pending'
                """
        ).execute(arguments: [error, retryAt.timeIntervalSince1970, dead, seq])
        return db.changesCount == 1
    }

    func resend(_ seq: Int64, at: Date) throws -> Bool {
        try db.cachedStatement(
            sql: """
                UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL,
                                  leased_until = NULL, leased_by = NULL
                WHERE seq = ? AND (state = 'dead' OR (state = 'pending' AND attempts > 0))
                """
        ).execute(arguments: [at.timeIntervalSince1970, seq])
        return db.changesCount == 1
    }
}
