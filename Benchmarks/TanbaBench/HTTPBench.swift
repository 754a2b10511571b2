import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import TanbaHTTP
import TanbaXML

/// Accepted documents per second over HTTP on loopback and the latency each client saw.
struct HTTPFigures {
    let rate: Double
    let p50: Double
    let p99: Double
    /// CPU time of the whole process (server and client) per document, in ms: steadier than the rate on a
    /// shared machine, and the rate's ceiling is cores / this.
    let cpuPerDocument: Double
}

/// Starts `api` on `port`, logs in as `signer`'s participant by signature, then `clients` concurrent connections
/// post `documents` (each must be accepted). Synchronous for the benchmark's top-level code.
func measureHTTP(api: HubAPI, signer: DocumentSigner, documents: [[UInt8]], port: Int, clients: Int) throws
    -> HTTPFigures
{
    let box = UncheckedBox(ResultSlot())
    let done = DispatchSemaphore(value: 0)
    let server = api.application(host: "127.0.0.1", port: port)
    // The server lives until the process ends: the benchmark is a short-lived process. A port already taken (by
    // another tanba-bench still running) must stop the run: the client would measure that other hub.
    Task {
        do { try await server.runService() } catch { fatalError("the hub cannot serve on port \(port): \(error)") }
    }
    Task {
        do {
            box.value.figures = try await drive(
                base: "http://127.0.0.1:\(port)", signer: signer, documents: documents, clients: clients)
        } catch { box.value.error = error }
        done.signal()
    }
    done.wait()
    if let error = box.value.error { throw error }
    return box.value.figures!
}

final class ResultSlot: @unchecked Sendable {
    var figures: HTTPFigures?
    var error: (any Error)?
}

private func drive(base: String, signer: DocumentSigner, documents: [[UInt8]], clients: Int) async throws
    -> HTTPFigures
{
    let client = HTTPClient.shared
    func post(_ path: String, _ body: [UInt8], token: String? = nil) async throws -> (UInt, [UInt8]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/xml")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        let answer = try await response.body.collect(upTo: 16 << 20)
        return (response.status.code, Array(answer.readableBytesView))
    }
    // Wait for the listener.
    var ready = false
    for _ in 0..<100 where !ready {
        ready =
            (try? await client.execute(HTTPClientRequest(url: base + "/healthz"), timeout: .seconds(1)))?
            .status == .ok
        if !ready { try await Task.sleep(for: .milliseconds(50)) }
    }
    precondition(ready, "the hub did not start on \(base)")
    let token = try await login(base: base, signer: signer)

    var usageBefore = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usageBefore)
    let start = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for lane in 0..<clients {
            group.addTask {
                var mine: [Double] = []
                for index in stride(from: lane, to: documents.count, by: clients) {
                    let sent = ContinuousClock.now
                    let (status, body) = try await post("/v1/documents", documents[index], token: token)
                    let elapsed = sent.duration(to: .now)
                    precondition(status == 200, "HTTP \(status): \(String(decoding: body, as: UTF8.self))")
                    mine.append(
                        Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await lane in group { all += lane }
        return all.sorted()
    }
    let total = start.duration(to: .now)
    var usageAfter = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usageAfter)
    func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1e3 + Double(t.tv_usec) / 1e3 }
    let cpu = ms(usageAfter.ru_utime) + ms(usageAfter.ru_stime) - ms(usageBefore.ru_utime) - ms(usageBefore.ru_stime)
    FileHandle.standardError.write(
        Data(
            "cpu per document: \(cpu / Double(documents.count)) ms (user \((ms(usageAfter.ru_utime) - ms(usageBefore.ru_utime)) / Double(documents.count)))\n"
                .utf8))
    let seconds = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
    return HTTPFigures(
        rate: Double(documents.count) / seconds, p50: latencies[latencies.count / 2],
        p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
        cpuPerDocument: cpu / Double(documents.count))
}

/// A bearer token for `signer`'s participant: the challenge, signed, traded at /v1/auth/token.
private func login(base: String, signer: DocumentSigner) async throws -> String {
    func post(_ path: String, _ body: [UInt8]) async throws -> (UInt, [UInt8]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        return (response.status.code, Array(try await response.body.collect(upTo: 1 << 20).readableBytesView))
    }
    let (_, challengeBody) = try await post("/v1/auth/challenge", [])
    let challenge = try JSONSerialization.jsonObject(with: Data(challengeBody)) as! [String: Any]
    let signed = try signer.sign(Array((challenge["document"] as! String).utf8))
    let (status, tokenBody) = try await post("/v1/auth/token", signed)
    precondition(status == 200, String(decoding: tokenBody, as: UTF8.self))
    return (try JSONSerialization.jsonObject(with: Data(tokenBody)) as! [String: Any])["token"] as! String
}

/// `login` for the benchmark's synchronous top-level code (the hub must be running on `base`).
func loginSynchronously(base: String, signer: DocumentSigner) throws -> String {
    let box = UncheckedBox(TokenSlot())
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.value.result = .success(try await login(base: base, signer: signer)) } catch {
            box.value.result = .failure(error)
        }
        done.signal()
    }
    done.wait()
    return try box.value.result!.get()
}

final class TokenSlot: @unchecked Sendable {
    var result: Result<String, any Error>?
}

/// What curl saw posting one document: the HTTP status, the receipt's result and curl's wall time until the whole
/// answer was in (`time_total`, seconds).
struct CurlFigures {
    let status: Int
    let accepted: Bool
    let total: Double
}

/// Posts `file` to `url` with curl as an ERP script would (`--data-binary @file`), with curl's default
/// `Expect: 100-continue` for large bodies, or with it switched off (`-H Expect:`).
func curlPost(_ curl: String, url: String, token: String, file: URL, expectContinue: Bool) throws -> CurlFigures {
    let answer = file.deletingPathExtension().appendingPathExtension("receipt.xml")
    var arguments = [
        "-sS", "-o", answer.path, "-w", "%{http_code} %{time_total}", "-H",
        "Authorization: Bearer \(token)", "-H", "Content-Type: application/xml", "--data-binary", "@\(file.path)",
    ]
    if !expectContinue { arguments += ["-H", "Expect:"] }
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: curl)
    process.arguments = arguments + [url]
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "curl exited \(process.terminationStatus): \(text)")
    let fields = text.split(separator: " ")
    let receipt = (try? String(contentsOf: answer, encoding: .utf8)) ?? ""
    return CurlFigures(
        status: Int(fields[0]) ?? 0, accepted: receipt.contains("<Result>accepted</Result>"),
        total: Double(fields[1]) ?? 0)
}

/// What wrk measured: accepted documents per second and its latency percentiles (ms).
struct WrkFigures {
    let rate: Double
    let p50: Double
    let p99: Double
    let requests: Int
    let failures: Int
    /// The hub's CPU time (this process: wrk is another) per document, in ms.
    let hubCPUPerDocument: Double
}

/// Posts `documents` (each a distinct signed document) to `base`/v1/documents with wrk (2 threads, `connections`
/// keep-alive connections, `seconds` long; a thread that runs out of documents counts as a failure): the peer client, in C, so the hub gets the cores rather than a Swift
/// client in its own process. Each wrk thread takes every n-th document and stops before it would repeat one.
func measureWrk(
    wrk: String, base: String, token: String, documents: [[UInt8]], connections: Int, seconds: Int, in folder: URL
)
    throws -> WrkFigures
{
    let directory = folder.appendingPathComponent("wrk")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (index, bytes) in documents.enumerated() {
        try Data(bytes).write(to: directory.appendingPathComponent("doc-\(index).xml"))
    }
    let script = directory.appendingPathComponent("post.lua")
    try Data(
        """
        -- One distinct signed document per request; a non-200 answer is counted as a failure.
        local counter = 0
        local threads = {}
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
          table.insert(threads, thread)
        end
        function init(args)
          local every, total, dir = tonumber(args[1]), tonumber(args[2]), args[3]
          token = args[4]
          bodies = {}
          for i = id, total - 1, every do
            local f = assert(io.open(dir .. "/doc-" .. i .. ".xml", "rb"))
            bodies[#bodies + 1] = f:read("*a")
            f:close()
          end
          next_body, failures, exhausted = 0, 0, 0
        end
        function request()
          next_body = next_body + 1
          -- Out of distinct documents: a repeat would be answered from the store (cheaper) and flatter the rate.
          if next_body > #bodies then exhausted = 1 wrk.thread:stop() next_body = #bodies end
          return wrk.format("POST", "/v1/documents",
            { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/xml" }, bodies[next_body])
        end
        function response(status, headers, body)
          if status ~= 200 then failures = failures + 1 end
        end
        function done(summary, latency, requests)
          local failed = 0
          for _, thread in ipairs(threads) do
            failed = failed + thread:get("failures") + 1000000 * thread:get("exhausted")
          end
          io.write(string.format("TANBA %d %d %.3f %.3f %.3f\\n", summary.requests, failed,
            summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000))
        end

        """.utf8
    ).write(to: script)
    let threads = 2
    var usageBefore = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usageBefore)
    let summary = try wrkSummary(
        wrk,
        [
            "-t", "\(threads)", "-c", "\(connections)", "-d", "\(seconds)s", "--timeout", "10s", "-s", script.path,
            base, "--", "\(threads)", "\(documents.count)", directory.path, token,
        ])
    var usageAfter = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usageAfter)
    func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1e3 + Double(t.tv_usec) / 1e3 }
    let hubCPU = ms(usageAfter.ru_utime) + ms(usageAfter.ru_stime) - ms(usageBefore.ru_utime) - ms(usageBefore.ru_stime)
    return WrkFigures(
        rate: summary.rate, p50: summary.p50, p99: summary.p99, requests: summary.requests,
        failures: summary.failures, hubCPUPerDocument: hubCPU / Double(summary.requests))
}
