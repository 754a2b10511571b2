import Foundation
import TanbaStoreTestSupport
import TanbaTestSupport
import Testing

/// A hub on PostgreSQL whose database server stops under load and comes back: clients are told to come back
/// later (503, Retry-After, problem+json `STORE_UNAVAILABLE` naming no SQL and no host), and once the server is
/// back every acknowledged document is there, nothing was applied twice and the audit chain holds.
@Suite(.blocking) struct DatabaseOutageTests {
    static let script = CLITests.repository.appendingPathComponent("scripts/postgres.sh").path

    /// A server of this test's own (`scripts/postgres.sh`): stopping the suite's shared one would fail every
    /// other test running at the same time.
    final class PrivateServer {
        let url: String
        let folder: String

        init() throws {
            let started = try runProcess("/bin/bash", [DatabaseOutageTests.script, "start"])
            var exports: [String: String] = [:]
            for line in started.output.split(separator: "\n") where line.hasPrefix("export ") {
                let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { exports[String(pair[0])] = String(pair[1]) }
            }
            guard let url = exports["TANBA_TEST_POSTGRES"], let folder = exports["TANBA_TEST_POSTGRES_DIR"] else {
                throw BackendUnavailable(reason: "scripts/postgres.sh start: \(started.error)")
            }
            self.url = url
            self.folder = folder
        }

        /// `halt` (pg_ctl stop -m fast), `resume` or `stop`.
        @discardableResult
        func run(_ command: String) throws -> Int32 {
            var environment = ProcessInfo.processInfo.environment
            environment["TANBA_TEST_POSTGRES_DIR"] = folder
            return try runProcess("/bin/bash", [DatabaseOutageTests.script, command], environment: environment).status
        }
    }

    /// An HTTP answer: status, headers (lower-cased names), body.
    struct Answer: Sendable {
        let status: String
        let headers: [String: String]
        let body: String
    }

    static func curl(_ arguments: [String]) throws -> Answer {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-curl-\(UUID().uuidString)")
        let body = base.appendingPathExtension("body")
        let headers = base.appendingPathExtension("headers")
        let result = try runProcess(
            "/usr/bin/curl", ["-s", "-m", "60", "-o", body.path, "-D", headers.path, "-w", "%{http_code}"] + arguments)
        var fields: [String: String] = [:]
        for line in ((try? String(contentsOf: headers, encoding: .utf8)) ?? "").split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2 {
                fields[pair[0].lowercased()] = pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return Answer(
            status: result.output, headers: fields, body: (try? String(contentsOf: body, encoding: .utf8)) ?? "")
    }

    static func codeOrder(number: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <CodeOrder xmlns="urn:kz:tanba:code-order:1" version="1.0">
          <Header>
            <DocumentNumber>\(number)</DocumentNumber>
            <DocumentDate>2026-11-20</DocumentDate>
            <Sender><BIN>050140001238</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name><Address>Алматы</Address></Sender>
          </Header>
          <Lines><Line><GTIN>04870001000011</GTIN><Quantity>2</Quantity></Line></Lines>
        </CodeOrder>

        """
    }

    /// Signs `xml` as the seller's head; returns the signed file.
    static func signed(_ xml: String, in folder: URL, name: String) throws -> String {
        let participants = CLITests.pki.appendingPathComponent("participants")
        let input = folder.appendingPathComponent("\(name).xml")
        try Data(xml.utf8).write(to: input)
        let output = folder.appendingPathComponent("\(name)-signed.xml").path
        let result = try CLITests.run([
            "sign", "--key", participants.appendingPathComponent("company-head.key.pem").path, "--cert",
            participants.appendingPathComponent("company-head.cert.pem").path, "-o", output, input.path,
        ])
        #expect(result.status == 0, "\(result.error)")
        return output
    }

    /// A bearer token for the seller's head, by the signed-challenge login.
    static func login(at hub: String, folder: URL) throws -> String {
        let challenge = try curl(["-X", "POST", "\(hub)/v1/auth/challenge"])
        let document = try #require(
            (try JSONSerialization.jsonObject(with: Data(challenge.body.utf8)) as? [String: Any])?["document"]
                as? String)
        let signedChallenge = try signed(document, in: folder, name: "challenge")
        let login = try curl(["--data-binary", "@\(signedChallenge)", "\(hub)/v1/auth/token"])
        #expect(login.status == "200", "\(login.body)")
        return try #require(
            (try JSONSerialization.jsonObject(with: Data(login.body.utf8)) as? [String: Any])?["token"] as? String)
    }

    @Test(.enabled(if: TestBackend.server != nil))
    func theDatabaseStoppedUnderLoadGives503AndLosesNoAcknowledgedDocumentAndAppliesNoneTwice() throws {
        let server = try PrivateServer()
        defer { _ = try? server.run("stop") }
        let registry = RegistryCLITests(store: server.url)
        try registry.registered()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tanba-outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let documents = try (0..<13).map {
            try Self.signed(Self.codeOrder(number: "ZK-OUT-\($0)"), in: folder, name: "zk-\($0)")
        }
        let hub = try ServeProcess(ServeTests.arguments(port: 0, location: server.url))
        defer { _ = hub.stop() }
        let token = try Self.login(at: hub.url, folder: folder)
        let url = hub.url
        @Sendable func post(_ file: String) throws -> Answer {
            try Self.curl(["-H", "Authorization: Bearer \(token)", "--data-binary", "@\(file)", "\(url)/v1/documents"])
        }

        // Two clients submit six documents each, one after another, while the server is stopped under them.
        let answers = OutageAnswers()
        let acknowledged = DispatchSemaphore(value: 0)
        let clients = DispatchGroup()
        for client in 0..<2 {
            clients.enter()
            Thread {
                for index in stride(from: client, to: 12, by: 2) {
                    let answer = (try? post(documents[index])) ?? Answer(status: "none", headers: [:], body: "")
                    answers.set(index, answer)
                    if answer.status == "200" { acknowledged.signal() }
                    blockingSleep(seconds: 0.15)
                }
                clients.leave()
            }.start()
        }
        for _ in 0..<3 {
            guard acknowledged.wait(timeout: .now() + 120) == .success else {
                clients.wait()
                Issue.record("no three documents acknowledged before the outage: \(answers.all)")
                return
            }
        }
        #expect(try server.run("halt") == 0)
        // Submitted while the server is down, for certain.
        let refused = try post(documents[12])
        clients.wait()

        let unavailable = answers.all.compactMap { $0 }.filter { $0.status == "503" } + [refused]
        #expect(refused.status == "503", "\(refused)")
        let port = String(server.url.split(separator: ":").last?.split(separator: "/").first ?? "")
        for answer in unavailable {
            #expect(Int(answer.headers["retry-after"] ?? "") ?? 0 > 0, "\(answer.headers)")
            #expect(answer.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            #expect(answer.body.contains("STORE_UNAVAILABLE"), "\(answer.body)")
            for secret in ["127.0.0.1", port, "SELECT", "INSERT", "postgres", "tanba@", folder.path] {
                #expect(!answer.body.contains(secret), "\(secret) in \(answer.body)")
            }
        }
        for answer in answers.all.compactMap({ $0 }) {
            #expect(["200", "503"].contains(answer.status), "\(answer)")
        }

        #expect(try server.run("resume") == 0)
        // Every document again: those acknowledged before get their original receipt (a repeat, not a second
        // application); the rest are applied now, once.
        for (index, document) in documents.enumerated() {
            var again = try post(document)
            for _ in 0..<20 where again.status == "503" {
                blockingSleep(seconds: 0.5)
                again = try post(document)
            }
            #expect(again.status == "200", "ZK-OUT-\(index): \(again)")
            if let first = answers.all[safe: index], let first, first.status == "200" {
                #expect(again.body == first.body, "ZK-OUT-\(index): another receipt after the outage")
            }
        }
        #expect(hub.stop() == 0)
        let list = try CLITests.run([
            "documents", "list", "--sender", "050140001238", "--type", "codeOrder", "--store", server.url, "--json",
        ])
        #expect(list.output.components(separatedBy: "\"ZK-OUT-").count - 1 == documents.count, "\(list.output)")
        let verified = try CLITests.run(["audit", "verify", "--store", server.url])
        #expect(verified.status == 0 && verified.output.contains("intact"), "\(verified.output) \(verified.error)")
    }
}

/// The answers of the racing clients, by document.
final class OutageAnswers: @unchecked Sendable {
    private let lock = NSLock()
    private var values = [DatabaseOutageTests.Answer?](repeating: nil, count: 13)
    func set(_ index: Int, _ value: DatabaseOutageTests.Answer) { lock.withLock { values[index] = value } }
    var all: [DatabaseOutageTests.Answer?] { lock.withLock { values } }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
