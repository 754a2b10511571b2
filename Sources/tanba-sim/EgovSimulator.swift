import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import TanbaDomain
import TanbaErrors
import TanbaIntegrations
import TanbaXML

/// `tanba-sim egov`: the e-government gateway's synchronous channel answering the registers' statuses from a JSON
/// file, read again for every request (a test "changes the register" by writing the file).
///
/// The file: `{"BIN or IIN": {"status": "ACTIVE" | "SUSPENDED" | "LIQUIDATED" | any other code, "name": "…"}}`. A
/// subject not in it is answered without a status (the register does not know it). `"*": {"answer": "ERR042"}`
/// makes every answer an error status instead. Answers are signed with `--key`/`--cert` (the certificate the hub pins
/// with `--register-cert`); without them they are unsigned, as a broken or forged gateway's would be.
struct EgovCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "egov", abstract: "The e-government gateway answering the registers' statuses (SyncChannel v10).")

    @Option(help: "Address to listen on: loopback only (127.0.0.1 or ::1).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, named in the listening line).") var port = 8091
    @Option(help: "The register: a JSON file of BIN/IIN → {status, name}, read for every request.") var registry: String
    @Option(help: "The gateway's PEM key: answers are signed with it (none: unsigned answers).") var key: String?
    @Option(help: "The gateway's PEM certificate (goes with --key).") var cert: String?
    @Option(
        name: .customLong("date-offset"),
        help: "Seconds added to the answers' responseDate, as a gateway with a wrong clock or replaying an old answer.")
    var dateOffset: Double = 0

    func validate() throws {
        try validateListening(host: host, port: port)
        guard (key == nil) == (cert == nil) else { throw ValidationError("--key and --cert go together") }
    }

    struct Entry: Decodable {
        var status: String?
        var name: String?
        var answer: String?
    }

    func run() throws {
        let file = URL(fileURLWithPath: registry)
        let signer = try key.map {
            try DocumentSigner(keyFile: URL(fileURLWithPath: $0), certificateFile: URL(fileURLWithPath: cert!))
        }
        let offset = dateOffset
        @Sendable func signed(_ bytes: [UInt8]) throws -> [UInt8] { try signer?.sign(bytes) ?? bytes }
        let router = Router()
        router.post("/egov/sync") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 16 << 20))
            func xml(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
                Response(
                    status: status, headers: [.contentType: "text/xml; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            let asked: (messageId: String, ids: [String])
            do { asked = try RegisterGateway.parseRequest(body) } catch {
                return xml(
                    .badRequest, SOAPFault.client("malformed request: \(EAEUSimulator.describe(error))").envelope())
            }
            guard let data = try? Data(contentsOf: file),
                let register = try? JSONDecoder().decode([String: Entry].self, from: data)
            else { return xml(.internalServerError, SOAPFault.server("the register file cannot be read").envelope()) }
            if let code = register["*"]?.answer {
                return xml(
                    .ok,
                    try signed(
                        RegisterGateway.response(
                            [], correlationId: asked.messageId, status: (code, "simulated error"),
                            at: Date() + offset)))
            }
            let subjects = asked.ids.map { id in
                RegisterGateway.Subject(
                    id: id, status: nil, code: register[id]?.status, name: register[id]?.name)
            }
            return xml(
                .ok, try signed(RegisterGateway.response(subjects, correlationId: asked.messageId, at: Date() + offset))
            )
        }
        try serveSimulator(router: router, host: host, port: port)
    }
}
