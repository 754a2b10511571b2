import Foundation
import TanbaTestSupport
import Testing

/// Several `tanba` processes on one store: readers and a writer wait for each other's locks instead of failing
/// with STORE_FAILURE "database is locked".
@Suite(.blocking) struct ConcurrentCLITests {
    let registry = RegistryCLITests()

    /// Starts every command at once, then waits for all; returns their statuses and standard errors.
    func together(_ commands: [[String]]) throws -> [(status: Int32, error: String)] {
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        let running = try commands.map { arguments -> (Process, Pipe) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.tanba)
            process.arguments = arguments + ["--store", registry.store]
            process.currentDirectoryURL = CLITests.repository
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            let error = Pipe()
            process.standardError = error
            try launch(process)
            return (process, error)
        }
        return running.map { process, error in
            let text = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: text, as: UTF8.self))
        }
    }

    @Test func twelveReadersAndAWriterAllSucceed() throws {
        try registry.registered()
        let code = try registry.run([
            "codes", "order", "--participant", "050140001238", "--gtin", "04870001000011", "--count", "1",
        ]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        for round in 0..<3 {
            let writer = [
                "participants", "add", "--id", "050140001238", "--name", "ТОО \(round)", "--roles", "producer",
                "--groups", "water",
            ]
            let results = try together(Array(repeating: ["codes", "check", code], count: 12) + [writer])
            for (status, error) in results {
                #expect(status == 0, "round \(round): \(error)")
                #expect(!error.contains("locked"), "round \(round): \(error)")
            }
        }
        #expect(try registry.run(["audit", "verify"]).status == 0)
    }
}
