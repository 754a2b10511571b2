import Foundation
import GRDB
import Synchronization
import TanbaDomain
import TanbaEmission
import TanbaStore
import TanbaTestSupport
import Testing

@testable import TanbaSQLite

/// The SQLite store's reads on its own connections (`ReadConnections`) and the public side's writes in a file of
/// their own. Failure modes: a read answered from before a commit it followed; readers beyond the store's own
/// connections stuck or failing; a journal batch, a signal or an inspector's step committing to the ledger's file
/// (which makes every reader drop its cache and map); checks lost when a store made before v14 moves them, reports
/// and steps lost or reordered when one made before v15 moves them.
@Suite struct SQLiteReadTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tanba-read-\(UUID().uuidString)/s.sqlite").path
    }

    static func participant(named name: String) throws -> Participant {
        try Participant(
            id: try GroupCommitTests.participant(1).id, name: name, isOrganisation: true, roles: [.wholesaler])
    }

    @Test(.blocking) func aReadSeesEveryCommitBeforeItAndManyAtOnceAllFinish() throws {
        let store = try SQLiteStore(path: Self.temporaryPath())
        let id = try GroupCommitTests.participant(1).id
        try store.write { try $0.save(try Self.participant(named: "first")) }
        #expect(try store.read { try $0.participant(id)?.name } == "first")
        // The same connection (the free list is last in, first out) must not answer from its last transaction.
        try store.write { try $0.save(try Self.participant(named: "second")) }
        #expect(try store.read { try $0.participant(id)?.name } == "second")

        // Twelve readers at once, each holding its transaction while a writer renames: more than the store's own
        // connections (cores + 2), so some go to GRDB's pool. Each sees one name, the same at both ends of its
        // transaction (a snapshot), and every one finishes.
        let seen = Mutex<[String]>([])
        let group = DispatchGroup()
        let holding = DispatchSemaphore(value: 0)
        for _ in 0..<12 {
            group.enter()
            Thread {
                defer { group.leave() }
                let names = try? store.read { tx -> [String] in
                    let before = try tx.participant(id)?.name ?? "-"
                    holding.signal()
                    blockingSleep(seconds: 0.05)
                    return [before, try tx.participant(id)?.name ?? "-"]
                }
                seen.withLock { $0.append(contentsOf: names.map { $0[0] == $0[1] ? [$0[0]] : ["torn"] } ?? ["failed"]) }
            }.start()
        }
        for _ in 0..<12 { holding.wait() }
        try store.write { try $0.save(try Self.participant(named: "third")) }
        #expect(group.wait(timeout: .now() + 30) == .success)
        let names = seen.withLock { $0 }
        #expect(names.count == 12 && names.allSatisfy { $0 == "second" || $0 == "third" })
        #expect(try store.read { try $0.participant(id)?.name } == "third")
    }

    @Test func theChecksJournalIsAFileOfItsOwnThatTheLedgerDoesNotShare() throws {
        let path = Self.temporaryPath()
        let store = try SQLiteStore(path: path)
        let ledger = try store.contentFingerprint()
        let now = Date()
        try store.write { tx in
            try tx.record([
                PublicCheckEntry(
                    code: "0104870001000028215aB", at: now, address: "10.0.0.1", outcome: "genuine", latitude: 43.2,
                    longitude: 76.9),
                PublicCheckEntry(
                    code: "0104870001000028215aB", at: now, address: "10.0.0.2", outcome: "genuine", latitude: nil,
                    longitude: nil),
            ])
        }
        #expect(FileManager.default.fileExists(atPath: SQLiteStore.checksPath(of: path)))
        // A batch of checks changed nothing in the ledger's file.
        #expect(try store.contentFingerprint() == ledger)
        // Nor does a signal, nor an inspector's step: a connection to the ledger's file alone sees no commit
        // (`data_version` moves when another connection commits to the file).
        let watcher = try DatabaseQueue(path: path)
        let version = try watcher.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") }
        var signal = ViolationReport(reference: "V-ABCDEFGHJK", source: .signal, kind: .notGenuine, createdAt: now)
        signal.code = "0104870001000028215aB"
        signal.signalKey = "notGenuine:0104870001000028215aB:2026-12-02"
        #expect(try store.write { try $0.file(signal) })
        #expect(try store.write { try $0.file(signal) } == false)
        let step = ViolationStep(
            reference: signal.reference, at: now, status: .inReview, comment: "seen", inspector: "880101300123")
        #expect(try store.write { try $0.setStatus(of: signal.reference, expected: .new, to: step) })
        #expect(try watcher.inDatabase { try Int.fetchOne($0, sql: "PRAGMA data_version") } == version)
        #expect(try store.contentFingerprint() == ledger)
        let located = try store.read {
            try $0.locatedChecks(of: "0104870001000028215aB", since: now.addingTimeInterval(-60), limit: 10)
        }
        #expect(located.map(\.address) == ["10.0.0.1"])
        // Only located checks are indexed, and the look-up uses that index rather than scanning the journal.
        #expect(try store.locatedChecksPlan().contains("USING INDEX public_checks_located"))
    }

    @Test func aStoreMadeBeforeV14KeepsItsChecksWhenTheyMove() throws {
        let path = Self.temporaryPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A store as v13 left it: the journal in the ledger's file, one located check in it.
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "ATTACH DATABASE ? AS checks", arguments: [SQLiteStore.checksPath(of: path)])
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool, upTo: "v13: public control")
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO main.public_checks (code, at, address, outcome, latitude, longitude)
                        VALUES ('0104870001000028215aB', 100, '10.0.0.1', 'genuine', 43.2, 76.9)
                        """)
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().last?.hasPrefix("v22:") == true)
        let located = try store.read {
            try $0.locatedChecks(of: "0104870001000028215aB", since: Date(timeIntervalSince1970: 0), limit: 10)
        }
        #expect(located.map(\.address) == ["10.0.0.1"])
    }

    @Test func aStoreMadeBeforeV15KeepsItsReportsAndTheirStepsInOrderWhenTheyMove() throws {
        let path = Self.temporaryPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A store as v14 left it: a report with its photo and three steps in the ledger's file, two at one time.
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "ATTACH DATABASE ? AS checks", arguments: [SQLiteStore.checksPath(of: path)])
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool, upTo: "v14: public checks indexed where located")
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO main.violations (reference, source, kind, code, shop, photo, photo_type, status,
                                                     created_at, updated_at, signal_key)
                        VALUES ('V-ABCDEFGHJK', 'public', 'notGenuine', '0104870001000028215aB', 'Дүкен', x'89504E47',
                                'image/png', 'confirmed', 100, 300, NULL);
                        INSERT INTO main.violation_steps VALUES ('V-ABCDEFGHJK', 100, 'new', NULL, NULL);
                        INSERT INTO main.violation_steps VALUES ('V-ABCDEFGHJK', 300, 'inReview', 'first', '1');
                        INSERT INTO main.violation_steps VALUES ('V-ABCDEFGHJK', 300, 'confirmed', 'second', '1');
                        """)
            }
        }
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().last?.hasPrefix("v22:") == true)
        let report = try #require(try store.read { try $0.violation("V-ABCDEFGHJK") })
        #expect(report.shop == "Дүкен" && report.status == .confirmed && report.photo == [0x89, 0x50, 0x4E, 0x47])
        let steps = try store.read { try $0.steps(of: "V-ABCDEFGHJK") }
        #expect(steps.map(\.comment) == [nil, "first", "second"])
        // The report is found by the inspectors' list, which now reads the public side's file.
        #expect(try store.read { try $0.violations(ViolationFilter()) }.reports.map(\.reference) == ["V-ABCDEFGHJK"])
    }

    /// The writer's page cache is SQLite's small default between writes; a bulk change widens it for its own
    /// transaction only, and a small write after it finds it small again (`WriterCache`). Failure modes: a bulk change
    /// on 2 MB (slow), a small commit after it scanning 128 MB of cached pages (slow), a failed bulk write leaving the
    /// cache wide.
    /// Committed pages reach the store's file from the background checkpoint, not from the committing writer.
    /// Failure modes: the writer still checkpointing every 1,000 pages itself (documents queued behind its copy
    /// and sync), and the log never copied once the writer's own threshold is raised.
    @Test(.blocking) func theLogIsCopiedIntoTheFileInTheBackgroundNotByTheWriter() throws {
        let path = Self.temporaryPath()
        let store = try SQLiteStore(path: path)
        #expect(
            try store.write { tx in try Int.fetchOne((tx as! Connection).db, sql: "PRAGMA wal_autocheckpoint") }
                == Checkpointer.safetyNetPages)
        func fileSize() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        let before = try fileSize()
        let passes = store.checkpointPasses
        // 2,000 codes: far fewer pages than the writer's own threshold, so only the background can copy them.
        let codes = try CodeEmitter(key: EmissionKey.generate()).issue(
            gtin: "04870001000011", count: 2_000, owner: "050140001238", at: Date())
        for chunk in stride(from: 0, to: codes.count, by: 100) {
            try store.write { try $0.insert(Array(codes[chunk..<chunk + 100]), origin: "ORDER-\(chunk)") }
        }
        // Wait for both: the file grows while a pass copies the log, before that pass is counted (a CI run read
        // the count in between).
        let deadline = Date() + 30
        while try fileSize() <= before || store.checkpointPasses <= passes, Date() < deadline {
            blockingSleep(seconds: 0.05)
        }
        #expect(try fileSize() > before, "the log was not copied into the file")
        #expect(store.checkpointPasses > passes)
        #expect(try store.read { try $0.codeCount() } == 2_000)
    }

    @Test func theWritersCacheIsWideOnlyForABulkChange() throws {
        let store = try SQLiteStore(path: Self.temporaryPath())
        func cacheSize(_ tx: any StoreReader) throws -> Int {
            try Int.fetchOne((tx as! Connection).db, sql: "PRAGMA cache_size") ?? 0
        }
        let small = try store.write { tx in try cacheSize(tx) }
        #expect(small == -2000)
        // Readers keep 128 MB: their pages serve look-ups in a store of millions of codes.
        #expect(try store.read { try cacheSize($0) } == -131072)

        let emitter = CodeEmitter(key: EmissionKey.generate())
        let codes = try emitter.issue(
            gtin: "04870001000011", count: WriterCache.bulk, owner: "050140001238", at: Date())
        let (before, during) = try store.write { tx -> (Int, Int) in
            let before = try cacheSize(tx)
            try tx.insert(codes, origin: "ORDER-1")
            return (before, try cacheSize(tx))
        }
        #expect(before == -2000 && during == -131072)
        #expect(try store.write { tx in try cacheSize(tx) } == -2000)
        // Fewer codes than a bulk change: the cache stays small.
        #expect(
            try store.write { tx in
                _ = try tx.codes(Array(codes.prefix(WriterCache.bulk - 1)).map(\.id))
                return try cacheSize(tx)
            } == -2000)
        // A bulk write that fails after widening: rolled back, and the cache narrowed all the same.
        #expect(throws: (any Error).self) {
            try store.write { tx in
                _ = try tx.codes(codes.map(\.id))
                try tx.insert(Array(codes.prefix(1)), origin: "ORDER-2")  // issued already: refused
            }
        }
        #expect(try store.write { tx in try cacheSize(tx) } == -2000)
        #expect(try store.read { try $0.codeCount() } == WriterCache.bulk)
    }
}
