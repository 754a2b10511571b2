import Foundation
import Synchronization
import TanbaDomain
import TanbaErrors
import TanbaSQLite
import TanbaStore
import TanbaTestSupport
import Testing

/// Group commit: writers of the same moment share one transaction and one sync, yet each is all-or-nothing on
/// its own and returns only once committed.
@Suite struct GroupCommitTests {
    static func participant(_ index: Int) throws -> Participant {
        // BINs with a valid check digit: 12 digits, the last computed (docs/ERRORS.md, IIN/BIN).
        let body = String(format: "0501400%04d", index)
        for digit in 0...9 {
            if let participant = try? Participant(
                id: body + "\(digit)", name: "ТОО \(index)", isOrganisation: true, roles: [.wholesaler])
            {
                return participant
            }
        }
        throw TanbaError(.internal, "no BIN for \(index)")
    }

    @Test(.blocking) func concurrentWritersShareCommitsAndAFailingOneLeavesNoTrace() throws {
        let store = try SQLiteStore(
            path: FileManager.default.temporaryDirectory.appendingPathComponent(
                "tanba-gc-\(UUID().uuidString)/s.sqlite"
            )
            .path)
        let participants = try (0..<24).map(Self.participant)
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let ready = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        // The first writer holds the transaction until every other writer has arrived: they must queue behind it
        // and share the next commits. Threads of their own, not GCD's pool, which a loaded test run may shrink to
        // one thread and so run the writers one after another.
        group.enter()
        Thread {
            try? store.write { tx in
                started.signal()
                release.wait()
                try tx.save(participants[0])
            }
            group.leave()
        }.start()
        started.wait()
        let failures = Mutex(0)
        for index in 1..<participants.count {
            group.enter()
            Thread {
                ready.signal()
                do {
                    try store.write { tx in
                        try tx.save(participants[index])
                        // Every third writer changes its mind after writing: its own save must vanish, nobody else's.
                        if index % 3 == 0 { throw TanbaError(.codeLocked, "writer \(index) gives up") }
                    }
                } catch let error as TanbaError {
                    #expect(error.code == .codeLocked)
                    failures.withLock { $0 += 1 }
                } catch {
                    Issue.record("unexpected \(error)")
                }
                group.leave()
            }.start()
        }
        for _ in 1..<participants.count { ready.wait() }
        blockingSleep(seconds: 0.2)  // from "about to write" to waiting in the queue
        release.signal()
        group.wait()
        let stored = Set(try store.read { try $0.participants() }.map(\.id))
        let expected = Set(participants.enumerated().filter { $0.offset % 3 != 0 || $0.offset == 0 }.map(\.element.id))
        #expect(stored == expected)
        #expect(failures.withLock { $0 } == 7)
        let statistics = store.groupCommitStatistics
        #expect(statistics.bodies == participants.count)
        // Those who waited behind the first shared commits (how many per batch is up to the scheduler, but all
        // 23 were queued before the first commit, so they cannot each have had one of their own).
        #expect(statistics.largest >= 2 && statistics.batches < participants.count, "\(statistics)")
    }
}
