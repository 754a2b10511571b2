import AsyncHTTPClient
import Foundation
import NIOCore
import TanbaCore
import TanbaIntegrations
import TanbaOutbound
import TanbaSQLite
import TanbaStore
import TanbaXML

/// `tanba-bench outbox`: the outbox's delivery to the EAEU partner's simulator (`tanba-sim eaeu`, a process on
/// loopback, checking each message's signature), beside the floor: the rate the same simulator takes the same
/// kind of messages from a plain client posting them directly, as many at once as the worker sends (its batch).
/// Each measure sends its own new messages (the simulator answers a repeat from memory, which would flatter it).
func runOutboxBench(pki: TestPKI, folder: URL, count: Int = 3_000, batch: Int = 32) throws {
    print("\n## The outbox's delivery to the EAEU simulator (\(count) messages each, \(batch) at once)")
    let simulatorBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("tanba-sim").path
    guard FileManager.default.isExecutableFile(atPath: simulatorBinary) else {
        print("(\(simulatorBinary) not built: `swift build -c release --product tanba-sim`)")
        return
    }
    let simulator = Process()
    simulator.executableURL = URL(fileURLWithPath: simulatorBinary)
    simulator.arguments = ["eaeu", "--port", "0", "--trust", pki.certificateFile(.hub).path]
    let out = Pipe()
    simulator.standardOutput = out
    simulator.standardError = FileHandle.nullDevice
    try simulator.run()
    defer {
        simulator.terminate()
        simulator.waitUntilExit()
    }
    var line = ""
    while !line.contains("\n") {
        let data = out.fileHandleForReading.availableData
        guard !data.isEmpty else { break }
        line += String(decoding: data, as: UTF8.self)
    }
    guard
        let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
    else { fatalError("tanba-sim printed no listening line: \(line)") }
    let endpoint = "http://127.0.0.1:\(port)/eaeu/soap"

    // Signed departures of 10 codes each, as the hub queues them.
    let signer = try DocumentSigner(keyFile: pki.keyFile(.hub), certificateFile: pki.certificateFile(.hub))
    func messages(_ prefix: String) throws -> [OutboundMessage] {
        try (0..<count).map { index in
            let edocId = UUID().uuidString.lowercased()
            let departure = EAEUDeparture(
                edocId: edocId, sourceDocumentId: "\(prefix)-\(index)", dateTime: Date(), senderBIN: "050140001238",
                senderName: "ТОО «Алатау Дистрибьюшн»", receiverCountry: .kyrgyzstan, receiverTaxId: "02011199910245",
                receiverName: "ОсОО «Бишкек Азык Трейд»", documentNumber: "EA-\(index)", documentDate: "2026-11-27",
                lines: [
                    EAEUDeparture.Line(
                        gtin: "04870001000011", codes: (0..<10).map { "010487000100001121\(prefix)\(index)x\($0)" })
                ])
            return OutboundMessage(
                channel: "eaeu", kind: EAEUMessages.departureEnvelopeCode, idempotencyKey: edocId,
                body: try signer.sign(EAEUMessages.departure(departure)))
        }
    }
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    defer { try? client.syncShutdown() }
    let transport = EAEUTransport(endpoint: endpoint, client: client)

    // The floor: a plain client posting the envelopes, `batch` at a time, each answered before the next of its lane.
    let direct = try messages("D")
    let floorSeconds = try blocking {
        let next = ManagedCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<batch {
                group.addTask {
                    while let index = next.take(below: direct.count) {
                        let queued = QueuedMessage(
                            seq: Int64(index), channel: "eaeu", kind: direct[index].kind,
                            idempotencyKey: direct[index].idempotencyKey, body: direct[index].body, state: .pending,
                            attempts: 0, createdAt: Date(), nextAttemptAt: Date(), lastError: nil, deliveredAt: nil,
                            reply: nil)
                        _ = try await transport.deliver(queued)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    // The outbox: the same number of new messages queued in a store, delivered by one worker until none is left.
    let store = try SQLiteStore(path: folder.appendingPathComponent("outbox.sqlite").path)
    let queued = try messages("O")
    for slice in stride(from: 0, to: queued.count, by: 500) {
        try store.write { try $0.enqueue(Array(queued[slice..<min(slice + 500, queued.count)])) }
    }
    let delivery = OutboxDelivery(store: store, transport: transport, batch: batch)
    let outboxSeconds = try blocking {
        while try await delivery.deliverDue() > 0 {}
    }
    let counts = delivery.counts
    precondition(counts.delivered == count, "delivered \(counts.delivered) of \(count), failed \(counts.failed)")
    print("| measure | messages/s | |")
    print("|---|---|---|")
    print(String(format: "| plain client → simulator (the floor) | %.0f | |", Double(count) / floorSeconds))
    print(String(format: "| outbox worker → simulator | %.0f | |", Double(count) / outboxSeconds))
    print(String(format: "| outbox ÷ floor (target ≥ 0.5) | %.2f | |", floorSeconds / outboxSeconds))
}

/// Runs `body` on Swift concurrency and waits for it: the bench's top level is synchronous.
private func blocking(_ body: @escaping @Sendable () async throws -> Void) throws -> Double {
    let done = DispatchSemaphore(value: 0)
    let failure = ManagedError()
    let start = DispatchTime.now().uptimeNanoseconds
    Task {
        do { try await body() } catch { failure.set(error) }
        done.signal()
    }
    done.wait()
    if let error = failure.error { throw error }
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private final class ManagedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

private final class ManagedError: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) {
        lock.lock()
        stored = error
        lock.unlock()
    }
    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
