public import Foundation
import GRDB
import Synchronization
import TanbaDomain
import TanbaErrors
public import TanbaStore

/// The embedded store: one SQLite file in WAL mode (readers never block the writer), schema migrations,
/// every write one transaction with `synchronous=FULL` (documents are legally significant: a committed
/// change survives a power cut).
public final class SQLiteStore: HubStore {
    private let pool: DatabasePool
    private let committer: GroupCommit
    private let readers: ReadConnections
    private let checkpointer: Checkpointer
    public let location: String
    /// WAL readers never wait for the writer: a point read is memory and page cache.
    public var readsAreLocal: Bool { true }

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    /// - Throws: `STORE_FAILURE` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var configuration = Configuration()
        // Several `tanba` processes (a server, folders, an operator's commands) share one file: a connection that
        // finds it locked waits for the other writer rather than failing at once with "database is locked".
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Codes are keyed by random serials, so lookups land all over a large B-tree: a reader's page cache of
            // 128 MB keeps a store of millions of codes off the disk for most pages (SQLite's default is 2 MB). The
            // writer's is small but for bulk changes (`WriterCache`).
            try db.execute(sql: db.configuration.readonly ? WriterCache.wide : WriterCache.narrow)
            // No memory map (mmap_size 0, the default). Why: in WAL mode a connection unmaps the whole file at its
            // first read after any other connection's commit, so with documents arriving the map was torn down and
            // faulted in again for every read transaction (munmap + page faults: 7% of a small document's CPU;
            // reading the same pages with pread: 2.7%).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // The public side's writes (the journal of checks, reports and signals) live in a file of their own
            // (`checksPath`): the journal takes a batch of anonymous checks every second, and in WAL mode every
            // commit to a file makes each other connection to that file drop its cache and memory map at its next
            // read. Kept apart, they leave the ledger's readers (the checks' own reads of codes) undisturbed: p99
            // 20 ms -> 5 ms in `tanba-bench public` (v14, v15). Unqualified names find their tables, as no table of
            // the ledger has their names.
            try db.execute(sql: "ATTACH DATABASE ? AS checks", arguments: [Self.checksPath(of: path)])
            if !db.configuration.readonly {
                // The log is copied into the file by `Checkpointer`, off the writer's path; the writer's own
                // automatic checkpoint is only its safety net.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Checkpointer.safetyNetPages)")
                try db.execute(sql: "PRAGMA checks.journal_mode = WAL")
                try db.execute(sql: "PRAGMA checks.synchronous = FULL")
            }
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch let error as DatabaseError {
            throw TanbaError(.storeFailure, "cannot open the store \(path): \(StoreFailure.reason(error))")
        } catch {
            // The folder could not be made: the path's parent is a file, or not writable.
            throw TanbaError(.storeFailure, "cannot open the store \(path): its folder cannot be created")
        }
        location = path
        committer = GroupCommit(pool: pool)
        checkpointer = Checkpointer(path: path, checksPath: Self.checksPath(of: path))
        readers = ReadConnections(
            path: path, configuration: configuration, limit: ProcessInfo.processInfo.activeProcessorCount + 2)
    }

    /// A read transaction on one of the store's own read connections (`ReadConnections`), or on GRDB's pool when
    /// they are all in use.
    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try translating {
            if let result = try readers.read({ db in try body(Connection(db: db)) }) { return result }
            return try pool.read { db in try body(Connection(db: db)) }
        }
    }

    /// One transaction, committed (and synced) before this returns; concurrent writers share a commit.
    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try translating {
            try withoutActuallyEscaping(body) { body in
                var result: T?
                // `perform` returns only after running the body (or throwing), so it never outlives this call.
                try committer.perform { db, cache in result = try body(Connection(db: db, cache: cache)) }
                return result!
            }
        }
    }

    deinit { checkpointer.stop() }

    /// Passes of the background checkpoint so far (`Checkpointer`).
    public var checkpointPasses: Int { checkpointer.passes }

    /// Batches, bodies and the largest batch written so far by group commit.
    public var groupCommitStatistics: (batches: Int, bodies: Int, largest: Int) { committer.statistics }

    /// Applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// The journals: append-only records of what was asked of the hub (the audit trail, the receipts of refused
    /// documents), as opposed to the ledger (codes, history, documents, participants, catalogue…); and the logins
    /// (challenges and sessions), which change with every login and are no part of the ledger either.
    public static let journals: Set<String> = ["audit", "rejections", "login_challenges", "login_sessions"]

    /// A fingerprint of every row of every ledger table (FNV-1a over their text, in primary-key order): equal
    /// fingerprints mean equal contents. Tests use it to show that a refused operation changed nothing; the
    /// journals are left out because recording the refusal (audit entry, its receipt) is exactly what must
    /// happen, and tests check them separately.
    public func contentFingerprint() throws -> String {
        try pool.read { db in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables where !Self.journals.contains(table) {
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM \(table) ORDER BY 1")
                while let row = try rows.next() {
                    for byte in "\(table)|\(row.description)\n".utf8 {
                        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                    }
                }
            }
            return String(hash, radix: 16)
        }
    }

    /// How SQLite runs the list query for `filter` (`EXPLAIN QUERY PLAN`, one step a line): tests and operators
    /// check with it that a page is read off an index, not by scanning and sorting the documents.
    public func documentQueryPlan(_ filter: DocumentFilter) throws -> String {
        let (sql, arguments) = Connection.pageQuery(filter)
        return try pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
                .joined(separator: "\n")
        }
    }

    /// How SQLite finds a sender's document by its number, which every submission asks (idempotency).
    public func numberLookupPlan() throws -> String {
        try pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Connection.numberLookup, arguments: ["0", "0"])
                .map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    /// How SQLite finds the codes of a change set's conditional update (`EXPLAIN QUERY PLAN`).
    public func conditionalUpdatePlan() throws -> String {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + Connection.conditionalUpdate,
                arguments: ["s", "o", nil, nil, nil, "[]", "s", "o", nil, nil, nil]
            ).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    /// How SQLite finds a code's located public checks (the copied-label signal's look-up).
    public func locatedChecksPlan() throws -> String {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + Connection.locatedChecksQuery, arguments: ["c", 0, 1]
            ).map { $0["detail"] as String }.joined(separator: "\n")
        }
    }

    /// Copies the write-ahead log into the store's file and empties it (`wal_checkpoint(TRUNCATE)`), as SQLite's
    /// automatic checkpoints do bit by bit after commits: a store just filled in bulk then reads as one at rest.
    public func checkpoint() throws {
        try translating {
            try pool.writeWithoutTransaction { _ = try Row.fetchAll($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
    }

    /// The journal mode in force (`wal` for this store).
    public func journalMode() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// The file of the public checks' journal beside the store's file (`path-checks`, with its own `-wal`).
    public static func checksPath(of path: String) -> String { path + "-checks" }

    /// How long a connection waits for another process's write lock before `STORE_FAILURE` (seconds).
    public static let busyTimeout: TimeInterval = 30

    /// SQLite errors become `STORE_UNAVAILABLE` when waiting may cure them (disk full, busy, locked, I/O), else
    /// `STORE_FAILURE`, with a reason in words; every other error (Tanba's own, a caller's rollback signal) passes
    /// through unchanged, after GRDB has rolled the transaction back. The message names neither the SQL nor the
    /// store's file, and the channels show clients the code only.
    private func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_IOERR:
                throw TanbaError(.storeUnavailable, "the store is unavailable: \(StoreFailure.reason(error))")
            default:
                throw TanbaError(.storeFailure, "the store failed: \(StoreFailure.reason(error))")
            }
        }
    }

    /// For tests: makes the store as full as a full disk, without filling the real one. The writer connection may
    /// not grow the file past its current size (`PRAGMA max_page_count`), so a write that needs a new page fails
    /// with SQLITE_FULL exactly as on a full disk; reads are unaffected. The file is vacuumed first: pages freed
    /// by migrations that moved tables to the checks' file would otherwise take new writes for a while.
    public func simulateFullDisk() throws {
        try translating {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
            }
        }
    }
}

/// The schema, as migrations. Codes are never deleted: the unique key keeps every GTIN + serial ever issued.
///
/// Codes live in rowid order (the order they were issued), with a unique index on their identity: a batch
/// issued together stays together on disk, so shipping or selling it touches neighbouring pages, and a random
/// serial dirties a small index page rather than a wide table page.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: codes, events, participants, catalogue, emission keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE codes (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        level INTEGER NOT NULL,
                        gtin TEXT,
                        status TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        emitter TEXT NOT NULL,
                        withdrawal_reason TEXT,
                        locked_by TEXT,
                        parent TEXT,
                        key_id TEXT,
                        verification_code TEXT,
                        issued_at REAL NOT NULL,
                        origin TEXT
                    );
                    CREATE INDEX codes_parent ON codes(parent) WHERE parent IS NOT NULL;
                    CREATE INDEX codes_owner ON codes(owner);
                    CREATE TABLE events (
                        id INTEGER PRIMARY KEY,
                        at REAL NOT NULL,
                        operation TEXT NOT NULL,
                        status TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        document TEXT
                    );
                    CREATE TABLE code_history (
                        code_seq INTEGER NOT NULL,
                        event_id INTEGER NOT NULL,
                        PRIMARY KEY (code_seq, event_id)
                    ) WITHOUT ROWID;
                    CREATE TABLE participants (id TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE products (gtin TEXT PRIMARY KEY NOT NULL, product_group TEXT NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE emission_keys (id TEXT PRIMARY KEY NOT NULL, private_key_pem TEXT NOT NULL, created_at REAL NOT NULL);
                    """)
        }
        migrator.registerMigration("v2: documents and receipts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE documents (
                        id TEXT PRIMARY KEY NOT NULL,
                        type TEXT NOT NULL,
                        sender TEXT NOT NULL,
                        number TEXT NOT NULL,
                        date TEXT NOT NULL,
                        recipient TEXT,
                        received_at REAL NOT NULL,
                        status TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        content BLOB NOT NULL,
                        receipt BLOB NOT NULL
                    );
                    CREATE INDEX documents_sender ON documents(sender, number);
                    CREATE INDEX documents_recipient ON documents(recipient, received_at);
                    CREATE INDEX documents_digest ON documents(digest);
                    """)
        }
        migrator.registerMigration("v3: codes by shipment") { db in
            try db.execute(sql: "CREATE INDEX codes_locked ON codes(locked_by) WHERE locked_by IS NOT NULL")
        }
        migrator.registerMigration("v4: audit trail") { db in
            try db.execute(
                sql: """
                    CREATE TABLE audit (
                        seq INTEGER PRIMARY KEY,
                        at REAL NOT NULL,
                        iin TEXT,
                        participant TEXT,
                        address TEXT,
                        channel TEXT NOT NULL,
                        action TEXT NOT NULL,
                        object TEXT,
                        result TEXT NOT NULL,
                        previous TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX audit_participant ON audit(participant, seq);
                    """)
        }
        migrator.registerMigration("v5: receipts of refused documents") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rejections (
                        id TEXT PRIMARY KEY NOT NULL,
                        submitter TEXT,
                        type TEXT,
                        sender TEXT,
                        number TEXT,
                        received_at REAL NOT NULL,
                        code TEXT NOT NULL,
                        receipt BLOB NOT NULL
                    );
                    """)
        }
        // Inbox and outbox pages are keyset queries ordered by (received_at, id): with id in the index the order
        // and the cursor are read off the index alone. The new recipient index replaces the old
        // (recipient, received_at) one, which it covers.
        migrator.registerMigration("v6: document lists by received time") { db in
            try db.execute(
                sql: """
                    DROP INDEX documents_recipient;
                    CREATE INDEX documents_recipient ON documents(recipient, received_at, id);
                    CREATE INDEX documents_sender_received ON documents(sender, received_at, id);
                    CREATE INDEX documents_received ON documents(received_at, id);
                    """)
        }
        // Refused documents are listed in their submitter's outbox (the participant a channel authenticated, else
        // the sender the document names), in the same keyset order: the expression index serves that list as the
        // sender index serves the documents.
        migrator.registerMigration("v7: refused documents in outbox lists") { db in
            try db.execute(
                sql: """
                    ALTER TABLE rejections ADD COLUMN date TEXT;
                    CREATE INDEX rejections_outbox ON rejections(COALESCE(submitter, sender), received_at, id);
                    CREATE INDEX rejections_received ON rejections(received_at, id);
                    """)
        }
        // A refusal's entry belongs to whoever's submission made it: someone else replaying the same bytes (same
        // id) must never take it over. The database enforces it whatever statement a later change writes: an
        // insert of an id already journalled is skipped (a BEFORE trigger runs ahead of any OR REPLACE conflict
        // resolution), and entries are never updated or deleted.
        migrator.registerMigration("v8: refusal entries belong to their first submitter") { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER rejections_insert_if_absent BEFORE INSERT ON rejections
                    WHEN EXISTS (SELECT 1 FROM rejections WHERE id = NEW.id)
                    BEGIN SELECT RAISE(IGNORE); END;
                    CREATE TRIGGER rejections_no_update BEFORE UPDATE ON rejections
                    BEGIN SELECT RAISE(ABORT, 'refusal entries are append-only'); END;
                    CREATE TRIGGER rejections_no_delete BEFORE DELETE ON rejections
                    BEGIN SELECT RAISE(ABORT, 'refusal entries are append-only'); END;
                    """)
        }
        // One document per (sender, number) and one per canonical digest, enforced by the database: a check
        // before the write alone let two submissions racing in (an ERP retrying, two channels at once) both pass.
        // The names stay, so the number lookup keeps naming its index.
        migrator.registerMigration("v9: documents unique by number and by digest") { db in
            try db.execute(
                sql: """
                    DROP INDEX documents_sender;
                    CREATE UNIQUE INDEX documents_sender ON documents(sender, number);
                    DROP INDEX documents_digest;
                    CREATE UNIQUE INDEX documents_digest ON documents(digest);
                    """)
        }
        // Logins shared by every hub process on this store: a challenge issued by one is redeemed at another, a
        // token works on all of them and across restarts. Tokens are kept as their SHA-256 only.
        migrator.registerMigration("v10: login challenges and sessions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE login_challenges (nonce TEXT PRIMARY KEY NOT NULL, expires_at REAL NOT NULL);
                    CREATE INDEX login_challenges_expiry ON login_challenges(expires_at);
                    CREATE TABLE login_sessions (
                        token_hash TEXT PRIMARY KEY NOT NULL, participant TEXT NOT NULL, iin TEXT,
                        expires_at REAL NOT NULL);
                    CREATE INDEX login_sessions_expiry ON login_sessions(expires_at);
                    """)
        }
        // The outbox of messages to other systems: written by the transaction of the decision that caused them,
        // delivered by workers. Empty until the state integrations produce messages.
        migrator.registerMigration("v11: outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY,
                        channel TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        body BLOB NOT NULL,
                        state TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX outbox_pending ON outbox(state, seq);
                    """)
        }
        // A document's totals for the lists (the web's inbox and outbox), kept when it is decided: reading them out
        // of each document's XML would cost a parse per row. Documents stored before have none.
        migrator.registerMigration("v12: document totals") { db in
            try db.execute(
                sql: """
                    ALTER TABLE documents ADD COLUMN items INTEGER;
                    ALTER TABLE documents ADD COLUMN amount TEXT;
                    """)
        }
        // The public side: where introduced goods came from (what a public check shows), violation reports and
        // the hub's signals with their triage steps, and the journal of public checks (their audit trail, and what
        // the signals are computed from). One signal per key, enforced here, not only checked before.
        migrator.registerMigration("v13: public control") { db in
            try db.execute(
                sql: """
                    CREATE TABLE goods_origins (
                        document TEXT NOT NULL, gtin TEXT NOT NULL, kind TEXT NOT NULL, introducer TEXT NOT NULL,
                        production_date TEXT, expiry_date TEXT, batch TEXT, country TEXT,
                        PRIMARY KEY (document, gtin));
                    CREATE TABLE violations (
                        reference TEXT PRIMARY KEY NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, code TEXT,
                        gtin TEXT, product_group TEXT, participant TEXT, region TEXT, shop TEXT, address TEXT,
                        latitude REAL, longitude REAL, description TEXT, contact TEXT, photo BLOB, photo_type TEXT,
                        status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                        signal_key TEXT UNIQUE);
                    CREATE INDEX violations_created ON violations(created_at, reference);
                    CREATE INDEX violations_code ON violations(code);
                    CREATE TABLE violation_steps (
                        reference TEXT NOT NULL, at REAL NOT NULL, status TEXT NOT NULL, comment TEXT, inspector TEXT);
                    CREATE INDEX violation_steps_reference ON violation_steps(reference, at);
                    CREATE TABLE public_checks (
                        seq INTEGER PRIMARY KEY, code TEXT NOT NULL, at REAL NOT NULL, address TEXT,
                        outcome TEXT NOT NULL, latitude REAL, longitude REAL);
                    CREATE INDEX public_checks_code ON public_checks(code, at);
                    CREATE INDEX codes_origin ON codes(origin, id);
                    """)
        }
        // Only a located check is ever looked up by its code (a copied label is found from checks far apart); an
        // index over every anonymous check made the journal's batches write two B-trees for one.
        // Here the journal also moves to its own file (attached as `checks`, see `init`).
        migrator.registerMigration("v14: public checks indexed where located") { db in
            try db.execute(
                sql: """
                    CREATE TABLE checks.public_checks (
                        seq INTEGER PRIMARY KEY, code TEXT NOT NULL, at REAL NOT NULL, address TEXT,
                        outcome TEXT NOT NULL, latitude REAL, longitude REAL);
                    INSERT INTO checks.public_checks SELECT seq, code, at, address, outcome, latitude, longitude
                        FROM main.public_checks;
                    DROP TABLE main.public_checks;
                    CREATE INDEX checks.public_checks_located ON public_checks(code, at) WHERE latitude IS NOT NULL;
                    """)
        }
        // Reports and the hub's signals join the checks in their file: the journal files signals with every batch
        // that raises new ones, and each such commit to the ledger's file made every reader of codes drop its map
        // of the 330 MB ledger and fault it in again (a fifth of a check's time in `tanba-bench public`, and its
        // p99). The public side now writes only its own file; the ledger changes only when documents do.
        migrator.registerMigration("v15: reports and signals beside the checks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE checks.violations (
                        reference TEXT PRIMARY KEY NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL, code TEXT,
                        gtin TEXT, product_group TEXT, participant TEXT, region TEXT, shop TEXT, address TEXT,
                        latitude REAL, longitude REAL, description TEXT, contact TEXT, photo BLOB, photo_type TEXT,
                        status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
                        signal_key TEXT UNIQUE);
                    INSERT INTO checks.violations SELECT * FROM main.violations;
                    CREATE TABLE checks.violation_steps (
                        reference TEXT NOT NULL, at REAL NOT NULL, status TEXT NOT NULL, comment TEXT, inspector TEXT);
                    INSERT INTO checks.violation_steps SELECT * FROM main.violation_steps ORDER BY rowid;
                    DROP TABLE main.violations;
                    DROP TABLE main.violation_steps;
                    CREATE INDEX checks.violations_created ON violations(created_at, reference);
                    CREATE INDEX checks.violations_code ON violations(code);
                    CREATE INDEX checks.violation_steps_reference ON violation_steps(reference, at);
                    """)
        }
        // Delivery of the outbox: when a message is due (retries back off), who holds it and until when (a worker
        // killed in mid-delivery holds it only until its lease runs out), the last failure, and the receiver's
        // answer. Due messages are found by a partial index of the pending ones.
        migrator.registerMigration("v16: outbox delivery") { db in
            try db.execute(
                sql: """
                    ALTER TABLE outbox ADD COLUMN next_attempt_at REAL NOT NULL DEFAULT 0;
                    ALTER TABLE outbox ADD COLUMN leased_until REAL;
                    ALTER TABLE outbox ADD COLUMN leased_by TEXT;
                    ALTER TABLE outbox ADD COLUMN last_error TEXT;
                    ALTER TABLE outbox ADD COLUMN delivered_at REAL;
                    ALTER TABLE outbox ADD COLUMN reply BLOB;
                    UPDATE outbox SET next_attempt_at = created_at;
                    DROP INDEX outbox_pending;
                    CREATE INDEX outbox_due ON outbox(channel, next_attempt_at, seq) WHERE state = 'pending';
                    CREATE INDEX outbox_state ON outbox(state, seq);
                    """)
        }
        FiscalSchema.register(in: &migrator)
        // The Ministry of Finance export: events extracted by the decisions that made them (paged by day and seq),
        // and the exports made, one daily export per day at most (the partial unique index: two processes
        // exporting one day at once, one wins).
        migrator.registerMigration("v18: ministry of finance exports") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mof_events (
                        seq INTEGER PRIMARY KEY, day TEXT NOT NULL, at REAL NOT NULL, kind TEXT NOT NULL,
                        document TEXT NOT NULL, snt TEXT, seller TEXT, buyer TEXT, quantities TEXT,
                        fragment BLOB NOT NULL);
                    CREATE INDEX mof_events_day ON mof_events(day, seq);
                    CREATE TABLE mof_exports (
                        id TEXT PRIMARY KEY NOT NULL, mode TEXT NOT NULL, from_day TEXT NOT NULL, to_day TEXT NOT NULL,
                        created_at REAL NOT NULL, counts TEXT NOT NULL, digest TEXT NOT NULL, size INTEGER NOT NULL,
                        ack_state TEXT NOT NULL, ack_at REAL, ack_reason TEXT);
                    CREATE UNIQUE INDEX mof_exports_daily ON mof_exports(from_day) WHERE mode = 'daily';
                    CREATE INDEX mof_exports_created ON mof_exports(created_at);
                    """)
        }
        migrator.registerMigration("v19: register entries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE register_entries (
                        id TEXT PRIMARY KEY, name TEXT, status TEXT NOT NULL, code TEXT, updated_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        // The hub's reconciliation reports to the Ministry, written by the transaction that queues each, with the
        // Ministry's acknowledgement (recorded by a conditional update while it is pending).
        migrator.registerMigration("v20: ministry of finance reconciliation reports") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mof_reconciliations (
                        id TEXT PRIMARY KEY NOT NULL, from_day TEXT NOT NULL, to_day TEXT NOT NULL,
                        created_at REAL NOT NULL, digest TEXT NOT NULL, without_snt INTEGER NOT NULL,
                        snt_without_shipment INTEGER, quantities_differ INTEGER, parties_differ INTEGER,
                        ack_state TEXT NOT NULL, ack_at REAL, ack_reason TEXT);
                    CREATE INDEX mof_reconciliations_created ON mof_reconciliations(created_at);
                    """)
        }
        // The Ministry's SNT lists, kept: each list once (its digest), each day held by one list (the newest: an
        // import takes a day over only from an older list, by a conditional upsert), the SNTs of the lists in force
        // with their lines.
        migrator.registerMigration("v21: ministry of finance snt lists") { db in
            try db.execute(
                sql: """
                    CREATE TABLE mof_snt_lists (
                        digest TEXT PRIMARY KEY NOT NULL, from_day TEXT NOT NULL, to_day TEXT NOT NULL,
                        created_at REAL NOT NULL, imported_at REAL NOT NULL, count INTEGER NOT NULL);
                    CREATE TABLE mof_snt_days (
                        day TEXT PRIMARY KEY NOT NULL, list TEXT NOT NULL, created_at REAL NOT NULL) WITHOUT ROWID;
                    CREATE TABLE mof_snts (
                        list TEXT NOT NULL, number TEXT NOT NULL, day TEXT NOT NULL, seller TEXT NOT NULL,
                        buyer TEXT NOT NULL, PRIMARY KEY (list, number)) WITHOUT ROWID;
                    CREATE INDEX mof_snts_day ON mof_snts(day, number);
                    CREATE TABLE mof_snt_lines (
                        list TEXT NOT NULL, number TEXT NOT NULL, gtin TEXT NOT NULL, quantity TEXT NOT NULL,
                        PRIMARY KEY (list, number, gtin)) WITHOUT ROWID;
                    """)
        }
        FiscalSchema.registerLineIndex(in: &migrator)
        return migrator
    }
}

/// One connection's view, inside GRDB's transaction.
///
/// It remembers the row number (`seq`) of every code it read: an operation reads its codes first, then updates
/// them and links their history, and doing that by row number spares a text-index lookup per code.
final class Connection: StoreWriter, RowNumbering {
    let db: Database
    private var seqByID: [String: Int64] = [:]

    var rowNumbers: [String: Int64] { seqByID }

    func adopt(rowHints: [String: Int64]) {
        if seqByID.isEmpty { seqByID = rowHints } else { seqByID.merge(rowHints) { mine, _ in mine } }
    }

    /// The writer's page cache, which a bulk change widens for its transaction; nil on a read connection.
    private let cache: WriterCache?

    init(db: Database, cache: WriterCache? = nil) {
        self.db = db
        self.cache = cache
    }

    /// The row numbers of `ids` if every one was read in this transaction, as a JSON list.
    private func knownSeqs(_ ids: [String]) -> String? {
        var list = JSONRows()
        for id in ids {
            guard let seq = seqByID[id] else { return nil }
            list.int(seq)
        }
        return list.finished()
    }

    /// The codes `sql` selects (`readColumns`), their row numbers remembered for this transaction's updates.
    private func readCodes(_ sql: String, _ arguments: StatementArguments, each: (CodeRecord) -> Void) throws {
        let rows = try CodeRows(db.cachedStatement(sql: sql), arguments: arguments, numbered: true)
        while let (record, seq) = try rows.next() {
            seqByID[record.id] = seq
            each(record)
        }
    }

    private func readCodes(_ sql: String, _ arguments: StatementArguments) throws -> [CodeRecord] {
        var records: [CodeRecord] = []
        try readCodes(sql, arguments) { records.append($0) }
        return records
    }

    static let codeColumns =
        "id, level, gtin, status, owner, emitter, withdrawal_reason, locked_by, parent, key_id, verification_code, issued_at"
    /// The columns read: the record's, then the row number.
    static let readColumns = codeColumns + ", seq"

    func code(_ id: String) throws -> CodeRecord? {
        try readCodes("SELECT \(Self.readColumns) FROM codes WHERE id = ?", [id]).first
    }

    func codes(_ ids: [String]) throws -> [String: CodeRecord] {
        try cache?.widen(db, for: ids.count)
        var list = JSONRows()
        for id in ids { list.value(id) }
        var result: [String: CodeRecord] = [:]
        result.reserveCapacity(ids.count)
        // The row numbers are kept too (for the change set's update by number): grown once, not by doubling.
        seqByID.reserveCapacity(seqByID.count + ids.count)
        try readCodes(
            "SELECT \(Self.readColumns) FROM codes WHERE id IN (SELECT value FROM json_each(?))", [list.finished()]
        ) { result[$0.id] = $0 }
        return result
    }

    func children(of parents: [String]) throws -> [CodeRecord] {
        var list = JSONRows()
        for id in parents { list.value(id) }
        return try readCodes(
            "SELECT \(Self.readColumns) FROM codes WHERE parent IN (SELECT value FROM json_each(?))", [list.finished()])
    }

    func codes(lockedBy document: String) throws -> [CodeRecord] {
        try readCodes("SELECT \(Self.readColumns) FROM codes WHERE locked_by = ? ORDER BY seq", [document])
    }

    func stock(owner: String) throws -> [StockCount] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT gtin, level, status, count(*) FROM codes WHERE owner = ? GROUP BY gtin, level, status"),
            arguments: [owner]
        ).map {
            StockCount(
                gtin: $0[0], level: PackagingLevel(rawValue: $0[1]) ?? .unit,
                status: CodeStatus(rawValue: $0[2]) ?? .issued, count: $0[3])
        }
    }

    func ownedCodes(
        owner: String, gtin: String?, level: PackagingLevel?, status: CodeStatus?, after: String?, limit: Int
    ) throws -> [CodeRecord] {
        var sql = "SELECT \(Self.codeColumns) FROM codes WHERE owner = ?"
        var arguments: StatementArguments = [owner]
        if let gtin {
            sql += " AND gtin = ?"
            arguments += [gtin]
        }
        if let level {
            sql += " AND level = ?"
            arguments += [level.rawValue]
        }
        if let status {
            sql += " AND status = ?"
            arguments += [status.rawValue]
        }
        if let after {
            sql += " AND id > ?"
            arguments += [after]
        }
        sql += " ORDER BY id LIMIT ?"
        arguments += [limit]
        return try CodeRows(db.cachedStatement(sql: sql), arguments: arguments, numbered: false).all().map { $0.record }
    }

    func events(of id: String) throws -> [CodeEvent] {
        // The first entry, the issue, is the code's own row: recording it again per code would double the
        // cost of emission.
        let issue = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT issued_at, emitter, origin, level, status FROM codes WHERE id = ?"),
            arguments: [id]
        ).map { row in
            // Codes are issued; transport packages are made by the aggregation that first fills them.
            let package = (row[3] as Int) == PackagingLevel.transport.rawValue
            return CodeEvent(
                codeID: id, at: Date(timeIntervalSince1970: row[0]), operation: package ? "package" : "issue",
                status: package ? CodeStatus(rawValue: row[4]) ?? .inCirculation : .issued, owner: row[1],
                document: row[2])
        }
        return try (issue.map { [$0] } ?? [])
            + Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT e.at, e.operation, e.status, e.owner, e.document
                        FROM code_history h JOIN events e ON e.id = h.event_id
                        WHERE h.code_seq = (SELECT seq FROM codes WHERE id = ?) ORDER BY h.event_id
                        """),
                arguments: [id]
            ).map { row in
                CodeEvent(
                    codeID: id, at: Date(timeIntervalSince1970: row[0]), operation: row[1],
                    status: CodeStatus(rawValue: row[2]) ?? .issued, owner: row[3], document: row[4])
            }
    }

    func codeCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM codes") ?? 0 }

    func participant(_ id: String) throws -> Participant? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT json FROM participants WHERE id = ?"), arguments: [id]).map(
            Self.decode)
    }

    func participants() throws -> [Participant] {
        try String.fetchAll(db, sql: "SELECT json FROM participants ORDER BY id").map(Self.decode)
    }

    func product(_ gtin: String) throws -> ProductCard? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT json FROM products WHERE gtin = ?"), arguments: [gtin]).map(
            Self.decode)
    }

    func products() throws -> [ProductCard] {
        try String.fetchAll(db, sql: "SELECT json FROM products ORDER BY gtin").map(Self.decode)
    }

    func emissionKeys() throws -> [StoredEmissionKey] {
        try Row.fetchAll(db, sql: "SELECT id, private_key_pem, created_at FROM emission_keys ORDER BY created_at DESC")
            .map { StoredEmissionKey(id: $0[0], secret: $0[1], createdAt: Date(timeIntervalSince1970: $0[2])) }
    }

    /// Inserts codes with the order that issued them (their first history entry).
    ///
    /// Binding a dozen Swift values per row cost more than SQLite's own insert, so rows that differ only in
    /// identity and verification code (a code order, always) travel as one JSON array of pairs, with the shared
    /// values bound once: `INSERT … SELECT … FROM json_each(?)`.
    func insert(_ codes: [CodeRecord], origin: String?) throws {
        try cache?.widen(db, for: codes.count)
        struct Shared: Hashable {
            let level: Int, gtin: String?, status: String, owner: String, emitter: String, reason: String?
            let lockedBy: String?, parent: String?, keyID: String?, issuedAt: Double
        }
        var groups: [Shared: JSONRows] = [:]
        for code in codes {
            let shared = Shared(
                level: code.level.rawValue, gtin: code.gtin, status: code.status.rawValue, owner: code.owner,
                emitter: code.emitter, reason: code.withdrawalReason?.rawValue, lockedBy: code.lockedBy,
                parent: code.parent, keyID: code.keyID, issuedAt: code.issuedAt.timeIntervalSince1970)
            groups[shared, default: JSONRows()].row { r in
                r.string(code.id)
                r.string(code.verificationCode)
            }
        }
        do {
            for (shared, var rows) in groups {
                try db.execute(
                    sql: """
                        INSERT INTO codes (id, verification_code, level, gtin, status, owner, emitter, withdrawal_reason,
                                           locked_by, parent, key_id, issued_at, origin)
                        SELECT value->>0, value->>1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM json_each(?)
                        """,
                    arguments: [
                        shared.level, shared.gtin, shared.status, shared.owner, shared.emitter, shared.reason,
                        shared.lockedBy, shared.parent, shared.keyID, shared.issuedAt, origin, rows.finished(),
                    ])
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Which codes: look the batch up (rare path; the transaction rolls back anyway).
            let existing = try self.codes(codes.map(\.id)).keys.sorted()
            throw TanbaError(
                diagnostics: (existing.isEmpty ? [codes[0].id] : existing).map {
                    Diagnostic(.codeDuplicate, "\($0): this code exists already and is never issued again", subject: $0)
                })
        }
    }

    /// One `UPDATE … WHERE id IN (json_each(?))` per distinct new state: an operation on a shipment gives most
    /// codes the same status, owner and lock.
    func update(_ codes: [CodeRecord]) throws {
        try cache?.widen(db, for: codes.count)
        for (state, ids) in CodeState.grouped(codes) {
            let (key, list) = knownSeqs(ids).map { ("seq", $0) } ?? ("id", Self.jsonList(ids))
            try db.cachedStatement(
                sql: """
                    UPDATE codes SET status = ?, owner = ?, withdrawal_reason = ?, locked_by = ?, parent = ?
                    WHERE \(key) IN (SELECT value FROM json_each(?))
                    """
            ).execute(arguments: [state.status, state.owner, state.reason, state.lockedBy, state.parent, list])
        }
    }

    /// The conditional update of a change set: one `UPDATE … WHERE id IN (…) AND <the expected state> RETURNING`
    /// per pair of (expected, new) state, so the database itself checks that nothing changed since the decision
    /// read the codes, in the statement that changes them. The returned row numbers serve the history links.
    func update(_ changes: [CodeChange]) throws {
        try cache?.widen(db, for: changes.count)
        for (transition, ids) in CodeTransition.grouped(changes) {
            let (from, to) = (transition.from, transition.to)
            if let seqs = knownSeqs(ids) {
                // The snapshot's row numbers: found by number, the expected state checked on each row.
                try db.cachedStatement(sql: Self.conditionalUpdateBySeq).execute(arguments: [
                    to.status, to.owner, to.reason, to.lockedBy, to.parent, seqs, from.status, from.owner, from.reason,
                    from.lockedBy, from.parent,
                ])
                guard db.changesCount == ids.count else {
                    throw TanbaError(
                        .storeConflict,
                        "\(ids.count - db.changesCount) of \(ids.count) codes changed since the decision read them")
                }
                continue
            }
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: Self.conditionalUpdate),
                arguments: [
                    to.status, to.owner, to.reason, to.lockedBy, to.parent, Self.jsonList(ids), from.status, from.owner,
                    from.reason, from.lockedBy, from.parent,
                ])
            var updated = 0
            while let row = try rows.next() {
                seqByID[row[0]] = row[1]
                updated += 1
            }
            guard updated == ids.count else {
                throw TanbaError(
                    .storeConflict, "\(ids.count - updated) of \(ids.count) codes changed since the decision read them")
            }
        }
    }

    /// The expected state is matched on each row the id index finds, never used to find rows: the unary `+`
    /// keeps SQLite from walking the owner's index instead (a seller owning 100,000 codes made each small
    /// shipment read them all, 40 documents/s instead of 1,000).
    static let conditionalUpdate = """
        UPDATE codes SET status = ?, owner = ?, withdrawal_reason = ?, locked_by = ?, parent = ?
        WHERE id IN (SELECT value FROM json_each(?)) AND +status = ? AND +owner = ?
          AND +withdrawal_reason IS ? AND +locked_by IS ? AND +parent IS ?
        RETURNING id, seq
        """

    /// The same by row numbers (`ChangeSet.rowHints`, from the snapshot the decision read).
    static let conditionalUpdateBySeq = """
        UPDATE codes SET status = ?, owner = ?, withdrawal_reason = ?, locked_by = ?, parent = ?
        WHERE seq IN (SELECT value FROM json_each(?)) AND +status = ? AND +owner = ?
          AND +withdrawal_reason IS ? AND +locked_by IS ? AND +parent IS ?
        """

    /// Messages join the outbox in the decision's own transaction.
    func enqueue(_ messages: [OutboundMessage]) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (channel, kind, idempotency_key, body, state, attempts, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
                """)
        let now = Date().timeIntervalSince1970
        for message in messages {
            do {
                try statement.execute(arguments: [
                    message.channel, message.kind, message.idempotencyKey, Data(message.body), now, now,
                ])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw TanbaError(.storeConflict, "message \(message.idempotencyKey) was queued meanwhile")
            }
        }
    }

    /// One `events` row, and one small (code, event) link per code: a shipment of 100,000 codes writes one
    /// event and 100,000 pairs of integers, in code order.
    func record(_ entry: HistoryEntry, for ids: [String]) throws {
        try db.cachedStatement(
            sql: "INSERT INTO events (at, operation, status, owner, document) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [
            entry.at.timeIntervalSince1970, entry.operation, entry.status.rawValue, entry.owner, entry.document,
        ])
        let eventID = db.lastInsertedRowID
        if let seqs = knownSeqs(ids) {
            try link(eventID, toSeqs: seqs)
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO code_history (code_seq, event_id)
                    SELECT seq, ? FROM codes WHERE id IN (SELECT value FROM json_each(?))
                    """
            ).execute(arguments: [eventID, Self.jsonList(ids)])
        }
    }

    /// Links the codes whose row numbers `seqs` lists (JSON) to event `event`.
    private func link(_ event: Int64, toSeqs seqs: String) throws {
        try db.cachedStatement(sql: "INSERT INTO code_history (code_seq, event_id) SELECT value, ? FROM json_each(?)")
            .execute(arguments: [event, seqs])
    }

    /// A change set's history in a few statements: the events numbered here, after the table's largest id (this
    /// is the store's one writer, inside its transaction), and inserted many rows to a statement, then all their
    /// (code, event) links likewise. A fiscal batch records an event per receipt: two statements per event (the
    /// event, then its links through JSON) were a fifth of writing the batch. Entries naming a code this
    /// transaction did not read are recorded one by one.
    func record(_ history: [(entry: HistoryEntry, codes: [String])]) throws {
        var links: [[Int64]] = []
        links.reserveCapacity(history.count)
        for (_, codes) in history {
            var seqs: [Int64] = []
            seqs.reserveCapacity(codes.count)
            for id in codes {
                guard let seq = seqByID[id] else { break }
                seqs.append(seq)
            }
            guard seqs.count == codes.count else { break }
            links.append(seqs)
        }
        guard history.count > 1, links.count == history.count else {
            for (entry, codes) in history { try record(entry, for: codes) }
            return
        }
        let first = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM events") ?? 1
        var pairs: [(seq: Int64, event: Int64)] = []
        pairs.reserveCapacity(links.reduce(0) { $0 + $1.count })
        for (offset, seqs) in links.enumerated() where seqs.count <= 64 {
            for seq in seqs { pairs.append((seq, first + Int64(offset))) }
        }
        try Self.eventRows.insert(history.count, in: db) { offset, values in
            let entry = history[offset].entry
            values(first + Int64(offset))
            values(entry.at.timeIntervalSince1970)
            values(entry.operation)
            values(entry.status.rawValue)
            values(entry.owner)
            values(entry.document)
        }
        try Self.historyLinks.insert(pairs.count, in: db) { index, values in
            values(pairs[index].seq)
            values(pairs[index].event)
        }
        // An event of many codes (a large document's) links them through one JSON list, cheaper than binding
        // two values per code.
        for (offset, seqs) in links.enumerated() where seqs.count > 64 {
            var list = JSONRows()
            for seq in seqs { list.int(seq) }
            try link(first + Int64(offset), toSeqs: list.finished())
        }
    }

    static let eventRows = RowInserter(
        "INSERT INTO events (id, at, operation, status, owner, document)", columns: 6)
    static let historyLinks = RowInserter(
        "INSERT INTO code_history (code_seq, event_id)", columns: 2, rowsPerStatement: 500)

    func save(_ participant: Participant) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO participants (id, json) VALUES (?, ?)",
            arguments: [participant.id, Self.encode(participant)])
    }

    func register(_ participant: Participant) throws -> Bool {
        try db.execute(
            sql: "INSERT INTO participants (id, json) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
            arguments: [participant.id, Self.encode(participant)])
        return db.changesCount == 1
    }

    func save(_ products: [ProductCard]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO products (gtin, product_group, json) VALUES (?, ?, ?)")
        for card in products {
            try statement.execute(arguments: [card.gtin, card.productGroup, Self.encode(card)])
        }
    }

    // MARK: Documents

    static let documentColumns =
        "id, type, sender, number, date, recipient, received_at, status, digest, content, receipt, items, amount"

    static func document(_ row: Row) -> DocumentRecord {
        var record = DocumentRecord(
            id: row[0], type: row[1], sender: row[2], number: row[3], date: row[4], recipient: row[5],
            receivedAt: Date(timeIntervalSince1970: row[6]), status: DocumentStatus(rawValue: row[7]) ?? .rejected,
            digest: row[8], content: [UInt8]((row[9] as Data)), receipt: [UInt8]((row[10] as Data)))
        record.items = row[11]
        record.amount = row[12]
        return record
    }

    func document(id: String) throws -> DocumentRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.documentColumns) FROM documents WHERE id = ?"), arguments: [id]
        )
        .map(Self.document)
    }

    static let numberLookup = """
        SELECT \(documentColumns) FROM documents INDEXED BY documents_sender
        WHERE sender = ? AND number = ? AND status != 'rejected' LIMIT 1
        """

    /// At most one document a sender numbered `number` is not refused. The index is named: with an ORDER BY,
    /// or as the list indexes grow, the planner preferred (sender, received_at) and scanned every document of the
    /// sender for each submission, which made the hub slower with every document it kept.
    func document(sender: String, number: String) throws -> DocumentRecord? {
        try Row.fetchOne(db.cachedStatement(sql: Self.numberLookup), arguments: [sender, number]).map(Self.document)
    }

    func documentPage(_ filter: DocumentFilter) throws -> DocumentPage {
        let (sql, arguments) = Self.pageQuery(filter)
        // One row more than asked says whether a next page exists, without a second query or an empty last page.
        let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
        let shown = rows.prefix(filter.limit)
        let next = rows.count > filter.limit ? shown.last.map { DocumentCursor(receivedAt: $0[6], id: $0[0]) } : nil
        return DocumentPage(
            documents: shown.map { row in
                var record = Self.document(row)
                record.code = row[13]
                return record
            }, next: next)
    }

    /// The keyset query of a document list: the conditions, then `(received_at, id) < cursor` and the order
    /// `received_at DESC, id DESC`, which the indexes `(recipient | sender, received_at, id)` serve directly, so
    /// a page costs the same at the millionth document as at the first.
    ///
    /// A list without a recipient also takes the refused documents (`rejections`, status `rejected`, the first
    /// error's code in the last column) by the same conditions, merged in the same order: `UNION ALL` with one
    /// `ORDER BY` is a merge of two index-ordered scans, with no sort. A refusal of a document that was later
    /// accepted is left out: the document is listed once, as it stands.
    static func pageQuery(_ filter: DocumentFilter) -> (String, StatementArguments) {
        var arguments: [(any DatabaseValueConvertible)?] = []
        func conditions(rejections: Bool) -> String {
            var conditions: [String] = []
            func add(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
                conditions.append(condition)
                arguments += values
            }
            if let sender = filter.sender { add(rejections ? "COALESCE(submitter, sender) = ?" : "sender = ?", sender) }
            if let recipient = filter.recipient { add("recipient = ?", recipient) }
            if let type = filter.type { add("type = ?", type) }
            if let status = filter.status, !rejections { add("status = ?", status.rawValue) }
            if let from = filter.receivedFrom { add("received_at >= ?", from.timeIntervalSince1970) }
            if let before = filter.receivedBefore { add("received_at < ?", before.timeIntervalSince1970) }
            if let from = filter.dateFrom { add("date >= ?", from) }
            if let to = filter.dateTo { add("date <= ?", to) }
            if let number = filter.number { add("number = ?", number) }
            if let after = filter.after { add("(received_at, id) < (?, ?)", after.receivedAt, after.id) }
            if rejections { conditions.append("NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = rejections.id)") }
            return conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        }
        var sql = "SELECT \(documentColumns), NULL AS code FROM documents \(conditions(rejections: false))"
        if filter.recipient == nil && (filter.status == nil || filter.status == .rejected) {
            sql += """
                 UNION ALL SELECT id, COALESCE(type, ''), COALESCE(sender, submitter, ''), COALESCE(number, ''),
                COALESCE(date, ''), NULL, received_at, 'rejected', '', x'', receipt, NULL, NULL, code FROM rejections
                \(conditions(rejections: true))
                """
        }
        arguments.append(filter.limit + 1)
        return (sql + " ORDER BY received_at DESC, id DESC LIMIT ?", StatementArguments(arguments))
    }

    /// Inserts a new document; never replaces one. A document with its id, number or digest already stored is a
    /// conflict (`STORE_CONFLICT`): the caller decides again against what is there.
    func save(_ document: DocumentRecord) throws {
        do {
            try db.cachedStatement(
                sql: "INSERT INTO documents (\(Self.documentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ).execute(
                arguments: [
                    document.id, document.type, document.sender, document.number, document.date, document.recipient,
                    document.receivedAt.timeIntervalSince1970, document.status.rawValue, document.digest,
                    Data(document.content), Data(document.receipt), document.items, document.amount,
                ])
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw TanbaError(
                .storeConflict, "\(document.sender) \(document.number) (\(document.id)) was stored meanwhile")
        }
    }

    func setStatus(_ status: DocumentStatus, of id: String) throws {
        try db.cachedStatement(sql: "UPDATE documents SET status = ? WHERE id = ?").execute(arguments: [
            status.rawValue, id,
        ])
    }

    static let rejectionColumns = "id, submitter, type, sender, number, received_at, code, receipt, date"

    func rejection(id: String) throws -> RejectionRecord? {
        try Row.fetchOne(db, sql: "SELECT \(Self.rejectionColumns) FROM rejections WHERE id = ?", arguments: [id]).map {
            row in
            RejectionRecord(
                id: row[0], submitter: row[1], type: row[2], sender: row[3], number: row[4],
                receivedAt: Date(timeIntervalSince1970: row[5]), code: row[6], receipt: [UInt8]((row[7] as Data)),
                date: row[8])
        }
    }

    // MARK: Logins

    func session(tokenHash: String, at now: Date) throws -> StoredSession? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT participant, iin, expires_at FROM login_sessions WHERE token_hash = ? AND expires_at > ?"),
            arguments: [tokenHash, now.timeIntervalSince1970]
        ).map {
            StoredSession(
                tokenHash: tokenHash, participant: $0[0], iin: $0[1], expiresAt: Date(timeIntervalSince1970: $0[2]))
        }
    }

    func save(_ session: StoredSession) throws {
        try db.cachedStatement(
            sql: "INSERT INTO login_sessions (token_hash, participant, iin, expires_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [
            session.tokenHash, session.participant, session.iin, session.expiresAt.timeIntervalSince1970,
        ])
    }

    func saveChallenge(nonce: String, expiresAt: Date) throws {
        try db.cachedStatement(sql: "INSERT INTO login_challenges (nonce, expires_at) VALUES (?, ?)")
            .execute(arguments: [nonce, expiresAt.timeIntervalSince1970])
    }

    func consumeChallenge(nonce: String, at now: Date) throws -> Bool {
        // One DELETE decides: the row is gone for whoever comes second, in this process or another.
        try db.cachedStatement(sql: "DELETE FROM login_challenges WHERE nonce = ? AND expires_at > ?")
            .execute(arguments: [nonce, now.timeIntervalSince1970])
        return db.changesCount == 1
    }

    func purgeExpiredLogins(before now: Date) throws {
        try db.cachedStatement(sql: "DELETE FROM login_challenges WHERE expires_at <= ?")
            .execute(arguments: [now.timeIntervalSince1970])
        try db.cachedStatement(sql: "DELETE FROM login_sessions WHERE expires_at <= ?")
            .execute(arguments: [now.timeIntervalSince1970])
    }

    func extendSession(tokenHash: String, to expiresAt: Date, at now: Date) throws -> Bool {
        try db.cachedStatement(
            sql: "UPDATE login_sessions SET expires_at = ? WHERE token_hash = ? AND expires_at > ?"
        ).execute(arguments: [expiresAt.timeIntervalSince1970, tokenHash, now.timeIntervalSince1970])
        return db.changesCount == 1
    }

    func endSession(tokenHash: String) throws {
        try db.cachedStatement(sql: "DELETE FROM login_sessions WHERE token_hash = ?").execute(arguments: [tokenHash])
    }

    func save(_ rejection: RejectionRecord) throws {
        try db.execute(
            sql:
                "INSERT INTO rejections (\(Self.rejectionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            arguments: [
                rejection.id, rejection.submitter, rejection.type, rejection.sender, rejection.number,
                rejection.receivedAt.timeIntervalSince1970, rejection.code, Data(rejection.receipt), rejection.date,
            ])
    }

    // MARK: Audit

    static let auditColumns = "seq, at, iin, participant, address, channel, action, object, result, previous, hash"

    static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(
            seq: row[0], at: Date(timeIntervalSince1970: row[1]), iin: row[2], participant: row[3], address: row[4],
            channel: row[5], action: row[6], object: row[7], result: row[8], previous: row[9], hash: row[10])
    }

    func lastAudit() throws -> AuditRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.auditColumns) FROM audit ORDER BY seq DESC LIMIT 1"))
            .map(
                Self.auditRecord)
    }

    func audit(after: Int64, limit: Int) throws -> [AuditRecord] {
        try Row.fetchAll(
            db, sql: "SELECT \(Self.auditColumns) FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",
            arguments: [after, limit]
        ).map(Self.auditRecord)
    }

    func append(_ record: AuditRecord) throws {
        try db.cachedStatement(
            sql: "INSERT INTO audit (\(Self.auditColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                record.seq, record.at.timeIntervalSince1970, record.iin, record.participant, record.address,
                record.channel, record.action, record.object, record.result, record.previous, record.hash,
            ])
    }

    func save(_ key: StoredEmissionKey) throws {
        try db.execute(
            // The column keeps its first name (it held a PEM key); it holds the key's exported secret.
            sql: "INSERT INTO emission_keys (id, private_key_pem, created_at) VALUES (?, ?, ?)",
            arguments: [key.id, key.secret, key.createdAt.timeIntervalSince1970])
    }

    // MARK: Mapping

    static func jsonList(_ ids: [String]) -> String {
        var list = JSONRows()
        for id in ids { list.value(id) }
        return list.finished()
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    /// Participants and product cards are stored as JSON and read by every document (authority, catalogue).
    /// Decoding is remembered by the JSON text itself, so a changed record is a different key and can never be
    /// answered from a stale entry; the memo only spares JSONDecoder, which profiles showed on every submission.
    static func decode<T: Decodable & Sendable>(_ json: String) throws -> T {
        if let known = DecodedJSON.shared.value(for: json) as? T { return known }
        let value = try JSONDecoder().decode(T.self, from: Data(json.utf8))
        DecodedJSON.shared.remember(value, for: json)
        return value
    }
}

/// Decoded JSON records keyed by their text (see `Connection.decode`), bounded: emptied when it gets large.
final class DecodedJSON: Sendable {
    static let shared = DecodedJSON()
    static let capacity = 10_000
    private let table = Mutex<[String: any Sendable]>([:])

    func value(for json: String) -> (any Sendable)? { table.withLock { $0[json] } }

    func remember(_ value: any Sendable, for json: String) {
        table.withLock { table in
            if table.count >= Self.capacity { table.removeAll(keepingCapacity: true) }
            table[json] = value
        }
    }
}

/// A JSON array of arrays, written by hand: strings escaped, numbers as they are, nil as null.
struct JSONRows {
    private var text = "["
    private var first = true

    struct Row {
        fileprivate var text: String
        fileprivate var first = true

        private mutating func separator() {
            if !first { text.append(",") }
            first = false
        }
        mutating func string(_ value: String?) {
            separator()
            guard let value else { return text.append("null") }
            JSONRows.appendString(value, to: &text)
        }
        mutating func int(_ value: Int) {
            separator()
            text.append(String(value))
        }
        /// A finite number (its shortest round-trip form), or null.
        mutating func double(_ value: Double?) {
            separator()
            guard let value, value.isFinite else { return text.append("null") }
            text.append("\(value)")
        }
    }

    /// Appends one row (an array). The buffer moves into the row and back: no copy.
    mutating func row(_ body: (inout Row) -> Void) {
        if !first { text.append(",") }
        first = false
        var row = Row(text: "")
        swap(&row.text, &text)
        row.text.append("[")
        body(&row)
        row.text.append("]")
        swap(&row.text, &text)
    }

    /// Appends one number (for a flat array).
    mutating func int(_ value: Int64) {
        if !first { text.append(",") }
        first = false
        text.append(String(value))
    }

    /// Appends one string value (for a flat array).
    mutating func value(_ string: String) {
        if !first { text.append(",") }
        first = false
        Self.appendString(string, to: &text)
    }

    mutating func finished() -> String {
        text.append("]")
        return text
    }

    static func appendString(_ value: String, to text: inout String) {
        text.append("\"")
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            text.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text.append("\\\"")
                case "\\": text.append("\\\\")
                case _ where scalar.value < 0x20: text.append(String(format: "\\u%04x", scalar.value))
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }
}
