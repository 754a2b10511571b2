import Foundation
import Synchronization
public import Testing

// Swift's cooperative thread pool has one thread per core: two on the machines this suite runs on. A test that
// blocks its thread (a child process awaited with `waitUntilExit`, a polling `sleep`, a semaphore) holds one of
// them, and two such tests at once stop every other test's async work: an in-process hub could not answer a
// request for seconds (BodyAdmissionTests saw no 401 for 8 s under the full suite). Tests that block therefore run
// on threads of their own (`.blocking`), and the helpers that block check that they do (`runProcess`, `blockingSleep`).

/// A suite or test whose body blocks its thread: it runs on `BlockingThreads`, never on Swift's cooperative pool,
/// and at most `BlockingGate.width` such tests run at once, one per core (they start processes that need the cores
/// too, and so many at once as before this trait: the pool ran one blocked test per thread).
///
/// ```swift
/// @Suite(.blocking) struct ServeTests { … }
/// ```
public struct BlockingTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    /// One scope per test case: the suite's own scope would hold a permit for as long as its tests run.
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        testCase == nil ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await BlockingGate.shared.withPermit {
            try await withTaskExecutorPreference(BlockingThreads.shared) { try await function() }
        }
    }
}

extension Trait where Self == BlockingTrait {
    /// The test blocks its thread; see `BlockingTrait`.
    public static var blocking: Self { BlockingTrait() }
}

/// Threads for tests that block. A thread is added whenever work arrives and none is idle, so a blocked test can
/// never hold back the work it waits for (its own child tasks run here too).
public final class BlockingThreads: TaskExecutor, @unchecked Sendable {
    public static let shared = BlockingThreads()
    static let threadName = "tanba-test-blocking"
    /// The threads' identities: what `isCurrent` asks (a Foundation thread's name is not reliably its own here).
    private static let members = Mutex<Set<UInt>>([])

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var next = 0
    private var idle = 0

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        let spawn = idle == 0
        if spawn { idle += 1 }  // counted now, so a burst of work does not start a thread per job
        condition.signal()
        condition.unlock()
        if spawn {
            let thread = Thread { [self] in
                _ = Self.members.withLock { $0.insert(UInt(pthread_self())) }
                work()
            }
            thread.name = Self.threadName
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
            let job = jobs[next]
            next += 1
            if next == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            idle -= 1
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            condition.lock()
            idle += 1
            condition.unlock()
        }
    }

    /// True on one of these threads.
    public static var isCurrent: Bool { members.withLock { $0.contains(UInt(pthread_self())) } }
}

/// Admits at most `width` blocking tests at once; the others wait suspended, holding no thread.
public actor BlockingGate {
    public static let shared = BlockingGate(
        width: ProcessInfo.processInfo.environment["TANBA_TEST_BLOCKING_WIDTH"].flatMap(Int.init)
            ?? ProcessInfo.processInfo.activeProcessorCount)

    public let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) { self.width = max(1, width) }

    func withPermit(_ body: @Sendable () async throws -> Void) async throws {
        await acquire()
        defer { release() }
        try await body()
    }

    private func acquire() async {
        if running < width {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()  // the permit passes on; `running` stays
        }
    }
}

/// Records an issue when a blocking wait runs on Swift's cooperative pool, naming the fix.
///
/// A plain thread (one a test started, or Dispatch's) may block; a task may block only on `BlockingThreads`.
public func expectOffTheCooperativePool(
    _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let inTask = withUnsafeCurrentTask { $0 != nil }
    if inTask && !BlockingThreads.isCurrent {
        Issue.record(
            "\(what) blocks a thread of Swift's cooperative pool (one per core): give its suite or test `.blocking`",
            sourceLocation: sourceLocation)
    }
}

/// Sleeps the current thread: for polling loops in `.blocking` tests (an async test uses `Task.sleep`).
public func blockingSleep(seconds: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    expectOffTheCooperativePool("a pause of \(seconds) s", sourceLocation: sourceLocation)
    Thread.sleep(forTimeInterval: seconds)
}
