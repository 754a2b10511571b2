import Foundation
import GRDB

/// Group commit: concurrent writers share one transaction and one `fsync`.
///
/// Why: every acknowledged document must be on disk (`synchronous=FULL`), and an `fsync` costs about as much as
/// deciding a small document. Writers that arrive while a transaction is being written and synced queue up; the
/// next one to find no leader becomes the leader, runs every queued body in one transaction, each inside its own
/// savepoint (a body that throws rolls back its own effects and nothing else), commits once, and wakes them all.
/// No body returns before the commit that made it durable. A lone writer waits for nobody: there is no timer.
final class GroupCommit: @unchecked Sendable {
    private let pool: DatabasePool
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var queue: [Job] = []
    private var leading = false

    /// How many batches and bodies there were, and how many bodies the largest batch held (for benchmarks).
    var statistics: (batches: Int, bodies: Int, largest: Int) {
        condition.lock()
        defer { condition.unlock() }
        return counts
    }
    /// Guarded by `condition`.
    private var counts = (batches: 0, bodies: 0, largest: 0)

    init(pool: DatabasePool) { self.pool = pool }

    /// The writer connection's page cache, widened by a bulk change and narrowed after its transaction.
    private let cache = WriterCache()

    /// One writer's body and what became of it.
    private final class Job {
        let body: (Database, WriterCache) throws -> Void
        var finished = false
        var error: (any Error)?
        init(_ body: @escaping (Database, WriterCache) throws -> Void) { self.body = body }
    }

    /// Runs `body` in a transaction shared with the writers of the same moment; returns once it is committed.
    /// Rethrows the body's own error (its savepoint rolled back), or the commit's error.
    func perform(_ body: @escaping (Database, WriterCache) throws -> Void) throws {
        // A write inside a write would wait for the very commit its caller is holding up: say so, do not hang.
        precondition(
            Thread.current.threadDictionary[Self.runningKey] == nil,
            "HubStore.write called inside a write body: it is not reentrant (use the body's transaction)")
        let job = Job(body)
        condition.lock()
        queue.append(job)
        while !job.finished {
            if leading {
                condition.wait()
                continue
            }
            leading = true
            let batch = queue
            queue = []
            condition.unlock()
            run(batch)
            condition.lock()
            for finished in batch { finished.finished = true }
            counts.batches += 1
            counts.bodies += batch.count
            counts.largest = max(counts.largest, batch.count)
            leading = false
            condition.broadcast()
        }
        condition.unlock()
        if let error = job.error { throw error }
    }

    private static let runningKey = "tanba.group-commit.running"

    private func run(_ batch: [Job]) {
        Thread.current.threadDictionary[Self.runningKey] = true
        defer { Thread.current.threadDictionary.removeObject(forKey: Self.runningKey) }
        do {
            try pool.writeWithoutTransaction { db in
                defer { try? cache.narrow(db) }
                try db.inTransaction(.immediate) {
                    for job in batch {
                        do {
                            try db.inSavepoint {
                                try job.body(db, cache)
                                return .commit
                            }
                        } catch {
                            job.error = error
                            // Some failures (disk full, I/O) end the whole transaction: nobody commits then.
                            guard db.isInsideTransaction else { throw error }
                        }
                    }
                    return .commit
                }
            }
        } catch {
            // The transaction did not commit: every body of the batch failed with it, even those that ran well.
            for job in batch where job.error == nil { job.error = error }
        }
    }
}
