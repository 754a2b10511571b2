import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TanbaErrors
import TanbaXML

/// `tanba-sim ofd`: a fiscal data operator's system. It makes a batch of cash receipts from a file of codes (each
/// line of each receipt one code, in the file's order), signs it with the OFD's key and posts it to the hub's
/// `POST /v1/fiscal/receipts`; with `--repeat` it posts the very same bytes again, as an OFD does that got no
/// answer. One JSON line per post on standard output: `{"post": n, "status": http, "body": <the hub's answer>}`.
/// Exit status 0 when every post was answered 200, 1 otherwise.
struct OFDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofd",
        abstract: "A fiscal data operator posting signed batches of cash receipts (with marking codes) to the hub.")

    @Option(help: "The hub's base URL, e.g. http://127.0.0.1:8080.") var hub: String
    @Option(help: "The OFD's signing key (PEM), e.g. a test PKI's participants/ofd.key.pem.") var key: String
    @Option(help: "The OFD's certificate (PEM).") var cert: String
    @Option(help: "The OFD's BIN (the batch's Operator).") var ofd = "100740001231"
    @Option(help: "The seller's BIN or IIN on every receipt.") var seller: String
    @Option(help: "A file of codes, one a line, as a till scans them (bracketed GS1 form with the tail).")
    var codes: String
    @Option(help: "How many receipts.") var receipts = 1
    @Option(help: "Lines (codes) per receipt.") var lines = 1
    @Option(help: "sale or refund.") var kind = "sale"
    @Option(help: "The cash register's registration number (12 digits).") var register = "620300012345"
    @Option(
        name: .customLong("first-sign"),
        help: "The first receipt's fiscal sign (then counted up); default: from the clock, so runs do not repeat.")
    var firstSign: UInt64?
    @Option(help: "The batch id (default: from the clock).") var batch: String?
    @Flag(name: .customLong("repeat"), help: "Post the same batch a second time.") var repeatPost = false
    @Option(help: "Also write the signed batch to this file.") var out: String?

    func validate() throws {
        guard receipts > 0, lines > 0, lines <= 1000 else {
            throw ValidationError("--receipts is 1 or more, --lines 1 to 1000")
        }
        guard kind == "sale" || kind == "refund" else { throw ValidationError("--kind is sale or refund") }
        guard register.count == 12, register.allSatisfy(\.isNumber) else {
            throw ValidationError("--register is 12 digits")
        }
    }

    func run() throws {
        guard let text = FileManager.default.contents(atPath: codes).map({ String(decoding: $0, as: UTF8.self) })
        else { throw TanbaError(.fileUnreadable, "cannot read \(codes)") }
        let list = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard list.count >= receipts * lines else {
            throw ValidationError(
                "\(codes) has \(list.count) codes; \(receipts) receipts of \(lines) lines need \(receipts * lines)")
        }
        let now = Date()
        let batchID = batch ?? "SIM-\(UInt64(now.timeIntervalSince1970 * 1000))"
        let first = firstSign ?? UInt64(now.timeIntervalSince1970 * 1000) % 1_000_000_000_000
        let body = OFDBatch.xml(
            batch: batchID, ofd: ofd, register: register, firstSign: first, seller: seller, kind: kind,
            codes: Array(list.prefix(receipts * lines)), linesPerReceipt: lines, at: now)
        let signer = try DocumentSigner(
            keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert))
        let signed = try signer.sign(Array(body.utf8))
        if let out { try Data(signed).write(to: URL(fileURLWithPath: out)) }
        let url = (hub.hasSuffix("/") ? String(hub.dropLast()) : hub) + "/v1/fiscal/receipts"
        let posts = repeatPost ? 2 : 1
        let results = try OFDBatch.post(signed, to: url, times: posts)
        var allOK = true
        for (index, result) in results.enumerated() {
            // The answer on one line, whatever spacing the hub wrote it with.
            let compact =
                (try? JSONSerialization.jsonObject(with: Data(result.body.utf8))).flatMap {
                    try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])
                }.map { String(decoding: $0, as: UTF8.self) } ?? "null"
            let line = "{\"post\":\(index + 1),\"status\":\(result.status),\"body\":\(compact)}\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            allOK = allOK && result.status == 200
        }
        if !allOK { throw ExitCode(1) }
    }
}

/// The batch's XML and its delivery.
enum OFDBatch {
    /// A batch in `urn:kz:tanba:fiscal-receipts:1`: `codes` cut into receipts of `linesPerReceipt`, fiscal signs
    /// counted up from `firstSign`, prices made up.
    static func xml(
        batch: String, ofd: String, register: String, firstSign: UInt64, seller: String, kind: String,
        codes: [String], linesPerReceipt: Int, at date: Date
    ) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 5 * 3600)
        let time = formatter.string(from: date)
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <FiscalReceipts xmlns="urn:kz:tanba:fiscal-receipts:1" version="1.0">
              <BatchId>\(XMLText.escape(batch))</BatchId>
              <Operator>\(XMLText.escape(ofd))</Operator>
              <Receipts>

            """
        for (index, start) in stride(from: 0, to: codes.count, by: linesPerReceipt).enumerated() {
            text += """
                    <Receipt>
                      <Register><RegistrationNumber>\(register)</RegistrationNumber><SerialNumber>SIM-KKM-1</SerialNumber></Register>
                      <FiscalSign>\(firstSign + UInt64(index))</FiscalSign>
                      <DateTime>\(time)</DateTime>
                      <Seller>\(XMLText.escape(seller))</Seller>
                      <Kind>\(kind)</Kind>
                      <Lines>

                """
            for code in codes[start..<min(codes.count, start + linesPerReceipt)] {
                text +=
                    "          <Line><Code>\(XMLText.escape(code))</Code><Price>1250.00</Price><Quantity>1</Quantity></Line>\n"
            }
            text += "        </Lines>\n    </Receipt>\n"
        }
        return text + "  </Receipts>\n</FiscalReceipts>\n"
    }

    /// Posts `body` `times` times, one after the other: each answer's status and body.
    static func post(_ body: [UInt8], to url: String, times: Int) throws -> [(status: UInt, body: String)] {
        do {
            return try blocking {
                let client = HTTPClient(eventLoopGroupProvider: .singleton)
                var results: [Answer] = []
                do {
                    for _ in 0..<times {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/xml; charset=utf-8")
                        request.body = .bytes(ByteBuffer(bytes: body))
                        let response = try await client.execute(request, timeout: .seconds(120))
                        let answer = try await response.body.collect(upTo: 64 << 20)
                        results.append(Answer(status: response.status.code, body: String(buffer: answer)))
                    }
                } catch {
                    try? await client.shutdown()
                    throw error
                }
                try? await client.shutdown()
                return results
            }.map { ($0.status, $0.body) }
        } catch {
            throw TanbaError(.configInvalid, "cannot post to \(url): \(error)")
        }
    }

    /// One answer, as the posting task hands it back.
    struct Answer: Sendable {
        let status: UInt
        let body: String
    }
}
