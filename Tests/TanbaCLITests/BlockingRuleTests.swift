import Foundation
import TanbaTestSupport
import Testing

/// The suite's own rule for waits that block a thread (see `BlockingTrait` in TanbaTestSupport): Swift's
/// cooperative pool has a thread per core, so a test that blocks one without `.blocking` can stall every in-process
/// hub of the run. `runProcess` and `blockingSleep` check it as they run; this reads the sources for the waits that cannot.
@Suite struct BlockingRuleTests {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    static func sources() throws -> [(name: String, text: String)] {
        let walker = try #require(FileManager.default.enumerator(at: tests, includingPropertiesForKeys: nil))
        return try walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map {
            ($0.path.replacingOccurrences(of: tests.path + "/", with: ""), try String(contentsOf: $0, encoding: .utf8))
        }
    }

    /// A raw sleep would escape `blockingSleep`'s check: only BlockingWork.swift may call one.
    @Test func noTestSleepsItsThreadExceptThroughBlockingSleep() throws {
        let sources = try Self.sources()
        #expect(sources.count > 50)
        let exempt = ["TanbaTestSupport/BlockingWork.swift", "TanbaCLITests/BlockingRuleTests.swift"]
        for (name, text) in sources where !exempt.contains(name) {
            for raw in ["Thread.sleep(", "usleep(", " sleep("] {
                #expect(!text.contains(raw), "\(name) calls \(raw)…): use blockingSleep(seconds:) in a .blocking test")
            }
        }
    }

    /// Every child process starts through `launch` (Processes.swift): Foundation's `Process.run()` can fault when the
    /// test process holds many descriptors, and `launch` waits until it holds few.
    @Test func everyChildProcessStartsThroughLaunch() throws {
        let direct = try NSRegularExpression(pattern: #"try [A-Za-z_][A-Za-z0-9_]*\.run\(\)"#)
        for (name, text) in try Self.sources() where name != "TanbaTestSupport/Processes.swift" {
            let matches = direct.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
            #expect(matches == 0, "\(name) starts a process with Process.run(): use launch(_:) or launchAsync(_:)")
        }
    }

    /// A file that waits on a semaphore, a group, a condition or a child process has a `.blocking` test.
    @Test func aFileThatWaitsOnAThreadHasABlockingTest() throws {
        let waits = ["DispatchSemaphore", "DispatchGroup", "NSCondition", "waitUntilExit()"]
        let supportFolders = ["TanbaTestSupport/", "TanbaStoreTestSupport/", "TanbaBrowserTestSupport/"]
        var checked = 0
        for (name, text) in try Self.sources()
        where !supportFolders.contains(where: name.hasPrefix) && name != "TanbaCLITests/BlockingRuleTests.swift" {
            guard let wait = waits.first(where: text.contains) else { continue }
            checked += 1
            #expect(text.contains("(.blocking"), "\(name) uses \(wait) but no suite or test of it is .blocking")
        }
        #expect(checked >= 8)
    }

    /// The check itself: a wait in a test without `.blocking` is reported (this suite is not `.blocking`)…
    @Test func aWaitOnTheCooperativePoolIsReported() {
        #expect(!BlockingThreads.isCurrent)
        withKnownIssue { expectOffTheCooperativePool("a wait in a test that is not .blocking") }
    }

    /// …and a `.blocking` test runs on threads of its own, its child tasks too.
    @Test(.blocking) func aBlockingTestAndItsChildTasksRunOffThePool() async {
        #expect(BlockingThreads.isCurrent)
        expectOffTheCooperativePool("a wait in a .blocking test")
        let child = await withTaskGroup(of: Bool.self) { group in
            group.addTask { BlockingThreads.isCurrent }
            return await group.next() ?? false
        }
        #expect(child)
    }
}
