import Foundation
import PostgresNIO
import TanbaDomain
import TanbaStore

/// The registers' copy on PostgreSQL (table `register_entries`, migration v19), as the SQLite store's.
extension PostgresSession {
    func registerEntry(_ id: String) throws -> RegisterEntry? {
        var s = Statement()
        s.sql = "SELECT id, name, status, code, updated_at FROM register_entries WHERE id = \(s.bind(id))"
        return try run(s).first.map {
            RegisterEntry(
                id: try $0.get(0), name: try $0.get(1),
                status: RegisterStatus(rawValue: try $0.get(2)) ?? .suspended, registerCode: try $0.get(3),
                updatedAt: Date(timeIntervalSince1970: try $0.get(4)))
        }
    }

    func registerImported() throws -> Bool {
        try run(Statement("SELECT EXISTS (SELECT 1 FROM register_entries)")).first?.get(0, as: Bool.self) ?? false
    }

    func save(_ entries: [RegisterEntry]) throws -> Int {
        var changed = 0
        for entry in entries {
            var s = Statement()
            s.sql = """
                INSERT INTO register_entries (id, name, status, code, updated_at)
                VALUES (\(s.bind(entry.id)), \(s.bind(entry.name)), \(s.bind(entry.status.rawValue)),
                        \(s.bind(entry.registerCode)), \(s.bind(entry.updatedAt.timeIntervalSince1970)))
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status, code = excluded.code,
                                               updated_at = excluded.updated_at
                WHERE (register_entries.name, register_entries.status, register_entries.code)
                      IS DISTINCT FROM (excluded.name, excluded.status, excluded.code)
                RETURNING id
                """
            changed += try run(s).count
        }
        return changed
    }
}
