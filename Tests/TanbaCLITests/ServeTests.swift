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

/// A running `tanba serve` (on any free port, `--port 0`), from the repository, with its schemas.
final class ServeProcess: ListeningProcess, @unchecked Sendable {
    /// - Parameter executable: `tanba` by default; any program printing the same listening line (`tanba-sim`).
    init(_ arguments: [String], executable: String = CLITests.tanba) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        try super.init(executable, arguments, directory: CLITests.repository, environment: environment)
    }
}
