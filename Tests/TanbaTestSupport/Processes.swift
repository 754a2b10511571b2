public import Foundation
import Synchronization
public import Testing

/// Runs a program to its end and returns its exit status with everything it wrote to standard output and error.
///
/// Shared by the tests that drive the `tanba` binary and those that ask peer tools (xmlsec1, openssl, cc).
/// Both pipes are drained before waiting, so a chatty program cannot block on a full pipe. It blocks its thread
/// until the program ends, so it belongs in a `.blocking` test (and records an issue elsewhere).
@discardableResult
public func runProcess(
    _ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (status: Int32, output: String, error: String) {
    expectOffTheCooperativePool(
        "running \(URL(fileURLWithPath: executable).lastPathComponent)", sourceLocation: sourceLocation)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    // The tests read English messages; a machine whose locale is Kazakh or Russian would make `tanba` answer in
    // that language (TANBA_LANG, LANG), so English is asked for unless a test chooses otherwise.
    var chosen = environment ?? ProcessInfo.processInfo.environment
    if chosen["TANBA_LANG"] == nil { chosen["TANBA_LANG"] = "en" }
    process.environment = chosen
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try launch(process)
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let error = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

/// Starts `process` once the test process holds few enough file descriptors for Foundation to start it safely.
///
/// Why: `Process.run()` in Swift 6.3's Foundation (Linux) scans /proc/self/fd copying 256 bytes of each entry
/// (swift-corelibs-foundation #5472, fixed after 6.3.1); with more than about 1,350 descriptors open an entry sits at
/// the end of glibc's 32 KiB directory buffer and the copy can fault, killing the whole test run. The suite's
/// parallel stores (SQLite connections, each with its log and index files) come near that, so a test about to start
/// a process waits — it is a blocking test — until fewer than `safeDescriptors` are open, for up to a minute.
public func launch(_ process: Process) throws {
    let deadline = Date() + 60
    while openDescriptors() >= safeDescriptors, Date() < deadline { blockingSleep(seconds: 0.05) }
    try launching.withLock { _ in try process.run() }
}

/// `launch(_:)` for an async caller: it waits suspended.
public func launchAsync(_ process: Process) async throws {
    let deadline = Date() + 60
    while openDescriptors() >= safeDescriptors, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
    try launching.withLock { _ in try process.run() }
}

/// One process started at a time: Foundation's `Process.run()` (Swift 6.3, Linux) is not known to be safe when
/// several threads start processes at once, and a start takes milliseconds.
private let launching = Mutex<Void>(())

/// Below the count at which Foundation's scan can read past its buffer, with room for what other tests open meanwhile.
public let safeDescriptors = 900

/// The descriptors this process holds now (FileManager reads directory entries by their length, safely).
public func openDescriptors() -> Int {
    (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
}

/// A running child's standard output, collected as it arrives (a server's listening line, its log).
///
/// Why a thread of its own with blocking reads: `FileHandle.readabilityHandler` watches the pipe with a libdispatch
/// read source, and on Linux tearing such sources down races libdispatch's epoll bookkeeping — the whole test run
/// crashed in `_dispatch_event_loop_drain` in CI on 2026-12-03, as swift-corelibs-libdispatch #949 and
/// swift-corelibs-foundation #3276 describe, even with the handler cleared at the end of the output. A blocking
/// read never registers the descriptor with libdispatch (the workaround swift-tools-protocols #73 chose). The thread
/// ends at the end of the output, when the child exits.
public final class ProcessOutput: @unchecked Sendable {
    private let collected = Mutex("")
    private let pipe = Pipe()

    public init() {}

    /// Becomes `process`'s standard output and starts reading it; before the process starts.
    public func attach(to process: Process) {
        process.standardOutput = pipe
        let handle = pipe.fileHandleForReading
        Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                collected.withLock { $0 += String(decoding: data, as: UTF8.self) }
            }
        }.start()
    }

    /// Everything written so far.
    public var text: String { collected.withLock { $0 } }
}

/// A running server child (`tanba serve`, `tanba-sim`) started on any free port (`--port 0`), as a supervisor
/// runs it: standard output a pipe, read while it runs. Its port is the one its listening line names.
///
/// Stopped when a test lets go of it, so a failing test leaves no server behind (its output's reader ends with it).
open class ListeningProcess: @unchecked Sendable {
    public let process = Process()
    public let output = ProcessOutput()
    public let port: Int

    /// The child exited, or printed no listening line within a minute; what it printed.
    public struct NoListeningLine: Error, CustomStringConvertible {
        public let output: String
        public var description: String { "no listening line within a minute: \(output)" }
    }

    /// Starts `executable` and waits up to a minute for its listening line.
    /// - Throws: `NoListeningLine` (with what it printed) when it exits or stays silent; the child is stopped.
    public init(
        _ executable: String, _ arguments: [String], directory: URL? = nil, environment: [String: String]? = nil
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        output.attach(to: process)
        process.standardError = FileHandle.nullDevice
        try launch(process)
        var port: Int?
        let deadline = Date() + 60
        while port == nil && Date() < deadline && process.isRunning {
            blockingSleep(seconds: 0.05)
            // One read of the output: a range found in one copy is no index into a later, longer one.
            let text = output.text
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)
            }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            throw NoListeningLine(output: output.text)
        }
        self.port = port
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// SIGKILL: a crash, nothing finished or flushed.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then its exit status.
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit { stop() }
}
