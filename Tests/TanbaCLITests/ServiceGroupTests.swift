import Foundation
import TanbaTestSupport
import Testing

/// `tanba serve --folders`: the HTTP server and the drop folders run as one service group on one store; they
/// start together, and on SIGTERM a request in flight is answered before the process ends, with status 0.
@Suite struct ServiceGroupTests {
    @Test func serveRunsTheDropFoldersAndFinishesARequestInFlightOnSIGTERM() throws {
        let registry = RegistryCLITests()
        let (signed, _, _) = try registry.signedShipment()
        let seller = "050140001238"
        let root = URL(fileURLWithPath: registry.store).deletingLastPathComponent().appendingPathComponent("folders")
        #expect(try CLITests.run(["folders", root.path, "--prepare", seller]).status == 0)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: CLITests.tanba)
        server.arguments =
            ServeTests.arguments(port: 0, store: URL(fileURLWithPath: registry.store))
            + ["--folders", root.path, "--folder-interval", "0.1"]
        var environment = ProcessInfo.processInfo.environment
        environment["TANBA_XSD_DIR"] = CLITests.repository.appendingPathComponent("xsd").path
        server.environment = environment
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        let output = Output()
        out.fileHandleForReading.readabilityHandler = {
            output.append(String(decoding: $0.availableData, as: UTF8.self))
        }
        try server.run()
        defer {
            if server.isRunning { server.interrupt() }
            server.waitUntilExit()
            out.fileHandleForReading.readabilityHandler = nil
        }
        let port = try #require(Self.listeningPort(output, server), "no listening line: \(output.text)")

        // A document dropped in the seller's folder is decided while the HTTP API serves.
        let inbox = root.appendingPathComponent("\(seller)/in")
        let temporary = inbox.appendingPathComponent("esd.xml.tmp")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: signed), to: temporary)
        try FileManager.default.moveItem(at: temporary, to: inbox.appendingPathComponent("esd.xml"))
        let receipt = root.appendingPathComponent("\(seller)/out/esd.receipt.xml")
        let deadline = Date() + 30
        while !FileManager.default.fileExists(atPath: receipt.path) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(try String(contentsOf: receipt, encoding: .utf8).contains("<Result>accepted</Result>"))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("\(seller)/archive/esd.xml").path))

        // A request still sending its body (30 kB at 8 kB/s) when SIGTERM arrives is answered all the same.
        let body = try Fixtures.temporaryFile(Array(repeating: UInt8(ascii: "x"), count: 30_000), name: "slow.xml")
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = [
            "-s", "-o", "/dev/null", "-w", "%{http_code}", "--limit-rate", "8k", "-H", "Expect:", "--data-binary",
            "@\(body.path)", "http://127.0.0.1:\(port)/v1/auth/token",
        ]
        let curlOut = Pipe()
        curl.standardOutput = curlOut
        try curl.run()
        Thread.sleep(forTimeInterval: 1)
        #expect(curl.isRunning, "the upload should still be under way")
        server.terminate()  // SIGTERM
        let status = String(decoding: curlOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(curl.terminationStatus == 0 && status == "422", "curl \(curl.terminationStatus), HTTP \(status)")
        server.waitUntilExit()
        #expect(server.terminationReason == .exit && server.terminationStatus == 0)
    }

    static func listeningPort(_ output: Output, _ server: Process) -> Int? {
        let deadline = Date() + 60
        while Date() < deadline && server.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            let text = output.text
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return Int(text[range].split(separator: ":").last!)
            }
        }
        return nil
    }
}
