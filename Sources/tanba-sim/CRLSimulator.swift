import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import TanbaErrors

/// `tanba-sim crl`: a CA's CRL distribution point. `GET /<name>.crl` answers the file `<name>.crl` of the folder as it
/// is at that moment, so a test "publishes" a new CRL by replacing the file (write, then rename).
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "A CRL distribution point serving GET /<name>.crl from a folder (replace a file to publish).")

    @Option(help: "Folder of the CRL files served (`<name>.crl`, PEM or DER, served as they are).") var folder: String
    @Option(help: "Address to listen on: loopback only (127.0.0.1 or ::1).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, named in the listening line).") var port = 8091
    @Option(
        name: .customLong("fail-first"), help: "Answer the first N requests 503, as an unavailable distribution point.")
    var failFirst = 0

    func validate() throws {
        try validateListening(host: host, port: port, failFirst: failFirst)
    }

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TanbaError(.configInvalid, "the CRL folder \(folder) does not exist")
        }
        let root = URL(fileURLWithPath: folder)
        let failures = Countdown(failFirst)
        let router = Router()
        router.get("/:name") { _, context -> Response in
            let name = context.parameters.get("name") ?? ""
            if failures.take() {
                return Response(status: .serviceUnavailable)
            }
            // Only plain `<name>.crl` in the folder itself: no path, no hidden file.
            guard name.hasSuffix(".crl"), !name.hasPrefix("."), !name.contains("/"),
                let data = FileManager.default.contents(atPath: root.appendingPathComponent(name).path)
            else { return Response(status: .notFound) }
            return Response(
                status: .ok, headers: [.contentType: "application/pkix-crl"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        try serveSimulator(router: router, host: host, port: port)
    }
}

/// The 503s still to answer.
private final class Countdown: Sendable {
    private let remaining: Mutex<Int>
    init(_ count: Int) { remaining = Mutex(count) }

    /// Whether this request is one of them.
    func take() -> Bool {
        remaining.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
    }
}
