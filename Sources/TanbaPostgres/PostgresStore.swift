public import Foundation
import Logging
import PostgresNIO
import TanbaErrors
public import TanbaStore

/// The PostgreSQL store: the ledger on a server that several hub processes share, with the SQLite store's
/// semantics exactly (the same tables, the same answers, the same refusals).
///
/// Every write is one READ COMMITTED transaction with explicit locks: reads of codes lock their rows
/// (`FOR UPDATE`), the audit chain's head is read under a transaction-level advisory lock, and unique keys decide
/// races between documents. Every connection commits synchronously (`synchronous_commit = on`): a receipt is
/// given only for what survives a crash of the server.
public final class PostgresStore: HubStore {
    private let pool: ConnectionPool
    /// The URL without its password.
    public let location: String

    /// The default number of connections a store keeps.
    public static let defaultPoolSize = 8
    /// How long a statement waits for another transaction's lock before `STORE_UNAVAILABLE` (seconds), as long as
    /// the SQLite store waits for another process's write lock.
    public static let lockTimeout: TimeInterval = 30

    /// Whether `location` names a PostgreSQL store (`postgres://…`) rather than an SQLite file.
    public static func names(_ location: String) -> Bool { PostgresURL.isPostgres(location) }

    /// Connects to the database `url` names and migrates it to the current schema.
    /// - Parameter poolSize: at most this many connections at once, unless the URL says `?pool=N`.
    /// - Throws: `CONFIG_INVALID` for a malformed URL; `STORE_UNAVAILABLE` when the server cannot be reached;
    ///   `STORE_FAILURE` when it refuses (login, missing database, permissions).
    public init(url: String, poolSize: Int = PostgresStore.defaultPoolSize) throws {
        let parsed = try PostgresURL(url)
        location = parsed.location
        pool = ConnectionPool(
            configuration: parsed.configuration, size: parsed.poolSize ?? poolSize,
            setup: [
                "SET synchronous_commit = on",
                "SET lock_timeout = '\(Int(Self.lockTimeout))s'",
            ])
        try migrate()
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try transaction(writing: false) { try body($0) }
    }

    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try transaction(writing: true) { try body($0) }
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled back when it
    /// throws. A connection that turns out dead at BEGIN (the server restarted since it was last used) is dropped
    /// and the transaction begun on another; once begun, a lost connection is `STORE_UNAVAILABLE` (the caller
    /// may try again: documents are idempotent by digest).
    private func transaction<T>(writing: Bool, _ body: (PostgresSession) throws -> T) throws -> T {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try translating {
                    try pool.withConnection { connection, logger in
                        let session = PostgresSession(connection: connection, logger: logger, writing: writing)
                        do {
                            try session.run(
                                writing
                                    ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                    : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                        } catch {
                            throw StaleConnection(underlying: error)
                        }
                        do {
                            let result = try body(session)
                            try session.run("COMMIT")
                            return result
                        } catch {
                            if !connection.isClosed { try? session.run("ROLLBACK") }
                            throw error
                        }
                    }
                }
            } catch let stale as StaleConnection {
                guard PostgresFailure.isConnectionLoss(stale.underlying), attempts <= PostgresStore.defaultPoolSize
                else { throw PostgresFailure.translate(stale.underlying) }
            }
        }
    }

    /// Database errors become Tanba's (see `PostgresFailure`); Tanba's own errors and a caller's pass through.
    private func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as TanbaError { throw error } catch let error as StaleConnection {
            throw error
        } catch let error as PSQLError {
            throw PostgresFailure.translate(error)
        } catch is PostgresDecodingError {
            throw TanbaError(.storeFailure, "the store failed: a stored value has an unexpected type")
        } catch {
            if PostgresFailure.isConnectionLoss(error) { throw PostgresFailure.translate(error) }
            throw error
        }
    }

    /// Applies the migrations not applied yet, under a session-level advisory lock: a second process starting at
    /// the same moment waits, then finds them applied.
    private func migrate() throws {
        try translating {
            try pool.withConnection { connection, logger in
                let session = PostgresSession(connection: connection, logger: logger, writing: true)
                var lock = Statement()
                lock.sql = "SELECT pg_advisory_lock(\(lock.bind(PostgresSchema.migrationLock)))"
                try session.run(lock)
                defer {
                    var unlock = Statement()
                    unlock.sql = "SELECT pg_advisory_unlock(\(unlock.bind(PostgresSchema.migrationLock)))"
                    _ = try? session.run(unlock)
                }
                try session.run(Statement(PostgresSchema.bookkeeping))
                let applied = Set(
                    try session.run(Statement("SELECT name FROM schema_migrations")).map {
                        try $0.get(0, as: String.self)
                    })
                for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                    try session.run("BEGIN")
                    do {
                        for statement in migration.sql { try session.run(Statement(statement)) }
                        var record = Statement()
                        record.sql = "INSERT INTO schema_migrations (name) VALUES (\(record.bind(migration.name)))"
                        try session.run(record)
                        try session.run("COMMIT")
                    } catch {
                        try? session.run("ROLLBACK")
                        throw error
                    }
                }
            }
        }
    }

    /// Applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try translating {
            try pool.withConnection { connection, logger in
                let session = PostgresSession(connection: connection, logger: logger, writing: false)
                return try session.run(Statement("SELECT name FROM schema_migrations ORDER BY applied_at, name")).map {
                    try $0.get(0, as: String.self)
                }
            }
        }
    }

    /// A server setting as a pooled connection sees it (`current_setting`), for operators and tests: e.g. that
    /// `synchronous_commit` is `on` for the hub's connections whatever the server's default.
    public func setting(_ name: String) throws -> String {
        try transaction(writing: false) { session in
            var statement = Statement()
            statement.sql = "SELECT current_setting(\(statement.bind(name)))"
            return try session.run(statement).first?.get(0, as: String.self) ?? ""
        }
    }

    /// How PostgreSQL runs a change set's conditional update in the generic plan it caches for a prepared
    /// statement (`EXPLAIN`, one line a row), on the statistics the server has: tests check that it finds codes
    /// by their identity alone.
    public func conditionalUpdatePlan() throws -> String {
        try transaction(writing: false) { session in
            try session.run("SET LOCAL plan_cache_mode = force_generic_plan")
            try session.run("PREPARE tanba_conditional_update AS " + PostgresSession.conditionalUpdate)
            let rows = try session.run(
                Statement(
                    "EXPLAIN EXECUTE tanba_conditional_update('s', 'o', NULL, NULL, NULL, ARRAY['a'], 's', 'o', NULL, NULL, NULL)"
                ))
            try session.run("DEALLOCATE tanba_conditional_update")
            return try rows.map { try $0.get(0, as: String.self) }.joined(separator: "\n")
        }
    }

    /// The journals, as in the SQLite store, and the migrations' own bookkeeping: no part of the ledger.
    public static let journals: Set<String> = [
        "audit", "rejections", "login_challenges", "login_sessions", "schema_migrations",
    ]

    /// A fingerprint of every row of every ledger table (an MD5 over each table's rows as text, in byte order):
    /// equal fingerprints mean equal ledger contents. The journals are left out (see `journals`).
    public func contentFingerprint() throws -> String {
        try transaction(writing: false) { session in
            let tables = try session.run(
                Statement(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
            )
            .map { try $0.get(0, as: String.self) }
            .filter { !Self.journals.contains($0) }
            var parts: [String] = []
            for table in tables {
                // The name comes from the catalogue, quoted as an identifier; no value is spliced in.
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let digest = try session.run(
                    Statement(
                        "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), '')) FROM \(quoted) t"
                    )
                ).first?.get(0, as: String.self)
                parts.append("\(table)=\(digest ?? "")")
            }
            return parts.joined(separator: ";")
        }
    }

    /// Closes the idle connections now (those in use close as they come back); the rest go with the store.
    public func close() { pool.closeIdle() }
}
