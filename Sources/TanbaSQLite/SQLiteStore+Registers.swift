import Foundation
import GRDB
import TanbaDomain
import TanbaStore

/// The registers' copy on SQLite (table `register_entries`, migration v19).
extension Connection {
    func registerEntry(_ id: String) throws -> RegisterEntry? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, name, status, code, updated_at FROM register_entries WHERE id = ?"),
            arguments: [id]
        ).map {
            RegisterEntry(
                id: $0[0], name: $0[1], status: RegisterStatus(rawValue: $0[2]) ?? .suspended, registerCode: $0[3],
                updatedAt: Date(timeIntervalSince1970: $0[4]))
        }
    }

    func registerImported() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM register_entries)") ?? false
    }

    func save(_ entries: [RegisterEntry]) throws -> Int {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO register_entries (id, name, status, code, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET name = excluded.name, status = excluded.status, code = excluded.code,
                                              updated_at = excluded.updated_at
                WHERE (name, status, code) IS NOT (excluded.name, excluded.status, excluded.code)
                """)
        var changed = 0
        for entry in entries {
            try statement.execute(arguments: [
                entry.id, entry.name, entry.status.rawValue, entry.registerCode, entry.updatedAt.timeIntervalSince1970,
            ])
            changed += db.changesCount
        }
        return changed
    }
}
