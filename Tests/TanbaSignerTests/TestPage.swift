import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import TanbaBrowserTestSupport
import TanbaErrors

/// A static page served from 127.0.0.1 by an in-test Hummingbird server, the way the hub's pages will be: it asks
/// the signer on `wss://127.0.0.1:<port from ?port=>` to sign the challenge in `#challenge` with the key purpose in
/// `?oid=` and writes the signed XML into `#answer` (or the refusal into `#status`).
enum TestPage {
    /// The page's script: what a hub page does to sign through NCALayer (docs/SIGNER.md shows the same).
    static let script = """
        function signXML(xml, oids, port) {
          return new Promise(function (resolve, reject) {
            var socket = new WebSocket('wss://127.0.0.1:' + port + '/');
            socket.onopen = function () {
              socket.send(JSON.stringify({
                module: 'kz.gov.pki.knca.basics', method: 'sign',
                args: { allowedStorages: ['PKCS12'], format: 'xml', data: xml, signingParams: {},
                        signerParams: { extKeyUsageOids: oids, chain: [] }, locale: 'ru' }
              }));
            };
            socket.onmessage = function (event) {
              var answer = JSON.parse(event.data);
              if (answer.result && answer.result.version) return;  // NCALayer's greeting
              socket.close();
              if (answer.status === true && answer.body && answer.body.result) resolve(answer.body.result[0]);
              else if (answer.status === true) reject(new Error('CANCELLED'));
              else reject(new Error(answer.code + ': ' + answer.message));
            };
            socket.onerror = function () { reject(new Error('SIGNER_UNREACHABLE')); };
          });
        }
        document.getElementById('sign').addEventListener('click', function () {
          var query = new URLSearchParams(location.search);
          var status = document.getElementById('status');
          status.textContent = 'signing';
          signXML(document.getElementById('challenge').value, [query.get('oid')], query.get('port'))
            .then(function (signed) {
              document.getElementById('answer').value = signed;
              status.textContent = 'signed';
            })
            .catch(function (error) { status.textContent = 'error ' + error.message; });
        });
        """

    static func html(challenge: String) -> String {
        let escaped = challenge.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return """
            <!doctype html>
            <html lang="kk"><head><meta charset="utf-8"><title>Кіру — signer test</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body><h1>Қолтаңбамен кіру</h1>
            <label for="challenge">Challenge</label><textarea id="challenge" rows="4" cols="60">\(escaped)</textarea>
            <button id="sign" type="button">Қол қою</button>
            <p id="status">idle</p>
            <label for="answer">Signed</label><textarea id="answer" rows="8" cols="60"></textarea>
            <script>\(script)</script></body></html>
            """
    }

    /// Serves `html` at `/` on 127.0.0.1 (an ephemeral port) while `body` runs.
    static func withServer<T: Sendable>(
        html: String, _ body: @Sendable (_ origin: String) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "test-page") { _ in SwiftLogNoOpLogHandler() }
        let router = Router()
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        return try await withRunningService(application, ports: ports, logger: logger) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }
}
