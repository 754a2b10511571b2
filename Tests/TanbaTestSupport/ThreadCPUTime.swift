import Foundation

/// The CPU time the calling thread spends in `body`, and its result.
///
/// Why not the wall clock: the suite runs hundreds of tests on two cores, so a test's wall time says more about its
/// neighbours than about the code it times (a CI run can stretch a 0.4 s decode past any fixed limit). The thread's
/// own CPU time counts only what this thread ran. `body` must do its work on the calling thread (synchronous code).
public func threadCPUTime<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    let result = try body()
    return (result, now() - start)
}
