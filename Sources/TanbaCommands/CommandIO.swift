import Foundation
import TanbaCore
import TanbaErrors

/// A file a command was given, whole.
/// - Throws: `FILE_UNREADABLE` naming it.
func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw TanbaError(.fileUnreadable, "cannot read \(path)")
    }
    return Array(data)
}

/// Runs async work (a refresh, a fetch) from a synchronous command and returns its result: the command line is
/// synchronous, as `tanba serve`'s is, and waits on this thread while the work runs on Swift concurrency.
func runBlocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let box = BlockingResult<T>()
    Task {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// The result of `runBlocking`'s task, handed to the waiting thread (written once, before the semaphore is signalled).
private final class BlockingResult<T: Sendable>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

extension QueryText {
    /// How a command's refusal names a parameter: as the option that carries it (`dateFrom` is `--date-from`). The
    /// core's parsers of the API's query parameters read a command's options too, with the same refusals.
    static let option: Naming = { name in
        "--" + name.map { $0.isUppercase ? "-\($0.lowercased())" : "\($0)" }.joined()
    }
}
