import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TanbaErrors
import TanbaIntegrations
import TanbaXML

/// `tanba-sim eaeu-send`: a partner state's system sending the hub a goods message for a Kazakh receiver
/// (P.LS.03 arrival), signed with the partner's key, as SOAP 1.1 with WS-Addressing to `POST /eaeu/soap`.
///
/// Prints one JSON line per request sent: the HTTP status, the processing result (accepted, code, description,
/// its EDocRefId) or the fault's text, and the codes the message named. Exit status 0 when every answer accepted
/// the message, 1 otherwise.
struct EAEUSendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eaeu-send",
        abstract: "A partner state's system sending the hub a signed P.LS.03 goods message (an arrival).")

    @Option(help: "The hub's base URL, e.g. http://127.0.0.1:8080.") var hub: String
    @Option(help: "The partner system's PEM key.") var key: String
    @Option(help: "The partner system's PEM certificate (the one the hub pins for the country).") var cert: String
    @Option(help: "The sender's member state: RU, BY, KG or AM.") var country = "RU"
    @Option(name: .customLong("tax-id"), help: "The sender's taxpayer number in its country.") var taxId =
        "7707083893"
    @Option(help: "The Kazakh receiver's BIN or IIN.") var receiver: String
    @Option(help: "The goods' GTIN (14 digits).") var gtin: String
    @Option(help: "How many new units to send (random serials), unless --code is given.") var count = 3
    @Option(help: "A unit's identification code (01 + GTIN + 21 + serial); repeat for several.") var code: [String] =
        []
    @Option(name: .customLong("edoc-id"), help: "The message's EDocId (default: a new UUID).") var edocId: String?
    @Option(name: .customLong("ref-id"), help: "EDocRefId: an earlier message this one refers to.") var refId: String?
    @Option(help: "Send the same request this many times (a partner retrying).") var times = 1
    @Flag(help: "Leave the message unsigned (to see the hub refuse it).") var unsigned = false

    func validate() throws {
        guard EAEUCountry(rawValue: country) != nil else { throw ValidationError("--country is RU, BY, KG or AM") }
        guard times >= 1, count >= 1 else { throw ValidationError("--times and --count are at least 1") }
    }

    func run() throws {
        let codes =
            code.isEmpty
            ? (0..<count).map { _ in
                "01\(gtin)21" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(13))
            } : code
        let arrival = EAEUArrival(
            edocId: edocId ?? UUID().uuidString.lowercased(), edocRefId: refId,
            sourceDocumentId: "SIM-\(Date().timeIntervalSince1970)",
            dateTime: Date(), senderCountry: EAEUCountry(rawValue: country)!, senderTaxId: taxId,
            senderName: "Partner sender", receiverBIN: receiver, receiverName: "Kazakh receiver",
            documentNumber: "SIM-1", documentDate: Self.today(), lines: [.init(gtin: gtin, codes: codes)])
        var message = EAEUMessages.arrival(arrival)
        if !unsigned {
            message = try DocumentSigner(
                keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert)
            ).sign(message)
        }
        let envelope = SOAPEnvelope.wrap(
            body: message,
            addressing: WSAddressing(
                messageID: WSAddressing.newMessageID(), action: EAEUMessages.departureAction, to: hub + "/eaeu/soap"))
        let url = hub + "/eaeu/soap"
        let lines = try blocking {
            var lines: [(String, Bool)] = []
            for _ in 0..<times { lines.append(try await Self.post(envelope, to: url, codes: codes)) }
            return lines
        }
        for (line, _) in lines { print(line) }
        if !lines.allSatisfy(\.1) { throw ExitCode(1) }
    }

    /// One request: its answer as a JSON line, and whether it accepted the message.
    static func post(_ envelope: [UInt8], to url: String, codes: [String]) async throws -> (String, Bool) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"\(EAEUMessages.departureAction)\"")
        request.body = .bytes(ByteBuffer(bytes: envelope))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = Array(buffer: try await response.body.collect(upTo: 16 << 20))
        var summary: [String: Any] = ["status": Int(response.status.code), "codes": codes]
        var accepted = false
        if let fault = try? SOAPFault.parse(body) {
            summary["fault"] = fault.faultString
        } else if let (_, content) = try? SOAPEnvelope.parse(body),
            let result = try? EAEUMessages.parseProcessingResult(content)
        {
            accepted = result.accepted
            summary["accepted"] = result.accepted
            summary["code"] = result.code
            summary["description"] = result.message ?? ""
            summary["refEdocId"] = result.refEdocId
        } else {
            summary["body"] = String(decoding: body.prefix(500), as: UTF8.self)
        }
        let json = try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys, .withoutEscapingSlashes])
        return (String(decoding: json, as: UTF8.self), accepted)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(secondsFromGMT: 5 * 3600)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        return formatter.string(from: Date())
    }
}
