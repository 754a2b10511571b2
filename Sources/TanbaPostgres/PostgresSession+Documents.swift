import Foundation
import NIOCore
import PostgresNIO
import TanbaErrors
import TanbaStore

/// Documents, refusals and logins: the same statements as the SQLite store's, with PostgreSQL's placeholders.
extension PostgresSession {
    static let documentColumns =
        "id, type, sender, number, date, recipient, received_at, status, digest, content, receipt, items, amount"

    static func document(_ row: PostgresRandomAccessRow) throws -> DocumentRecord {
        var record = DocumentRecord(
            id: try row.get(0), type: try row.get(1), sender: try row.get(2), number: try row.get(3),
            date: try row.get(4), recipient: try row.get(5), receivedAt: Date(timeIntervalSince1970: try row.get(6)),
            status: DocumentStatus(rawValue: try row.get(7)) ?? .rejected, digest: try row.get(8),
            content: try row.bytes(9), receipt: try row.bytes(10))
        record.items = try row.get(11, as: Int?.self)
        record.amount = try row.get(12, as: String?.self)
        return record
    }

    func document(id: String) throws -> DocumentRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.documentColumns) FROM documents WHERE id = \(s.bind(id))"
        return try run(s).first.map(Self.document)
    }

    func document(sender: String, number: String) throws -> DocumentRecord? {
        var s = Statement()
        s.sql = """
            SELECT \(Self.documentColumns) FROM documents
            WHERE sender = \(s.bind(sender)) AND number = \(s.bind(number)) AND status != 'rejected' LIMIT 1
            """
        return try run(s).first.map(Self.document)
    }

    func documentPage(_ filter: DocumentFilter) throws -> DocumentPage {
        // One row more than asked says whether a next page exists.
        let rows = try run(Self.pageQuery(filter))
        let shown = rows.prefix(filter.limit)
        let next =
            rows.count > filter.limit
            ? try shown.last.map { DocumentCursor(receivedAt: try $0.get(6), id: try $0.get(0)) } : nil
        return DocumentPage(
            documents: try shown.map { row in
                var record = try Self.document(row)
                record.code = try row.get(13)
                return record
            }, next: next)
    }

    /// The keyset query of a document list, as the SQLite store's `pageQuery`: the conditions, then
    /// `(received_at, id) < cursor`, newest first; refused documents merged in for lists without a recipient.
    static func pageQuery(_ filter: DocumentFilter) -> Statement {
        var statement = Statement()
        func conditions(rejections: Bool) -> String {
            var conditions: [String] = []
            if let sender = filter.sender {
                conditions.append(
                    rejections
                        ? "COALESCE(submitter, sender) = \(statement.bind(sender))"
                        : "sender = \(statement.bind(sender))")
            }
            if let recipient = filter.recipient { conditions.append("recipient = \(statement.bind(recipient))") }
            if let type = filter.type { conditions.append("type = \(statement.bind(type))") }
            if let status = filter.status, !rejections {
                conditions.append("status = \(statement.bind(status.rawValue))")
            }
            if let from = filter.receivedFrom {
                conditions.append("received_at >= \(statement.bind(from.timeIntervalSince1970))")
            }
            if let before = filter.receivedBefore {
                conditions.append("received_at < \(statement.bind(before.timeIntervalSince1970))")
            }
            if let from = filter.dateFrom { conditions.append("date >= \(statement.bind(from))") }
            if let to = filter.dateTo { conditions.append("date <= \(statement.bind(to))") }
            if let number = filter.number { conditions.append("number = \(statement.bind(number))") }
            if let after = filter.after {
                conditions.append(
                    "(received_at, id) < (\(statement.bind(after.receivedAt)), \(statement.bind(after.id)))")
            }
            if rejections { conditions.append("NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = rejections.id)") }
            return conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        }
        var sql =
            "SELECT \(documentColumns), NULL::text AS code FROM documents \(conditions(rejections: false))"
        if filter.recipient == nil && (filter.status == nil || filter.status == .rejected) {
            sql += """
                 UNION ALL SELECT id, COALESCE(type, ''), COALESCE(sender, submitter, ''), COALESCE(number, ''),
                COALESCE(date, ''), NULL::text, received_at, 'rejected', '', ''::bytea, receipt, NULL::integer,
                NULL::text, code FROM rejections
                \(conditions(rejections: true))
                """
        }
        sql += " ORDER BY received_at DESC, id DESC LIMIT \(statement.bind(Int64(filter.limit + 1)))"
        statement.sql = sql
        return statement
    }

    /// Inserts a new document; never replaces one. A document with its id, number or digest already stored
    /// (committed by another transaction, which this insert waited for) is a conflict (`STORE_CONFLICT`): the
    /// caller decides again against what is there.
    func save(_ document: DocumentRecord) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO documents (\(Self.documentColumns)) VALUES (
                \(s.bind(document.id)), \(s.bind(document.type)), \(s.bind(document.sender)), \(s.bind(document.number)),
                \(s.bind(document.date)), \(s.bind(document.recipient))::text,
                \(s.bind(document.receivedAt.timeIntervalSince1970)), \(s.bind(document.status.rawValue)),
                \(s.bind(document.digest)), \(s.bind(bytes: document.content)), \(s.bind(bytes: document.receipt)),
                \(s.bind(document.items.map { Int32(clamping: $0) }))::integer, \(s.bind(document.amount))::text)
            """
        do { try run(s) } catch let error where PostgresFailure.sqlState(error) == "23505" {
            throw TanbaError(
                .storeConflict, "\(document.sender) \(document.number) (\(document.id)) was stored meanwhile")
        }
    }

    func setStatus(_ status: DocumentStatus, of id: String) throws {
        var s = Statement()
        s.sql = "UPDATE documents SET status = \(s.bind(status.rawValue)) WHERE id = \(s.bind(id))"
        try run(s)
    }

    static let rejectionColumns = "id, submitter, type, sender, number, received_at, code, receipt, date"

    func rejection(id: String) throws -> RejectionRecord? {
        var s = Statement()
        s.sql = "SELECT \(Self.rejectionColumns) FROM rejections WHERE id = \(s.bind(id))"
        return try run(s).first.map { row in
            RejectionRecord(
                id: try row.get(0), submitter: try row.get(1), type: try row.get(2), sender: try row.get(3),
                number: try row.get(4), receivedAt: Date(timeIntervalSince1970: try row.get(5)), code: try row.get(6),
                receipt: try row.bytes(7), date: try row.get(8))
        }
    }

    func save(_ rejection: RejectionRecord) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO rejections (\(Self.rejectionColumns)) VALUES (
                \(s.bind(rejection.id)), \(s.bind(rejection.submitter))::text, \(s.bind(rejection.type))::text,
                \(s.bind(rejection.sender))::text, \(s.bind(rejection.number))::text,
                \(s.bind(rejection.receivedAt.timeIntervalSince1970)), \(s.bind(rejection.code)),
                \(s.bind(bytes: rejection.receipt)), \(s.bind(rejection.date))::text)
            ON CONFLICT (id) DO NOTHING
            """
        try run(s)
    }

    // MARK: Logins

    func session(tokenHash: String, at now: Date) throws -> StoredSession? {
        var s = Statement()
        s.sql = """
            SELECT participant, iin, expires_at FROM login_sessions
            WHERE token_hash = \(s.bind(tokenHash)) AND expires_at > \(s.bind(now.timeIntervalSince1970))
            """
        return try run(s).first.map {
            StoredSession(
                tokenHash: tokenHash, participant: try $0.get(0), iin: try $0.get(1),
                expiresAt: Date(timeIntervalSince1970: try $0.get(2)))
        }
    }

    func save(_ session: StoredSession) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO login_sessions (token_hash, participant, iin, expires_at)
            VALUES (\(s.bind(session.tokenHash)), \(s.bind(session.participant)), \(s.bind(session.iin))::text,
                    \(s.bind(session.expiresAt.timeIntervalSince1970)))
            """
        try run(s)
    }

    func saveChallenge(nonce: String, expiresAt: Date) throws {
        var s = Statement()
        s.sql = """
            INSERT INTO login_challenges (nonce, expires_at)
            VALUES (\(s.bind(nonce)), \(s.bind(expiresAt.timeIntervalSince1970)))
            """
        try run(s)
    }

    /// One DELETE decides: the row is gone for whoever comes second, in this process or another.
    func consumeChallenge(nonce: String, at now: Date) throws -> Bool {
        var s = Statement()
        s.sql = """
            DELETE FROM login_challenges
            WHERE nonce = \(s.bind(nonce)) AND expires_at > \(s.bind(now.timeIntervalSince1970)) RETURNING nonce
            """
        return try run(s).count == 1
    }

    func extendSession(tokenHash: String, to expiresAt: Date, at now: Date) throws -> Bool {
        var s = Statement()
        s.sql = """
            UPDATE login_sessions SET expires_at = \(s.bind(expiresAt.timeIntervalSince1970))
            WHERE token_hash = \(s.bind(tokenHash)) AND expires_at > \(s.bind(now.timeIntervalSince1970))
            RETURNING token_hash
            """
        return try run(s).count == 1
    }

    func endSession(tokenHash: String) throws {
        var s = Statement()
        s.sql = "DELETE FROM login_sessions WHERE token_hash = \(s.bind(tokenHash))"
        try run(s)
    }

    func purgeExpiredLogins(before now: Date) throws {
        var challenges = Statement()
        challenges.sql =
            "DELETE FROM login_challenges WHERE expires_at <= \(challenges.bind(now.timeIntervalSince1970))"
        try run(challenges)
        var sessions = Statement()
        sessions.sql = "DELETE FROM login_sessions WHERE expires_at <= \(sessions.bind(now.timeIntervalSince1970))"
        try run(sessions)
    }
}
