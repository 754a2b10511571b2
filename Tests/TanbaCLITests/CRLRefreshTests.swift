import Foundation
import Logging
import TanbaErrors
import TanbaRevocation
import TanbaStoreTestSupport
import TanbaTestSupport
import TanbaXML
import Testing

/// The CRL refresh over HTTP against `tanba-sim crl` (a CA's distribution point as a process): a fresh CRL is put in
/// force and kept on disk; a malformed one, one signed by another CA, a replayed one and an unreachable point are each
/// refused with their code while the held CRL stays in force. And `tanba serve` with the refresh: a company head's
/// certificate revoked at the distribution point can no longer log in or submit.
@Suite(.blocking, .serialized) struct CRLRefreshTests {
    static let simulator: String = EAEUDeliveryTests.simulator
    static let pki = TestPKI(directory: CLITests.pki)

    /// A folder served by `tanba-sim crl`, and the simulator.
    static func distributionPoint() throws -> (folder: URL, server: ServeProcess) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-crl-dp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = try ServeProcess(["crl", "--folder", folder.path, "--port", "0"], executable: simulator)
        return (folder, server)
    }

    /// A copy of the shared PKI's CRL folder, which a refresh may write.
    static func crlFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-crl-held-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: CLITests.pki.appendingPathComponent("crl"), to: folder)
        return folder
    }

    /// Publishes `pem` as `<name>.crl`: written beside, then renamed, as a CA's web server would see it.
    static func publish(_ pem: String, as name: String, in folder: URL) throws {
        let temporary = folder.appendingPathComponent(".\(name).tmp")
        try Data(pem.utf8).write(to: temporary)
        #expect(rename(temporary.path, folder.appendingPathComponent("\(name).crl").path) == 0)
    }

    static func store(_ crl: URL) throws -> TrustStore {
        try TrustStore(caDirectory: CLITests.pki.appendingPathComponent("trust"), crlDirectory: crl)
    }

    static func verify(_ participant: TestPKI.Participant, with verifier: SignatureVerifier) throws -> ErrorCode? {
        let xml = try Data(contentsOf: CLITests.repository.appendingPathComponent("samples/shipment/valid.xml"))
        let signer = try DocumentSigner(
            keyFile: pki.keyFile(participant), certificateFile: pki.certificateFile(participant))
        do {
            _ = try verifier.verify(try XMLDocument.parse(try signer.sign(Array(xml))))
            return nil
        } catch let error as TanbaError {
            return error.code
        }
    }

    @Test func aRefreshedCRLRevokesAndEveryBadCRLIsRefusedWithItsCodeWhileTheHeldOneStays() async throws {
        let (published, server) = try Self.distributionPoint()
        defer { _ = server.stop() }
        let held = try Self.crlFolder()
        let anchor = TrustAnchor(try Self.store(held))
        let verifier = SignatureVerifier(trust: anchor)
        let url = "\(server.url)/intermediate-ca.crl"
        let refresher = CRLRefresher(trust: anchor, urls: [url], timeout: .seconds(5), logger: Logger(label: "test"))
        #expect(try Self.verify(.companyHead, with: verifier) == nil)

        func refusal() async -> CRLRefreshAttempt? { await refresher.refresh().first { $0.url == url } }
        let now = Date()
        let revoking = try Self.pki.revocationList(
            of: "intermediate-ca", revoking: [.revoked, .companyHead], thisUpdate: now - 60, nextUpdate: now + 86_400,
            number: 3)

        // Nothing published yet: 404.
        #expect(await refusal()?.code == .crlUnreachable)
        // Not a CRL.
        try Self.publish("not a CRL", as: "intermediate-ca", in: published)
        #expect(await refusal()?.code == .crlMalformed)
        // The intermediate's name, the root's key: signed by another CA.
        let rootKey = try PrivateKey(
            pem: Array(try Data(contentsOf: CLITests.pki.appendingPathComponent("ca/root-ca.key.pem"))))
        let intermediate = try Certificate.load(
            contentsOf: CLITests.pki.appendingPathComponent("trust/intermediate-ca.pem"))[0]
        let forged = try CertificateIssuer.revocationList(
            ca: intermediate, key: rootKey, revoking: [], thisUpdate: now, nextUpdate: now + 86_400, number: 9)
        try Self.publish(forged, as: "intermediate-ca", in: published)
        #expect(await refusal()?.code == .crlSignatureInvalid)
        // A CA the hub does not trust.
        let untrusted = try CertificateIssuer.revocationList(
            ca: try Certificate.load(
                contentsOf: CLITests.pki.appendingPathComponent("untrusted/untrusted-root-ca.pem"))[0],
            key: try PrivateKey(
                pem: Array(
                    try Data(contentsOf: CLITests.pki.appendingPathComponent("untrusted/untrusted-root-ca.key.pem")))),
            revoking: [], thisUpdate: now, nextUpdate: now + 86_400, number: 9)
        try Self.publish(untrusted, as: "intermediate-ca", in: published)
        #expect(await refusal()?.code == .crlIssuerUnknown)
        #expect(try Self.verify(.companyHead, with: verifier) == nil, "every refusal left the held CRL in force")

        // The real one: in force at once, and on disk for a restart.
        try Self.publish(revoking, as: "intermediate-ca", in: published)
        let updated = await refusal()
        #expect(updated?.result == .updated && updated?.crl?.number == "3")
        #expect(try Self.verify(.companyHead, with: verifier) == .certRevoked)
        #expect(try Self.verify(.companyEmployee, with: verifier) == nil)
        let restarted = SignatureVerifier(trustStore: try Self.store(held))
        #expect(try Self.verify(.companyHead, with: restarted) == .certRevoked)
        #expect(try Self.store(held).revocationListInfo.count == 4, "the new CRL replaced its predecessor's file")

        // The same CRL again: unchanged. An older one (number 2, even if issued later): a replay.
        #expect(await refusal()?.result == .unchanged)
        let older = try Self.pki.revocationList(
            of: "intermediate-ca", revoking: [], thisUpdate: now, nextUpdate: now + 86_400, number: 2)
        try Self.publish(older, as: "intermediate-ca", in: published)
        #expect(await refusal()?.code == .crlReplayed)
        #expect(try Self.verify(.companyHead, with: verifier) == .certRevoked, "the replay did not un-revoke")

        // A CRL beyond the size limit is not read to its end.
        let small = CRLRefresher(
            trust: anchor, urls: [url], timeout: .seconds(5), maximumBytes: 100, logger: Logger(label: "test"))
        #expect(await small.refresh().first?.code == .crlTooLarge)

        // The distribution point goes away: unreachable, the CRL in force stays.
        _ = server.stop()
        #expect(await refusal()?.code == .crlUnreachable)
        #expect(try Self.verify(.companyHead, with: verifier) == .certRevoked)

        // What `tanba pki crl-status` shows from the status file the refresher wrote.
        let status = try CLITests.run([
            "pki", "crl-status", "--trust", CLITests.pki.appendingPathComponent("trust").path, "--crl", held.path,
            "--json",
        ])
        #expect(status.status == 0, "\(status.error)")
        #expect(status.output.contains("CRL_UNREACHABLE") && status.output.contains("intermediate-ca.crl"))
    }

    /// `tanba serve` over a registered store, refreshing the CRLs held in `held` every half second from `urls`.
    static func serve(held: URL, urls: [String]) throws -> (hub: ServeProcess, folder: URL) {
        let registry = RegistryCLITests()
        try registry.registered()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tanba-crl-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var arguments = ServeTests.arguments(port: 0, location: registry.store)
        if let index = arguments.firstIndex(of: "--crl") { arguments[index + 1] = held.path }
        let hub = try ServeProcess(arguments + ["--crl-refresh", "0.5"] + urls.flatMap { ["--crl-url", $0] })
        return (hub, folder)
    }

    /// The company head submits a document signed now; nil when it is accepted, else the answer's body.
    static func submit(as token: String, hub: ServeProcess, folder: URL, number: String) throws -> String? {
        let signed = try DatabaseOutageTests.signed(
            DatabaseOutageTests.codeOrder(number: number), in: folder, name: number)
        let answer = try DatabaseOutageTests.curl([
            "-H", "Authorization: Bearer \(token)", "--data-binary", "@\(signed)", "\(hub.url)/v1/documents",
        ])
        return answer.status == "200" ? nil : "\(answer.status) \(answer.body)"
    }

    /// Waits (up to 30 s) until the refresher's status file says `url` was updated.
    static func waitForUpdate(of url: String?, in held: URL) -> Bool {
        let deadline = Date() + 30
        while Date() < deadline {
            blockingSleep(seconds: 0.3)
            let attempts = (try? CRLStatus.read(CRLStatus.file(in: held)))?.attempts ?? []
            if attempts.contains(where: { $0.result == .updated && (url == nil || $0.url == url) }) { return true }
        }
        return false
    }

    /// After a refresh revoked the head's certificate: its new document and its new login are refused as revoked.
    static func expectHeadRefused(token: String, hub: ServeProcess, folder: URL, number: String) throws {
        let refused = try submit(as: token, hub: hub, folder: folder, number: number)
        #expect(refused?.contains("CERT_REVOKED") == true, "\(String(describing: refused))")
        let challenge = try DatabaseOutageTests.curl(["-X", "POST", "\(hub.url)/v1/auth/challenge"])
        let document = try #require(
            (try JSONSerialization.jsonObject(with: Data(challenge.body.utf8)) as? [String: Any])?["document"]
                as? String)
        let signedChallenge = try DatabaseOutageTests.signed(document, in: folder, name: "challenge-\(number)")
        let login = try DatabaseOutageTests.curl(["--data-binary", "@\(signedChallenge)", "\(hub.url)/v1/auth/token"])
        #expect(login.status != "200", "\(login.status) \(login.body)")
        #expect(login.body.contains("CERT_REVOKED"), "\(login.body)")
    }

    @Test func aRevokedHeadCanNoLongerLogInOrSubmitOnceServeRefreshesTheCRL() throws {
        let (published, simulator) = try Self.distributionPoint()
        defer { _ = simulator.stop() }
        let held = try Self.crlFolder()
        let (hub, folder) = try Self.serve(held: held, urls: ["\(simulator.url)/intermediate-ca.crl"])
        defer { _ = hub.stop() }

        // Before: the head logs in and submits.
        let token = try DatabaseOutageTests.login(at: hub.url, folder: folder)
        #expect(try Self.submit(as: token, hub: hub, folder: folder, number: "ZK-CRL-1") == nil)

        // The CA publishes a CRL revoking the head's certificate; the hub picks it up within a refresh or two.
        let now = Date()
        try Self.publish(
            try Self.pki.revocationList(
                of: "intermediate-ca", revoking: [.revoked, .companyHead], thisUpdate: now - 60,
                nextUpdate: now + 86_400, number: 2),
            as: "intermediate-ca", in: published)
        #expect(Self.waitForUpdate(of: nil, in: held), "\(hub.output.text)")
        try Self.expectHeadRefused(token: token, hub: hub, folder: folder, number: "ZK-CRL-2")
    }

    @Test func aHeadRevokedOnlyInTheDeltaCRLCanNoLongerLogInOrSubmitOnceServeRefreshesIt() throws {
        let (published, simulator) = try Self.distributionPoint()
        defer { _ = simulator.stop() }
        let held = try Self.crlFolder()
        // NCA's pair of points: the daily full CRL and the hourly delta, both as --crl-url.
        let deltaURL = "\(simulator.url)/intermediate-ca-delta.crl"
        let (hub, folder) = try Self.serve(held: held, urls: ["\(simulator.url)/intermediate-ca.crl", deltaURL])
        defer { _ = hub.stop() }
        // The full point serves the full CRL the hub holds (number 1); the delta point nothing yet.
        try Self.publish(
            try String(contentsOf: held.appendingPathComponent("intermediate-ca.crl.pem"), encoding: .utf8),
            as: "intermediate-ca", in: published)

        let token = try DatabaseOutageTests.login(at: hub.url, folder: folder)
        #expect(try Self.submit(as: token, hub: hub, folder: folder, number: "ZK-DCRL-1") == nil)

        // The CA revokes the head's certificate in its next delta CRL (number 2, base 1); the full CRL is unchanged.
        let now = Date()
        try Self.publish(
            try Self.pki.revocationList(
                of: "intermediate-ca", revoking: [.companyHead], thisUpdate: now - 60, nextUpdate: now + 3600,
                number: 2, deltaOf: 1),
            as: "intermediate-ca-delta", in: published)
        #expect(Self.waitForUpdate(of: deltaURL, in: held), "\(hub.output.text)")
        try Self.expectHeadRefused(token: token, hub: hub, folder: folder, number: "ZK-DCRL-2")

        // `tanba pki crl-status` shows it as a delta, of which full CRL.
        let trust = CLITests.pki.appendingPathComponent("trust").path
        let status = try CLITests.run(["pki", "crl-status", "--trust", trust, "--crl", held.path])
        #expect(status.status == 0, "\(status.error)")
        #expect(status.output.contains("delta of 1, number 2"), "\(status.output)")
        // The refresher's log line says so too (one pass of `tanba pki crl-refresh` over a fresh copy; serve's log
        // goes to a standard error this test does not read).
        let pass = try CLITests.run([
            "pki", "crl-refresh", "--trust", trust, "--crl", try Self.crlFolder().path, "--crl-url", deltaURL,
        ])
        #expect(pass.status == 0, "\(pass.output) \(pass.error)")
        #expect(pass.error.contains("crl.kind=delta") && pass.error.contains("crl.base=1"), "\(pass.error)")
    }
}
