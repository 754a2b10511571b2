import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the store's file on a thread of its own, so that commits never wait for it.
///
/// Why: with SQLite's automatic checkpoint (every 1,000 pages of log) the writer itself copies the log into the
/// file and syncs the file right after a commit — for small documents every few dozen commits — and every
/// document queued behind it in the group commit waits for that copy and that sync. A passive checkpoint on
/// another connection needs no write lock: it copies what is committed while the writer goes on, and syncs the
/// store's file off the writer's path. The writer's automatic checkpoint stays, at `safetyNetPages`, for a
/// process whose store closes before this thread has run (a short `tanba` command) and in case this thread
/// falls behind, so the log never grows without bound.
final class Checkpointer: @unchecked Sendable {
    /// The writer's own automatic checkpoint, as a safety net (pages of log; SQLite's default is 1,000).
    static let safetyNetPages = 10_000
    /// How often the log is copied while documents arrive.
    static let interval: TimeInterval = 0.25

    private let path: String
    /// The public checks' journal beside it (`SQLiteStore.checksPath`): the writer's setting covers both files.
    private let checksPath: String
    private let condition = NSCondition()
    private var stopped = false
    /// Passes run, for tests.
    private let passCount = Atomic<Int>(0)

    init(path: String, checksPath: String) {
        self.path = path
        self.checksPath = checksPath
        let thread = Thread { [self] in run() }
        thread.name = "tanba-sqlite-checkpoint"
        thread.start()
    }

    /// Ends the thread (it holds only this object, not the store) and closes its connection.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    var passes: Int { passCount.load(ordering: .relaxed) }

    private func run() {
        var configuration = Configuration()
        // Never wait long for another checkpointer (another process's): the next pass tries again.
        configuration.busyMode = .timeout(0.05)
        let checks = checksPath
        configuration.prepareDatabase { db in try db.execute(sql: "ATTACH DATABASE ? AS checks", arguments: [checks]) }
        var copied: [Stamp?] = []
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date() + Self.interval) }
            let done = stopped
            condition.unlock()
            if done { return }
            // The connection is opened only when a log has grown since the last pass, and closed after it: an idle
            // store holds no descriptors for it (a test process holds hundreds of stores, and Foundation's
            // `Process.run` in Swift 6.3 reads past a buffer when /proc/self/fd lists more than about 1,300).
            let now = [Self.stamp(path + "-wal"), Self.stamp(checksPath + "-wal")]
            guard now != copied else { continue }
            // A failure (busy, a full disk) leaves the log as it is: the next pass, or the writer's own
            // automatic checkpoint, copies it.
            do {
                let connection = try DatabaseQueue(path: path, configuration: configuration)
                try connection.writeWithoutTransaction { db in
                    // No schema named: every attached file, the store's and the checks' journal.
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
                try connection.close()
                copied = now
            } catch {}
            passCount.add(1, ordering: .relaxed)
        }
    }

    /// A log file's size and time of change: what changes when a writer appends to it.
    private struct Stamp: Equatable {
        let size: Int
        let modified: Date
    }

    private static func stamp(_ path: String) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return Stamp(
            size: (attributes[.size] as? Int) ?? 0, modified: (attributes[.modificationDate] as? Date) ?? .distantPast)
    }
}
