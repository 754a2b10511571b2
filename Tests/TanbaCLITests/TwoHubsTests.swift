import Foundation
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// Two `tanba serve` processes on one store (an SQLite file, a PostgreSQL database), as a hub at scale runs: a participant logs in at one and works at the
/// other, and two conflicting shipments of the same codes posted to the two hubs at once have exactly one winner;
/// the audit trail both wrote stays one chain.
@Suite(.blocking) struct TwoHubsTests {
    /// Runs curl, returns (HTTP status, body).
    static func curl(_ arguments: [String]) throws -> (status: String, body: String) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-curl-\(UUID().uuidString)")
        let result = try runProcess("/usr/bin/curl", ["-s", "-o", out.path, "-w", "%{http_code}"] + arguments)
        let body = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        return (result.output, body)
    }

    @Test(arguments: TestBackend.available)
    func conflictingShipmentsAtTwoHubsOnOneStoreHaveOneWinner(_ backend: TestBackend) throws {
        let registry = RegistryCLITests(store: try backend.makeLocation())
        let (signedA, _, _) = try registry.signedShipment()
        // The second shipment: the same codes under another number.
        let folder = URL(fileURLWithPath: signedA).deletingLastPathComponent()
        let unsigned = try String(contentsOf: folder.appendingPathComponent("esd.xml"), encoding: .utf8)
            .replacingOccurrences(of: "ESD-2026/0001", with: "ESD-2026/0002")
        let unsignedB = folder.appendingPathComponent("esd-b.xml")
        try Data(unsigned.utf8).write(to: unsignedB)
        let signedB = folder.appendingPathComponent("esd-b-signed.xml").path
        let participants = CLITests.pki.appendingPathComponent("participants")
        func sign(_ input: String, _ output: String) throws {
            let signed = try CLITests.run([
                "sign", "--key", participants.appendingPathComponent("company-head.key.pem").path, "--cert",
                participants.appendingPathComponent("company-head.cert.pem").path, "-o", output, input,
            ])
            #expect(signed.status == 0, "\(signed.error)")
        }
        try sign(unsignedB.path, signedB)

        let arguments = ServeTests.arguments(port: 0, location: registry.store)
        let one = try ServeProcess(arguments)
        let two = try ServeProcess(arguments)
        defer {
            _ = one.stop()
            _ = two.stop()
        }
        // Log in at one hub, with the challenge the other issued.
        let challenge = try Self.curl(["-X", "POST", "\(one.url)/v1/auth/challenge"])
        let document = try #require(
            (try JSONSerialization.jsonObject(with: Data(challenge.body.utf8)) as? [String: Any])?["document"]
                as? String)
        let challengeFile = folder.appendingPathComponent("challenge.xml")
        try Data(document.utf8).write(to: challengeFile)
        let signedChallenge = folder.appendingPathComponent("challenge-signed.xml").path
        try sign(challengeFile.path, signedChallenge)
        let login = try Self.curl(["--data-binary", "@\(signedChallenge)", "\(two.url)/v1/auth/token"])
        #expect(login.status == "200", "\(login.body)")
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["token"] as? String)

        // Both shipments at once, one to each hub.
        let answers = TwoAnswers()
        let posted = DispatchGroup()
        for (index, (hub, file)) in [(one, signedA), (two, signedB)].enumerated() {
            let url = hub.url
            posted.enter()
            Thread {
                let answer = try? Self.curl([
                    "-H", "Authorization: Bearer \(token)", "--data-binary", "@\(file)", "\(url)/v1/documents",
                ])
                answers.set(index, answer?.status ?? "none")
                posted.leave()
            }.start()
        }
        posted.wait()
        let statuses = answers.all.sorted()
        #expect(statuses == ["200", "422"], "\(statuses)")

        #expect(one.stop() == 0 && two.stop() == 0)
        let verified = try CLITests.run(["audit", "verify", "--store", registry.store])
        #expect(verified.status == 0 && verified.output.contains("intact"), "\(verified.output) \(verified.error)")
        let outbox = try CLITests.run([
            "documents", "list", "--sender", "050140001238", "--status", "waitingForCounterparty", "--store",
            registry.store, "--json",
        ])
        #expect(outbox.output.components(separatedBy: "\"ESD-2026/000").count - 1 == 1, "\(outbox.output)")
    }
}

/// The answers of two racing requests.
final class TwoAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var values = ["", ""]
    func set(_ index: Int, _ value: String) { lock.withLock { values[index] = value } }
    var all: [String] { lock.withLock { values } }
}
