import Foundation
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// `tanba serve --folders`: the HTTP server and the drop folders run as one service group on one store (SQLite or PostgreSQL); they
/// start together, and on SIGTERM a request in flight is answered before the process ends, with status 0.
@Suite(.blocking) struct ServiceGroupTests {
    @Test(arguments: TestBackend.available)
    func serveRunsTheDropFoldersAndFinishesARequestInFlightOnSIGTERM(_ backend: TestBackend) throws {
        let registry = RegistryCLITests(store: try backend.makeLocation())
        let (signed, _, _) = try registry.signedShipment()
        let seller = "050140001238"
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-folders-\(UUID().uuidString)")
        #expect(try CLITests.run(["folders", root.path, "--prepare", seller]).status == 0)

        let server = try ServeProcess(
            ServeTests.arguments(port: 0, location: registry.store)
                + ["--folders", root.path, "--folder-interval", "0.1"])
        defer { _ = server.stop() }
        let port = server.port

        // A document dropped in the seller's folder is decided while the HTTP API serves.
        let inbox = root.appendingPathComponent("\(seller)/in")
        let temporary = inbox.appendingPathComponent("esd.xml.tmp")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: signed), to: temporary)
        try FileManager.default.moveItem(at: temporary, to: inbox.appendingPathComponent("esd.xml"))
        let receipt = root.appendingPathComponent("\(seller)/out/esd.receipt.xml")
        let deadline = Date() + 30
        while !FileManager.default.fileExists(atPath: receipt.path) && Date() < deadline {
            blockingSleep(seconds: 0.1)
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
        try launch(curl)
        blockingSleep(seconds: 1)
        #expect(curl.isRunning, "the upload should still be under way")
        server.process.terminate()  // SIGTERM
        let status = String(decoding: curlOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(curl.terminationStatus == 0 && status == "422", "curl \(curl.terminationStatus), HTTP \(status)")
        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
    }
}
