import Foundation
import TanbaSigner
import TanbaTestSupport
import TanbaXML
import Testing

/// `tanba signer` as a user runs it: the port on the first line, the certificate's pin, refusals of a bad
/// command line, and a clean stop on SIGTERM.
@Suite(.blocking, .timeLimit(.minutes(3))) struct SignerCommandTests {
    typealias H = SignerHarness

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary SwiftPM built next to this test bundle.
    static let tanba: String = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("tanba").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/tanba").path
    }()

    static func keyArguments(_ participants: [TestPKI.Participant]) -> [String] {
        participants.flatMap {
            ["--key", H.pki.keyFile($0).path, "--cert", H.pki.certificateFile($0).path]
        }
    }

    @Test func printsItsPortFirstThenServesAndStopsCleanlyOnSIGTERM() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tanba)
        process.arguments =
            ["signer", "--port", "0", "--allow-origin", "http://127.0.0.1:8080"]
            + Self.keyArguments([.companyAuthentication, .gostCompanyHead])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try launch(process)
        defer { if process.isRunning { process.terminate() } }
        let firstLine = try #require(Self.readLine(output.fileHandleForReading))
        let port = try #require(Int(firstLine.split(separator: ":").last ?? ""), "\(firstLine)")
        #expect(firstLine == "tanba signer listening on wss://127.0.0.1:\(port)")
        let exchange = try await H.exchange(
            port: port, requests: [H.request(H.challenge(), oids: [SignerProtocol.signingOID])])
        #expect(exchange.greeting == SignerProtocol.greeting)
        #expect(try SignerResponse(json: try #require(exchange.answers.first)).code == nil)
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(rest.contains("TLS certificate SPKI SHA-256: "))
        #expect(rest.contains("pages allowed: http://127.0.0.1:8080"))
    }

    @Test(arguments: [
        ["signer"],  // no key
        ["signer", "--key", "a.pem"],  // a key without its certificate
        ["signer", "--allow-origin", "*", "--key", "K", "--cert", "C"],  // not an origin
        ["signer", "--port", "70000", "--key", "K", "--cert", "C"],
        ["signer", "--tls-cert", "x.pem", "--key", "K", "--cert", "C"],  // a TLS certificate without its key
    ])
    func refusesABadCommandLineWithConfigInvalid(arguments: [String]) throws {
        let key = H.pki.keyFile(.companyHead).path
        let certificate = H.pki.certificateFile(.companyHead).path
        let resolved = arguments.map { $0 == "K" ? key : $0 == "C" ? certificate : $0 }
        let result = try runProcess(Self.tanba, resolved)
        #expect(result.status == 2, "\(result)")
        #expect(result.error.contains("CONFIG_INVALID"), "\(result.error)")
    }

    @Test func refusesAKeyThatIsNotTheCertificatesWithKeyInvalid() throws {
        let result = try runProcess(
            Self.tanba,
            [
                "signer", "--port", "0", "--key", H.pki.keyFile(.companyHead).path, "--cert",
                H.pki.certificateFile(.companyAuthentication).path,
            ])
        #expect(result.status == 2)
        #expect(result.error.contains("KEY_INVALID"), "\(result.error)")
    }

    /// One line from a pipe, read byte by byte (the process goes on writing after it).
    static func readLine(_ handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if first == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
    }
}
