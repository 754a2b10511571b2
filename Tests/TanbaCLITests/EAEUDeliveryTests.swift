import Foundation
import TanbaIntegrations
import TanbaStore
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// An accepted EAEU shipment reaches the partner's system: `tanba serve` delivers the outbox to `tanba-sim eaeu`,
/// both as processes. Failure modes: a message lost or sent twice when the receiver fails, lost when the hub is
/// killed in mid-delivery, or taken twice by the receiver after the hub sends it again.
@Suite(.blocking, .serialized) struct EAEUDeliveryTests {
    /// `tanba-sim`, built beside `tanba` (the same folder: only the last component differs).
    static let simulator: String = URL(fileURLWithPath: CLITests.tanba).deletingLastPathComponent()
        .appendingPathComponent("tanba-sim").path

    /// A store with the seller, two shoes in circulation, and their shipment to Kyrgyzstan accepted.
    static func acceptedShipment() throws -> (location: String, codes: [String]) {
        let registry = RegistryCLITests()
        try registry.registered()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-eaeu-\(UUID().uuidString).txt")
        let seller = ["--participant", "050140001238"]
        #expect(
            try registry.run(
                [
                    "codes", "order", "--gtin", "04870001000011", "--count", "2", "--format", "identification", "-o",
                    file.path,
                ]
                    + seller
            ).status == 0)
        #expect(try registry.run(["codes", "change", "apply", "@\(file.path)"] + seller).status == 0)
        #expect(try registry.run(["codes", "change", "introduce", "@\(file.path)"] + seller).status == 0)
        let codes = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <EaeuShipment xmlns="urn:kz:tanba:eaeu-shipment:1" version="1.0">
              <Header><DocumentNumber>EA-\(UUID().uuidString.prefix(8))</DocumentNumber><DocumentDate>2026-11-27</DocumentDate>
                <Sender><BIN>050140001238</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name><Address>Алматы</Address></Sender>
              </Header>
              <Buyer><Country>KG</Country><TaxID>02011199910245</TaxID><Name>ОсОО «Бишкек Азык Трейд»</Name></Buyer>
              <ShipmentDate>2026-11-27</ShipmentDate>
              <Lines><Line><GTIN>04870001000011</GTIN><Quantity>2</Quantity>
                <Items>\(codes.map { "<Code>\($0)</Code>" }.joined())</Items></Line></Lines>
            </EaeuShipment>
            """
        let unsigned = try Fixtures.temporaryFile(Array(xml.utf8), name: "eaeu.xml")
        let signed = unsigned.deletingLastPathComponent().appendingPathComponent("eaeu-signed.xml").path
        let pki = CLITests.pki
        #expect(
            try CLITests.run([
                "sign", "--key", pki.appendingPathComponent("participants/company-head.key.pem").path, "--cert",
                pki.appendingPathComponent("participants/company-head.cert.pem").path, "-o", signed, unsigned.path,
            ]).status == 0)
        let submitted = try registry.run([
            "submit", signed, "--trust", pki.appendingPathComponent("trust").path, "--crl",
            pki.appendingPathComponent("crl").path, "--hub-key",
            pki.appendingPathComponent("participants/hub.key.pem").path,
            "--hub-cert", pki.appendingPathComponent("participants/hub.cert.pem").path,
        ])
        #expect(submitted.status == 0, "\(submitted.output) \(submitted.error)")
        return (registry.store, codes)
    }

    static func simulator(_ extra: [String]) throws -> ServeProcess {
        try ServeProcess(
            [
                "eaeu", "--port", "0", "--trust", CLITests.pki.appendingPathComponent("participants/hub.cert.pem").path,
            ] + extra, executable: simulator)
    }

    static func received(_ simulator: ServeProcess) throws -> [String: Any] {
        let answer = try runProcess(
            "/usr/bin/curl", ["-sf", simulator.url + "/eaeu/received"], directory: CLITests.repository,
            environment: ProcessInfo.processInfo.environment)
        return try #require(try JSONSerialization.jsonObject(with: Data(answer.output.utf8)) as? [String: Any])
    }

    /// Waits until the store's one EAEU message is delivered (or `seconds` pass).
    static func delivered(_ store: any HubStore, within seconds: Double) throws -> QueuedMessage? {
        let deadline = Date() + seconds
        while Date() < deadline {
            if let message = try store.read({ try $0.queued(OutboxFilter(channel: "eaeu")) }).first,
                message.state != .pending
            {
                return message
            }
            blockingSleep(seconds: 0.1)
        }
        return nil
    }

    @Test func anAcceptedShipmentIsDeliveredOnceAfterTheReceiverFailedTwice() throws {
        let (location, codes) = try Self.acceptedShipment()
        let store = try TestBackend.open(location)
        let queued = try store.read { try $0.queued(OutboxFilter(channel: "eaeu")) }
        #expect(queued.count == 1 && queued[0].kind == "P.LS.03.MSG.001")
        // What is queued is the signed departure naming the codes shipped.
        let departure = try EAEUMessages.parseDeparture(try #require(queued.first).body)
        #expect(departure.lines.flatMap(\.codes).sorted() == codes.sorted() && departure.receiverCountry == .kyrgyzstan)
        #expect(departure.edocId == queued[0].idempotencyKey)

        let simulator = try Self.simulator(["--fail-first", "2"])
        defer { _ = simulator.stop() }
        let hub = try ServeProcess(
            ServeTests.arguments(port: 0, location: location) + [
                "--eaeu-endpoint", simulator.url + "/eaeu/soap", "--outbox-retry-base", "0.2",
            ])
        defer { _ = hub.stop() }
        let message = try #require(try Self.delivered(store, within: 30))
        #expect(message.state == .delivered && message.attempts == 2, "\(message.lastError ?? "")")
        #expect(
            message.reply.map { String(decoding: $0, as: UTF8.self).contains(EAEUMessages.resultNamespace) } == true)
        let received = try Self.received(simulator)
        let messages = try #require(received["messages"] as? [[String: Any]])
        #expect(
            messages.count == 1 && messages[0]["codes"] as? Int == 2
                && messages[0]["edocId"] as? String == departure.edocId)
        #expect(received["failed"] as? Int == 2 && received["duplicates"] as? Int == 0)
    }

    /// The hub is killed (SIGKILL) while the receiver holds its answer: the message was taken but never recorded
    /// as delivered. A new hub process sends it again once the dead one's lease runs out; the receiver answers the
    /// repeat from its first answer and takes the message once.
    @Test func aHubKilledInMidDeliveryLeavesTheMessageToTheNextWhichTheReceiverTakesOnce() throws {
        let (location, _) = try Self.acceptedShipment()
        let store = try TestBackend.open(location)
        let simulator = try Self.simulator(["--hold", "8"])
        defer { simulator.kill() }
        let delivery = [
            "--eaeu-endpoint", simulator.url + "/eaeu/soap", "--outbox-lease", "4", "--outbox-timeout", "3",
            "--outbox-retry-base", "0.2",
        ]
        let first = try ServeProcess(ServeTests.arguments(port: 0, location: location) + delivery)
        // The receiver has the message and holds its answer: the hub is in mid-delivery. Kill it.
        let deadline = Date() + 30
        while Date() < deadline, (try Self.received(simulator)["messages"] as? [Any])?.count != 1 {
            blockingSleep(seconds: 0.05)
        }
        first.kill()
        let pending = try store.read { try $0.queued(OutboxFilter(channel: "eaeu")) }
        #expect(pending.count == 1 && pending[0].state == .pending && pending[0].attempts == 0)

        let second = try ServeProcess(ServeTests.arguments(port: 0, location: location) + delivery)
        defer { _ = second.stop() }
        let message = try #require(try Self.delivered(store, within: 30))
        #expect(message.state == .delivered, "\(message.lastError ?? "")")
        let received = try Self.received(simulator)
        #expect((received["messages"] as? [Any])?.count == 1 && received["duplicates"] as? Int == 1, "\(received)")
    }
}
