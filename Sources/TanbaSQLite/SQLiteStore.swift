public import Foundation
import GRDB
import TanbaDomain
import TanbaErrors
public import TanbaStore

/// The embedded store: one SQLite file in WAL mode (readers never block the writer), schema migrations,
/// every write one transaction with `synchronous=FULL` (documents are legally significant: a committed
/// change survives a power cut).
public final class SQLiteStore: HubStore {
    private let pool: DatabasePool
    public let location: String

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    /// - Throws: `STORE_FAILURE` when the file cannot be opened or migrated.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw TanbaError(.storeFailure, "cannot open the store \(path): \(error)")
        }
        location = path
    }

    public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
        try translating { try pool.read { db in try body(Connection(db: db)) } }
    }

    public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
        try translating { try pool.write { db in try body(Connection(db: db)) } }
    }

    /// Applied migrations, oldest first.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// A fingerprint of every row of every table (FNV-1a over their text, in primary-key order): equal
    /// fingerprints mean equal contents. Tests use it to show that a refused operation changed nothing.
    public func contentFingerprint() throws -> String {
        try pool.read { db in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            let tables = try String.fetchAll(
                db,
                sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
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

    /// The journal mode in force (`wal` for this store).
    public func journalMode() throws -> String {
        try pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// SQLite and GRDB errors become `STORE_FAILURE`; Tanba's own errors pass through.
    private func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as TanbaError { throw error } catch {
            throw TanbaError(.storeFailure, "store \(location): \(error)")
        }
    }
}

/// The schema, as migrations. Codes are never deleted: the primary key keeps every GTIN + serial ever issued.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: codes, events, participants, catalogue, emission keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE codes (
                        id TEXT PRIMARY KEY NOT NULL,
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
                        issued_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX codes_parent ON codes(parent) WHERE parent IS NOT NULL;
                    CREATE INDEX codes_owner ON codes(owner);
                    CREATE TABLE code_events (
                        seq INTEGER PRIMARY KEY,
                        code_id TEXT NOT NULL,
                        at REAL NOT NULL,
                        operation TEXT NOT NULL,
                        status TEXT NOT NULL,
                        owner TEXT NOT NULL,
                        document TEXT
                    );
                    CREATE INDEX code_events_code ON code_events(code_id, seq);
                    CREATE TABLE participants (id TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE products (gtin TEXT PRIMARY KEY NOT NULL, product_group TEXT NOT NULL, json TEXT NOT NULL);
                    CREATE TABLE emission_keys (id TEXT PRIMARY KEY NOT NULL, private_key_pem TEXT NOT NULL, created_at REAL NOT NULL);
                    """)
        }
        return migrator
    }
}

/// One connection's view, inside GRDB's transaction.
private struct Connection: StoreWriter {
    let db: Database

    static let codeColumns =
        "id, level, gtin, status, owner, emitter, withdrawal_reason, locked_by, parent, key_id, verification_code, issued_at"

    func code(_ id: String) throws -> CodeRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.codeColumns) FROM codes WHERE id = ?"), arguments: [id])
            .map(Self.record)
    }

    func codes(_ ids: [String]) throws -> [String: CodeRecord] {
        var result: [String: CodeRecord] = [:]
        result.reserveCapacity(ids.count)
        // Batches of 500 keep each IN list within SQLite's parameter limit and its statement cache small.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let batch = Array(ids[start..<min(start + 500, ids.count)])
            let statement = try db.cachedStatement(
                sql: "SELECT \(Self.codeColumns) FROM codes WHERE id IN (\(Self.placeholders(batch.count)))")
            for row in try Row.fetchAll(statement, arguments: StatementArguments(batch)) {
                let record = Self.record(row)
                result[record.id] = record
            }
        }
        return result
    }

    func children(of parents: [String]) throws -> [CodeRecord] {
        var result: [CodeRecord] = []
        for start in stride(from: 0, to: parents.count, by: 500) {
            let batch = Array(parents[start..<min(start + 500, parents.count)])
            let statement = try db.cachedStatement(
                sql: "SELECT \(Self.codeColumns) FROM codes WHERE parent IN (\(Self.placeholders(batch.count)))")
            result += try Row.fetchAll(statement, arguments: StatementArguments(batch)).map(Self.record)
        }
        return result
    }

    func events(of id: String) throws -> [CodeEvent] {
        try Row.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT code_id, at, operation, status, owner, document FROM code_events WHERE code_id = ? ORDER BY seq"
            ),
            arguments: [id]
        ).map { row in
            CodeEvent(
                codeID: row[0], at: Date(timeIntervalSince1970: row[1]), operation: row[2],
                status: CodeStatus(rawValue: row[3]) ?? .issued, owner: row[4], document: row[5])
        }
    }

    func codeCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM codes") ?? 0 }

    func participant(_ id: String) throws -> Participant? {
        try String.fetchOne(db, sql: "SELECT json FROM participants WHERE id = ?", arguments: [id]).map(Self.decode)
    }

    func participants() throws -> [Participant] {
        try String.fetchAll(db, sql: "SELECT json FROM participants ORDER BY id").map(Self.decode)
    }

    func product(_ gtin: String) throws -> ProductCard? {
        try String.fetchOne(db, sql: "SELECT json FROM products WHERE gtin = ?", arguments: [gtin]).map(Self.decode)
    }

    func products() throws -> [ProductCard] {
        try String.fetchAll(db, sql: "SELECT json FROM products ORDER BY gtin").map(Self.decode)
    }

    func emissionKeys() throws -> [StoredEmissionKey] {
        try Row.fetchAll(db, sql: "SELECT id, private_key_pem, created_at FROM emission_keys ORDER BY created_at DESC")
            .map { StoredEmissionKey(id: $0[0], privateKeyPEM: $0[1], createdAt: Date(timeIntervalSince1970: $0[2])) }
    }

    func insert(_ codes: [CodeRecord]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO codes (\(Self.codeColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for code in codes {
            do {
                try statement.execute(arguments: Self.arguments(code))
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw TanbaError(.codeDuplicate, "\(code.id): this code exists already and is never issued again")
            }
        }
    }

    func update(_ codes: [CodeRecord]) throws {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE codes SET status = ?, owner = ?, withdrawal_reason = ?, locked_by = ?, parent = ? WHERE id = ?
                """)
        for code in codes {
            try statement.execute(arguments: [
                code.status.rawValue, code.owner, code.withdrawalReason?.rawValue, code.lockedBy, code.parent, code.id,
            ])
        }
    }

    func append(_ events: [CodeEvent]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO code_events (code_id, at, operation, status, owner, document) VALUES (?, ?, ?, ?, ?, ?)")
        for event in events {
            try statement.execute(arguments: [
                event.codeID, event.at.timeIntervalSince1970, event.operation, event.status.rawValue, event.owner,
                event.document,
            ])
        }
    }

    func save(_ participant: Participant) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO participants (id, json) VALUES (?, ?)",
            arguments: [participant.id, Self.encode(participant)])
    }

    func save(_ products: [ProductCard]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO products (gtin, product_group, json) VALUES (?, ?, ?)")
        for card in products {
            try statement.execute(arguments: [card.gtin, card.productGroup, Self.encode(card)])
        }
    }

    func save(_ key: StoredEmissionKey) throws {
        try db.execute(
            sql: "INSERT INTO emission_keys (id, private_key_pem, created_at) VALUES (?, ?, ?)",
            arguments: [key.id, key.privateKeyPEM, key.createdAt.timeIntervalSince1970])
    }

    // MARK: Mapping

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }

    static func arguments(_ code: CodeRecord) -> StatementArguments {
        [
            code.id, code.level.rawValue, code.gtin, code.status.rawValue, code.owner, code.emitter,
            code.withdrawalReason?.rawValue, code.lockedBy, code.parent, code.keyID, code.verificationCode,
            code.issuedAt.timeIntervalSince1970,
        ]
    }

    static func record(_ row: Row) -> CodeRecord {
        CodeRecord(
            id: row[0], level: PackagingLevel(rawValue: row[1]) ?? .unit, gtin: row[2],
            status: CodeStatus(rawValue: row[3]) ?? .issued, owner: row[4], emitter: row[5],
            withdrawalReason: (row[6] as String?).flatMap(WithdrawalReason.init(rawValue:)), lockedBy: row[7],
            parent: row[8], keyID: row[9], verificationCode: row[10], issuedAt: Date(timeIntervalSince1970: row[11]))
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}
