import Foundation
import TanbaTestSupport
import Testing

/// A partner state's system (`tanba-sim eaeu-send`, a process) sends goods messages to `tanba serve` (a process)
/// over SOAP. Failure modes: an arrival not introducing its codes, its repeat introducing them twice, an unsigned
/// or wrongly signed message changing anything, a refusal not audited.
@Suite(.blocking, .serialized) struct EAEUArrivalProcessTests {
    static let pki = CLITests.pki.appendingPathComponent("participants")
    /// Russia's system: a certificate of a CA the hub's trust store does not hold, pinned with --eaeu-partner.
    static let partnerKey = pki.appendingPathComponent("untrusted.key.pem").path
    static let partnerCert = pki.appendingPathComponent("untrusted.cert.pem").path
    static let receiver = "850315300128"

    static func send(_ hub: ServeProcess, _ extra: [String], key: String = partnerKey, cert: String = partnerCert)
        throws -> (status: Int32, answers: [[String: Any]])
    {
        let result = try runProcess(
            EAEUDeliveryTests.simulator,
            [
                "eaeu-send", "--hub", hub.url, "--key", key, "--cert", cert, "--receiver", receiver, "--gtin",
                "04870001000011",
            ] + extra, directory: CLITests.repository, environment: ProcessInfo.processInfo.environment)
        let answers = try result.output.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return (result.status, answers)
    }

    @Test func aPartnersMessageIntroducesItsCodesOnceAndBadOnesChangeNothing() throws {
        let registry = RegistryCLITests()
        try registry.registered()
        let hub = try ServeProcess(
            ServeTests.arguments(port: 0, location: registry.store) + ["--eaeu-partner", "RU=\(Self.partnerCert)"])
        defer { _ = hub.stop() }

        // Sent twice (a partner retrying): accepted both times, applied once.
        let sent = try Self.send(hub, ["--count", "3", "--times", "2"])
        #expect(sent.status == 0 && sent.answers.count == 2, "\(sent.answers)")
        #expect(sent.answers.allSatisfy { $0["status"] as? Int == 200 && $0["accepted"] as? Bool == true })
        #expect((sent.answers[1]["description"] as? String)?.contains("received before") == true)
        let codes = try #require(sent.answers[0]["codes"] as? [String])
        for code in codes {
            let history = try registry.run(["codes", "history", code, "--json"])
            #expect(history.status == 0, "\(history.error)")
            let events = try #require(
                try JSONSerialization.jsonObject(with: Data(history.output.utf8)) as? [[String: Any]])
            #expect(events.map { $0["operation"] as? String } == ["issue", "introduce"])
            #expect(
                events.last?["owner"] as? String == Self.receiver
                    && events.last?["status"] as? String == "inCirculation")
        }

        // Anyone checking such a unit learns it was registered by the partner state, imported by the receiver, from
        // Russia (the hub holds no key for a foreign tail: not "forged").
        let check = try runProcess(
            "/usr/bin/curl", ["-sf", hub.url + "/v1/public/check?code=" + codes[0]], directory: CLITests.repository,
            environment: ProcessInfo.processInfo.environment)
        let checked = try #require(try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any])
        #expect(checked["authenticity"] as? String == "registeredAbroad" && checked["genuine"] as? Bool == true)
        #expect(checked["status"] as? String == "inCirculation" && checked["country"] as? String == "RU")
        #expect(checked["importerBIN"] as? String == Self.receiver, "\(checked)")

        // Unsigned, signed by a Kazakh participant instead of Russia's system, and a state with no pinned system:
        // each refused in a processing result with its code.
        let refusals: [([String], String, String, String)] = [
            (["--unsigned"], Self.partnerKey, Self.partnerCert, "SIG_MISSING"),
            (
                [], Self.pki.appendingPathComponent("company-head.key.pem").path,
                Self.pki.appendingPathComponent("company-head.cert.pem").path, "CERT_UNTRUSTED"
            ),
            (["--country", "BY", "--tax-id", "190123456"], Self.partnerKey, Self.partnerCert, "EAEU_PARTNER_UNKNOWN"),
            (["--code", codes[0]], Self.partnerKey, Self.partnerCert, "EAEU_CODE_KNOWN"),
        ]
        for (extra, key, cert, code) in refusals {
            let refused = try Self.send(hub, extra, key: key, cert: cert)
            #expect(refused.status == 1, "\(code)")
            #expect(refused.answers.first?["accepted"] as? Bool == false, "\(code): \(refused.answers)")
            #expect(refused.answers.first?["code"] as? String == code, "\(refused.answers)")
            let untouched = try #require(refused.answers.first?["codes"] as? [String]).first!
            if untouched != codes[0] {
                #expect(try registry.run(["codes", "history", untouched]).status != 0, "\(code) introduced a code")
            }
        }
        // A request that is not a SOAP envelope: a Client fault, 400.
        let garbage = try runProcess(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data", "not xml", hub.url + "/eaeu/soap"],
            directory: CLITests.repository, environment: ProcessInfo.processInfo.environment)
        #expect(garbage.output == "400")

        // Every message is in the audit trail, refusals included, and the chain verifies.
        let audit = try registry.run(["audit", "search", "--action", "eaeu-receive", "--json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        #expect(entries.count == 7, "\(entries.map { $0["result"] ?? "" })")
        #expect(try registry.run(["audit", "verify"]).status == 0)
    }
}
