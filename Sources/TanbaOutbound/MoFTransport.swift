public import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1
public import TanbaCore
import TanbaErrors
import TanbaIntegrations
public import TanbaStore
public import TanbaXML

/// Delivers the Ministry of Finance exports: for each outbox message (the signed manifest), the export file is
/// streamed from the exports folder as the body of `POST endpoint`, the manifest in the `X-Tanba-Manifest` header
/// (base64), the export id as `Idempotency-Key`; the file is never copied into the outbox table nor held in
/// memory.
///
/// The answer is the Ministry's signed acknowledgement (HTTP 200, `application/xml`): verified against the
/// Ministry's certificate and recorded on the export (`MoFAcknowledgements.apply`). Accepted → delivered; rejected →
/// recorded, and the message dead (the Ministry refused the file itself); an acknowledgement already recorded
/// with the same outcome (the hub crashed after recording it, before marking the message) → delivered. A bad
/// acknowledgement (unsigned, wrong signer, another export's digest…) → dead, for an operator to look at: it is
/// the receiver that is wrong, and sending again would not change it. 5xx, 408, 429, a timeout or no connection →
/// tried again later; another 4xx → dead.
///
/// The hub's reconciliation reports (kind `MOF.RECONCILIATION.1`) travel on the same channel: the signed report is
/// the body of `POST reconciliationEndpoint`, its id as `Idempotency-Key`; the answer (2xx) is the Ministry's signed
/// `MoFReconciliationAcknowledgement`, verified and recorded on the report as an export's is, with the same
/// outcomes; the other statuses are handled as for an export.
public struct MoFTransport: OutboxTransport {
    public let channel = MoFExporter.channel
    /// Where exports are posted (`…/mof/exports`).
    public let endpoint: String
    /// Where reconciliation reports are posted: by default the exports' URL with its last path segment
    /// `reconciliations` (`…/mof/reconciliations`, see `reconciliationEndpoint(for:)`).
    public let reconciliationEndpoint: String
    public let folder: URL
    public let ministry: Certificate
    public let store: any HubStore
    public let client: HTTPClient
    public let timeout: TimeAmount

    public init(
        endpoint: String, reconciliationEndpoint: String? = nil, folder: URL, ministry: Certificate,
        store: any HubStore, client: HTTPClient = .shared, timeout: TimeAmount = .seconds(300)
    ) {
        self.endpoint = endpoint
        self.reconciliationEndpoint = reconciliationEndpoint ?? Self.reconciliationEndpoint(for: endpoint)
        self.folder = folder
        self.ministry = ministry
        self.store = store
        self.client = client
        self.timeout = timeout
    }

    /// The sibling of the exports' URL for reconciliation reports: its last path segment replaced by
    /// `reconciliations` (`https://host/mof/exports` → `https://host/mof/reconciliations`), query and fragment
    /// dropped; a URL without a path gets `/reconciliations`.
    public static func reconciliationEndpoint(for exports: String) -> String {
        guard var parts = URLComponents(string: exports) else { return exports }
        var segments = parts.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if !segments.isEmpty { segments.removeLast() }
        parts.path = "/" + (segments + ["reconciliations"]).joined(separator: "/")
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? exports
    }

    public func deliver(_ message: QueuedMessage) async throws -> [UInt8] {
        if message.kind == MoFReconciliation.kind { return try await deliverReconciliation(message) }
        let manifest: MoFManifest
        do { manifest = try MoFManifest.parse(message.body) } catch {
            throw DeliveryFailure("the queued manifest cannot be read: \(error)", permanent: true)
        }
        let file = folder.appendingPathComponent(manifest.fileName)
        guard let handle = try? FileHandle(forReadingFrom: file) else {
            throw DeliveryFailure(
                "MOF_EXPORT_FILE_MISSING: export \(manifest.exportId)'s file is not in the exports folder",
                permanent: true)
        }
        defer { try? handle.close() }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/xml")
        request.headers.add(name: "Idempotency-Key", value: manifest.exportId)
        request.headers.add(name: "X-Tanba-Manifest", value: Data(message.body).base64EncodedString())
        request.body = .stream(FileChunks(handle: handle), length: .known(manifest.size))
        let (status, bytes) = try await post(request)
        guard status == 200 else { throw Self.refusal(status, bytes) }
        try acknowledged(bytes, .export, answering: manifest.exportId, from: endpoint)
        return bytes
    }
}

extension MoFTransport {
    /// Sends `request` and reads the answer (up to 1 MiB): its status and body.
    /// - Throws: a `DeliveryFailure` to try again when the Ministry cannot be reached.
    func post(_ request: HTTPClientRequest) async throws -> (status: UInt, body: [UInt8]) {
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: 1 << 20)
            return (response.status.code, Array(body.readableBytesView))
        } catch {
            throw DeliveryFailure("the Ministry could not be reached: \(EAEUTransport.describe(error))")
        }
    }

    /// An answer that is not a delivery: 5xx, 408 and 429 may pass (tried again), any other status will not.
    static func refusal(_ status: UInt, _ body: [UInt8]) -> DeliveryFailure {
        let temporary = status >= 500 || status == 408 || status == 429
        let said = String(decoding: body.prefix(300), as: UTF8.self)
        return DeliveryFailure("HTTP \(status) from the Ministry: \(said)", permanent: !temporary)
    }

    /// Posts a signed reconciliation report (the queued body, as signed when it was queued). The report's id
    /// (the message's idempotency key) goes as `Idempotency-Key`: a report sent again after a crash is one
    /// report to the Ministry.
    func deliverReconciliation(_ message: QueuedMessage) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: reconciliationEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/xml")
        request.headers.add(name: "Idempotency-Key", value: message.idempotencyKey)
        request.body = .bytes(message.body)
        let (status, bytes) = try await post(request)
        guard (200..<300).contains(status) else { throw Self.refusal(status, bytes) }
        try acknowledged(bytes, .reconciliation, answering: message.idempotencyKey, from: reconciliationEndpoint)
        return bytes
    }

    /// Verifies and records the Ministry's answer to the delivery of `id` (`MoFAnswers.apply`). Accepted → returns
    /// (delivered). The same answer recorded already with the same outcome (an earlier attempt recorded it and the
    /// hub stopped before marking the message) → delivered too. Rejected, or a bad acknowledgement of any kind
    /// (not ours, unsigned, wrong signer, another one's, another digest, replayed with another outcome) → a
    /// permanent failure naming the code: sending the same bytes again would not mend the receiver.
    func acknowledged<Answer, Record>(
        _ bytes: [UInt8], _ subject: MoFAnswers.Subject<Answer, Record>, answering id: String, from source: String
    ) throws {
        let record: Record
        do {
            record = try MoFAnswers.apply(
                bytes, subject, pinned: ministry, store: store, source: source, answering: id)
        } catch let error as TanbaError where error.code == .mofAckReplayed {
            guard let recorded = MoFAnswers.isRecorded(bytes, subject, for: id, pinned: ministry, store: store)
            else { throw DeliveryFailure("\(error.code): \(error.message)", permanent: true) }
            record = recorded
        } catch let error as TanbaError {
            throw DeliveryFailure("\(error.code): \(error.message)", permanent: error.category != .internal)
        }
        guard record.ackState == .accepted else {
            throw DeliveryFailure(
                "rejected by the Ministry" + (record.ackReason.map { ": \($0)" } ?? ""), permanent: true)
        }
    }
}

/// A file read in 64 KiB chunks, as a request body: the export is streamed, never held.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let handle: FileHandle

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle
        mutating func next() async throws -> ByteBuffer? {
            guard let data = try handle.read(upToCount: 1 << 16), !data.isEmpty else { return nil }
            return ByteBuffer(bytes: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }
}

extension MoFTransport {
    /// The Ministry's SNT list at `url` (GET), for reconciliation.
    /// - Throws: `FILE_UNREADABLE` when it cannot be fetched (no connection, a status other than 200, over 64 MiB).
    public static func fetchSNTList(_ url: String, client: HTTPClient = .shared) async throws -> [UInt8] {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(60))
            guard response.status.code == 200 else {
                throw TanbaError(.fileUnreadable, "the SNT list at \(url) answered HTTP \(response.status.code)")
            }
            return Array(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch let error as TanbaError {
            throw error
        } catch {
            throw TanbaError(
                .fileUnreadable, "cannot fetch the SNT list from \(url): \(EAEUTransport.describe(error))")
        }
    }
}
