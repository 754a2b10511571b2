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
    // The server lives until the process ends: the benchmark is a short-lived process.
    Task { try await server.runService() }
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
    let (_, challengeBody) = try await post("/v1/auth/challenge", [])
    let challenge = try JSONSerialization.jsonObject(with: Data(challengeBody)) as! [String: Any]
    let signed = try signer.sign(Array((challenge["document"] as! String).utf8))
    let (status, tokenBody) = try await post("/v1/auth/token", signed)
    precondition(status == 200, String(decoding: tokenBody, as: UTF8.self))
    let token = (try JSONSerialization.jsonObject(with: Data(tokenBody)) as! [String: Any])["token"] as! String

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
