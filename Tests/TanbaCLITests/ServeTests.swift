import Foundation
import TanbaTestSupport
import Testing

/// `tanba serve` as a supervisor or a script runs it: standard output is a pipe, the port may be taken.
@Suite(.blocking) struct ServeTests {
    static func arguments(port: Int, store: URL) -> [String] { arguments(port: port, location: store.path) }

    /// The same for any store location (an SQLite path or a PostgreSQL URL).
    static func arguments(port: Int, location: String) -> [String] {
        let pki = CLITests.pki.path
        return [
            "serve", "--port", "\(port)", "--store", location, "--trust", "\(pki)/trust", "--crl", "\(pki)/crl",
            "--hub-key", "\(pki)/participants/hub.key.pem", "--hub-cert", "\(pki)/participants/hub.cert.pem",
            "--reference", CLITests.repository.appendingPathComponent("reference").path,
        ]
    }

    /// The listening line arrives while the server runs (not at exit: a pipe is block-buffered), names the port
    /// actually bound, and a second server on that port fails with CONFIG_INVALID, exit 2, claiming nothing.
    @Test func theListeningLineIsFlushedAndATakenPortIsAConfigurationError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A store with a participant in it: the only failure left for the second server is the port.
        let store = folder.appendingPathComponent("hub.sqlite")
        let registered = try CLITests.run([
            "participants", "add", "--id", "050140001238", "--name", "ТОО", "--roles", "producer", "--store",
            store.path,
        ])
        #expect(registered.status == 0, "\(registered.error)")
        let server = try ServeProcess(Self.arguments(port: 0, store: store))
        defer { _ = server.stop() }
        let bound = server.port
        #expect(bound > 0)
        let second = try CLITests.run(Self.arguments(port: bound, store: store))
        #expect(second.status == 2, "\(second.output) \(second.error)")
        #expect(second.error.contains("CONFIG_INVALID") && second.error.contains("\(bound)"), "\(second.error)")
        #expect(!second.output.contains("listening"), "\(second.output)")
        #expect(server.process.isRunning)
    }
}

/// A running `tanba serve` (on any free port, `--port 0`), as a supervisor runs it: standard output a pipe. Its
/// port is the one the listening line names, read while it runs.
final class ServeProcess {
    let process = Process()
    let output = ProcessOutput()
    let port: Int

    /// - Parameter executable: `tanba` by default; any program printing the same listening line (`tanba-sim`).
    init(_ arguments: [String], executable: String = CLITests.tanba) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = CLITests.repository
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        process.environment = environment
        output.attach(to: process)
        process.standardError = FileHandle.nullDevice
        try launch(process)
        var port: Int?
        let deadline = Date() + 60
        while port == nil && Date() < deadline && process.isRunning {
            blockingSleep(seconds: 0.1)
            if let range = output.text.range(
                of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression)
            {
                port = Int(output.text[range].split(separator: ":").last!)
            }
        }
        guard let port else {
            if process.isRunning { process.terminate() }
            throw CocoaError(
                .fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "no listening line: \(output.text)"])
        }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// SIGKILL: a crash, nothing finished or flushed.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM, then its exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A process a test let go of is stopped (its output's reader ends with it).
    deinit { _ = stop() }
}
