import Foundation
import GRDB
import Synchronization

/// Read-only connections the store hands out itself, one per reader at a time, for its read transactions.
///
/// Why not `DatabasePool.read`: GRDB's pool takes a semaphore and two barrier blocks on a concurrent dispatch queue
/// per read, and begins and commits with statements it parses anew each time. For the hub's point reads (a public
/// check reads one code) that machinery was most of the cost: 23–30 µs a read on one thread, with futex waits and
/// context switches under two threads (measured by `tanba-bench public`, see docs/PERFORMANCE.md). Here a reader
/// takes a connection off a free list under a mutex, runs `BEGIN`…`COMMIT` from cached statements on the calling
/// thread, and puts it back: the same snapshot isolation (a WAL read transaction), none of the waiting.
///
/// At most `limit` connections are opened (each has its own page cache); a reader that finds none free while the
/// limit is reached gets nil and goes to GRDB's pool, which waits for one of its own.
final class ReadConnections: Sendable {
    private let path: String
    private let configuration: Configuration
    private let limit: Int
    private let state = Mutex<(free: [DatabaseQueue], opened: Int)>(([], 0))

    init(path: String, configuration: Configuration, limit: Int) {
        var configuration = configuration
        configuration.readonly = true
        self.path = path
        self.configuration = configuration
        self.limit = limit
    }

    /// Runs `body` in a read transaction on a connection of the set; nil when every one is in use.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let connection = try take() else { return nil }
        defer { state.withLock { $0.free.append(connection) } }
        return try connection.inDatabase { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            let result: T
            do { result = try body(db) } catch {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
                throw error
            }
            // A read-only transaction's commit cannot fail for want of the write lock; should it fail at all, the
            // connection must not go back to the free list inside a transaction.
            do { try db.cachedStatement(sql: "COMMIT TRANSACTION").execute() } catch {
                try? db.cachedStatement(sql: "ROLLBACK TRANSACTION").execute()
                throw error
            }
            return result
        }
    }

    /// A free connection, or a new one while fewer than `limit` are open, or nil.
    private func take() throws -> DatabaseQueue? {
        let taken = state.withLock { state -> (DatabaseQueue?, open: Bool) in
            if let connection = state.free.popLast() { return (connection, false) }
            guard state.opened < limit else { return (nil, false) }
            state.opened += 1
            return (nil, true)
        }
        if let connection = taken.0 { return connection }
        guard taken.open else { return nil }
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            state.withLock { $0.opened -= 1 }
            throw error
        }
    }
}
