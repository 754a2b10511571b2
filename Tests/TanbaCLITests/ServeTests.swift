import Foundation
import Synchronization
import TanbaTestSupport
import Testing

/// What a running process has written so far.
final class Output: Sendable {
    private let value = Mutex("")
    func append(_ text: String) { value.withLock { $0 += text } }
    var text: String { value.withLock { $0 } }
}

/// `tanba serve` as a supervisor or a script runs it: standard output is a pipe, the port may be taken.
@Suite struct ServeTests {
    static func arguments(port: Int, store: URL) -> [String] {
        let pki = CLITests.pki.path
        return [
            "serve", "--port", "\(port)", "--store", store.path, "--trust", "\(pki)/trust", "--crl", "\(pki)/crl",
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
        let server = Process()
        server.executableURL = URL(fileURLWithPath: CLITests.tanba)
        server.arguments = Self.arguments(port: 0, store: store)
        server.currentDirectoryURL = CLITests.repository
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        server.environment = environment
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        let output = Output()
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.append(String(decoding: data, as: UTF8.self))
        }
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
            out.fileHandleForReading.readabilityHandler = nil
        }
        let deadline = Date() + 60
        var port: Int?
        while port == nil && Date() < deadline && server.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            let text = output.text
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)
            }
        }
        let bound = try #require(port, "no listening line while running: \(output.text)")
        #expect(bound > 0)
        let second = try CLITests.run(Self.arguments(port: bound, store: store))
        #expect(second.status == 2, "\(second.output) \(second.error)")
        #expect(second.error.contains("CONFIG_INVALID") && second.error.contains("\(bound)"), "\(second.error)")
        #expect(!second.output.contains("listening"), "\(second.output)")
        #expect(server.isRunning)
    }
}
