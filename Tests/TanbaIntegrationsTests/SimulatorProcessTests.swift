import Foundation
import TanbaErrors
import TanbaIntegrations
import TanbaTestSupport
import TanbaXML
import Testing

/// `tanba-sim eaeu` as a real process on loopback, driven over HTTP with curl as a partner's client would be.
///
/// Failure modes exercised: a receiver that is down (503 for the first `--fail-first` requests), a message sent
/// again after its answer was lost (a duplicate MessageID: the first answer again, counted, not recorded twice), an
/// unsigned message and one signed by someone else than the pinned hub (`unsigned`, `wrong signer`), and an envelope
/// without its MessageID (a Fault naming it).
@Suite(.blocking, .serialized) struct SimulatorProcessTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The binary SwiftPM built next to this test bundle.
    static let binary: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("tanba-sim").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return repository.appendingPathComponent(".build/debug/tanba-sim").path
    }()

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// 503, 503, then 200 with an accepted result relating to the request; the same message again gets the same
    /// answer byte for byte and counts as a duplicate; the record file holds one line.
    @Test func failingReceiverThenDuplicate() throws {
        let folder = try Self.folder()
        let record = folder.appendingPathComponent("received.jsonl")
        let simulator = try Simulator([
            "eaeu", "--port", "0", "--fail-first", "2", "--trust", Fixtures.pki.certificateFile(.hub).path,
            "--record", record.path,
        ])
        defer { #expect(simulator.stop() == 0) }
        let messageID = WSAddressing.newMessageID()
        let envelope = SOAPEnvelope.wrap(
            body: try Fixtures.signedDeparture(),
            addressing: WSAddressing(
                messageID: messageID, action: EAEUMessages.departureAction, to: simulator.url + "/eaeu/soap"))
        #expect(try simulator.post(envelope, in: folder).status == 503)
        #expect(try simulator.post(envelope, in: folder).status == 503)
        let accepted = try simulator.post(envelope, in: folder)
        #expect(accepted.status == 200, "\(Fixtures.string(accepted.body))")
        let (addressing, body) = try SOAPEnvelope.parse(accepted.body)
        #expect(addressing.relatesTo == messageID)
        #expect(addressing.action == EAEUMessages.resultAction)
        #expect(addressing.messageID != messageID && addressing.messageID.hasPrefix("urn:uuid:"))
        let result = try EAEUMessages.parseProcessingResult(body)
        #expect(result.accepted && result.refEdocId == Fixtures.departure().edocId)

        let again = try simulator.post(envelope, in: folder)
        #expect(again.status == 200)
        #expect(again.body == accepted.body, "a duplicate gets the first answer")

        let received = try simulator.received(in: folder)
        #expect(received.duplicates == 1 && received.failed == 2)
        #expect(received.messages.count == 1)
        #expect(received.messages.first?.messageID == messageID)
        #expect(received.messages.first?.codes == 3)
        let lines = try String(contentsOf: record, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(messageID))
    }

    /// A restarted simulator reads its record file: a message it accepted before is a duplicate with the same
    /// answer.
    @Test func recordSurvivesRestart() throws {
        let folder = try Self.folder()
        let record = folder.appendingPathComponent("received.jsonl")
        let envelope = SOAPEnvelope.wrap(
            body: try Fixtures.signedDeparture(),
            addressing: WSAddressing(
                messageID: WSAddressing.newMessageID(), action: EAEUMessages.departureAction, to: "urn:sim"))
        let first = try Simulator(["eaeu", "--port", "0", "--record", record.path])
        let answer = try first.post(envelope, in: folder)
        #expect(first.stop() == 0)
        let second = try Simulator(["eaeu", "--port", "0", "--record", record.path])
        defer { _ = second.stop() }
        let again = try second.post(envelope, in: folder)
        #expect(again.status == 200 && again.body == answer.body)
        let received = try second.received(in: folder)
        #expect(received.duplicates == 1 && received.messages.count == 1)
    }

    /// Refusals are SOAP Faults with HTTP 400 and a faultstring saying which: nothing is recorded.
    @Test func faults() throws {
        let folder = try Self.folder()
        let simulator = try Simulator(["eaeu", "--port", "0", "--trust", Fixtures.pki.certificateFile(.hub).path])
        defer { _ = simulator.stop() }
        func send(_ body: [UInt8]) throws -> (status: Int, fault: SOAPFault?) {
            let envelope = SOAPEnvelope.wrap(
                body: body,
                addressing: WSAddressing(
                    messageID: WSAddressing.newMessageID(), action: EAEUMessages.departureAction, to: "urn:sim"))
            let answer = try simulator.post(envelope, in: folder)
            return (answer.status, try SOAPFault.parse(answer.body))
        }
        let unsigned = try send(EAEUMessages.departure(Fixtures.departure()))
        #expect(unsigned.status == 400 && unsigned.fault?.faultString == "unsigned")
        let other = try send(try Fixtures.signedDeparture(by: .companyHead))
        #expect(other.status == 400 && other.fault?.faultString == "wrong signer")

        let noMessageID = Fixtures.string(
            SOAPEnvelope.wrap(
                body: try Fixtures.signedDeparture(),
                addressing: WSAddressing(messageID: "urn:uuid:x", action: EAEUMessages.departureAction, to: "urn:sim"))
        ).replacingOccurrences(of: "<wsa:MessageID>urn:uuid:x</wsa:MessageID>", with: "")
        let missing = try simulator.post(Fixtures.bytes(noMessageID), in: folder)
        #expect(missing.status == 400)
        let fault = try SOAPFault.parse(missing.body)
        #expect(fault?.isClientFault == true)
        #expect(
            fault?.faultString.contains("SOAP_ENVELOPE_INVALID at /Envelope/Header/MessageID") == true,
            "\(String(describing: fault))")
        #expect(try simulator.received(in: folder).messages.isEmpty)
    }
}

/// A running `tanba-sim`, its port read from the listening line.
final class Simulator: ListeningProcess, @unchecked Sendable {
    init(_ arguments: [String]) throws { try super.init(SimulatorProcessTests.binary, arguments) }

    /// POSTs an envelope as text/xml; the status and the answer's bytes.
    func post(_ envelope: [UInt8], in folder: URL) throws -> (status: Int, body: [UInt8]) {
        let request = folder.appendingPathComponent("request-\(UUID().uuidString).xml")
        let answer = folder.appendingPathComponent("answer-\(UUID().uuidString)")
        try Data(envelope).write(to: request)
        let result = try runProcess(
            "/usr/bin/curl",
            [
                "-sS", "-o", answer.path, "-w", "%{http_code}", "-H", "Content-Type: text/xml; charset=utf-8",
                "--data-binary", "@" + request.path, url + "/eaeu/soap",
            ])
        return (Int(result.output) ?? -1, Array((try? Data(contentsOf: answer)) ?? Data()))
    }

    struct Received: Decodable {
        struct Message: Decodable {
            var messageID: String
            var edocId: String
            var codes: Int
        }
        var messages: [Message]
        var duplicates: Int
        var failed: Int
    }

    func received(in folder: URL) throws -> Received {
        let result = try runProcess("/usr/bin/curl", ["-sS", url + "/eaeu/received"])
        return try JSONDecoder().decode(Received.self, from: Data(result.output.utf8))
    }
}
