import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization
import TanbaErrors
import TanbaIntegrations
import TanbaXML

/// `tanba-sim mof`: the Ministry of Finance's system receiving the hub's exports (docs/INTEGRATIONS.md).
struct MoFSimulatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mof",
        abstract:
            "The Ministry of Finance's system: receives exports and reconciliation reports, checks them, answers "
            + "signed acknowledgements.")

    @Option(help: "Address to listen on: loopback only (127.0.0.1 or ::1).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, named in the listening line).") var port = 8091
    @Option(name: .customLong("fail-first"), help: "Answer the first N requests 503, as a failing receiver does.")
    var failFirst = 0
    @Option(help: "The Ministry's PEM key: acknowledgements are signed with it.") var key: String
    @Option(help: "The Ministry's PEM certificate (goes with --key).") var cert: String
    @Option(help: "The hub's certificate (PEM): manifests must be signed with it; unchecked when not given.")
    var trust: String?
    @Option(
        help:
            "Append one JSON line per export received to this file, and per reconciliation report to FILE.reconciliations (both read back at start)."
    )
    var record: String?
    @Option(help: "The SNT list (SNTList XML) served at GET /mof/snt, signed with --key unless signed already.")
    var snt: String?

    func validate() throws {
        try validateListening(host: host, port: port, failFirst: failFirst)
    }

    func run() throws {
        let pinned = try pinnedCertificate(trust)
        let signer = try DocumentSigner(keyFile: URL(fileURLWithPath: key), certificateFile: URL(fileURLWithPath: cert))
        let simulator = try MoFSimulator(
            failFirst: failFirst, signer: signer, pinned: pinned, record: record.map { URL(fileURLWithPath: $0) },
            snt: snt.map { URL(fileURLWithPath: $0) })
        try serveSimulator(router: simulator.router(), host: host, port: port)
    }
}

/// The simulated Ministry. Per `POST /mof/exports`, in this order:
/// 1. the first `failFirst` requests are answered 503, whatever they hold;
/// 2. the manifest (`X-Tanba-Manifest`, base64) is read and, with `--trust`, its signature verified against the hub's
///    certificate: 400 `unsigned manifest`, `wrong signer: CODE`, `invalid manifest: CODE`;
/// 3. an export id acknowledged before gets the first acknowledgement again (a duplicate);
/// 4. the body is streamed: its SHA-256, size and events per kind computed on the way (never held whole);
/// 5. the export is recorded and answered 200 with a signed `MoFAcknowledgement`: accepted when digest, size and
///    counts match the manifest, else rejected with the reason.
///
/// Per `POST /mof/reconciliations` (the hub's signed reconciliation report), in this order: the first `failFirst`
/// requests (counted with the exports') are answered 503; a body over 16 MiB is 413; the report's id is its
/// `ReportId` (else the `Idempotency-Key` header), and an id answered before gets its first acknowledgement again
/// (a duplicate, counted, not recorded again); a body that is not XML (`malformed report`), with `--trust` an
/// unsigned report (`unsigned report`) or one signed by another certificate or whose signature does not verify
/// (`wrong signer`), and a report the strict parser refuses (`invalid report`) are answered 200 with a signed
/// `MoFReconciliationAcknowledgement`, rejected with that reason (400 when no id can be told); otherwise the report
/// is recorded and answered 200 with a signed acknowledgement, accepted. Both carry the SHA-256 of the bytes
/// received.
final class MoFSimulator: Sendable {
    struct Received: Codable, Sendable {
        var exportId: String
        var mode: String
        var from: String
        var to: String
        var sha256: String
        var size: Int64
        var events: Int
        var counts: [String: Int]
        var accepted: Bool
        var reason: String?
        /// The acknowledgement sent, base64: a duplicate (also after a restart) gets it again.
        var acknowledgement: String
    }

    /// A reconciliation report received: its id, period, what it found, and who signed it.
    struct Reconciliation: Codable, Sendable {
        var reportId: String
        var from: String
        var to: String
        var createdAt: Date
        var withoutSNT: Int
        /// Nil when the hub compared no SNT list.
        var sntWithoutShipment: Int?
        var quantitiesDiffer: Int?
        var partiesDiffer: Int?
        /// The signer's certificate subject, as the signature names it.
        var signer: String?
        /// SHA-256 of the report's bytes as received, and the signed acknowledgement sent, base64: a duplicate
        /// (also after a restart) gets it again.
        var sha256: String?
        var acknowledgement: String?
    }

    /// A reconciliation report refused (malformed, unsigned, wrongly signed, not our schema): the id it was
    /// answered under, the digest of its bytes, why, and the signed rejection sent.
    struct Rejected: Codable, Sendable {
        var reportId: String
        var sha256: String
        var reason: String
        var acknowledgement: String
    }

    struct State {
        var failures: FailFirst
        var duplicates = 0
        var exports: [Received] = []
        var reconciliations: [Reconciliation] = []
        var reconciliationDuplicates = 0
        var rejectedReconciliations: [Rejected] = []
    }

    let state: Mutex<State>
    let signer: DocumentSigner
    let pinned: Certificate?
    let record: RecordFile?
    /// Beside `record`: one JSON line per reconciliation report (another shape than an export's line).
    let reconciliationRecord: RecordFile?
    /// Beside `record`: one JSON line per reconciliation report refused, so that a restarted simulator answers its
    /// repeat with the same rejection rather than judging it again.
    let rejectedRecord: RecordFile?
    let snt: URL?
    /// The `--snt` file last served, and its signed bytes.
    let sntSigned = Mutex<(source: Data, signed: [UInt8])?>(nil)

    init(failFirst: Int, signer: DocumentSigner, pinned: Certificate?, record: URL?, snt: URL?) throws {
        self.signer = signer
        self.pinned = pinned
        self.record = record.map(RecordFile.init)
        reconciliationRecord = record.map { RecordFile(url: URL(fileURLWithPath: $0.path + ".reconciliations")) }
        rejectedRecord = record.map { RecordFile(url: URL(fileURLWithPath: $0.path + ".rejected-reconciliations")) }
        self.snt = snt
        var initial = State(failures: FailFirst(failFirst))
        initial.exports = try self.record?.entries(Received.self) ?? []
        initial.reconciliations = try reconciliationRecord?.entries(Reconciliation.self) ?? []
        initial.rejectedReconciliations = try rejectedRecord?.entries(Rejected.self) ?? []
        state = Mutex(initial)
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/mof/exports") { request, _ -> Response in
            try await self.receive(request)
        }
        router.post("/mof/reconciliations") { request, _ -> Response in
            try await self.receiveReconciliation(request)
        }
        router.get("/mof/received") { _, _ -> Response in
            struct Summary: Codable {
                var exports: [Received]
                var duplicates: Int
                var reconciliations: [Reconciliation]
                var reconciliationDuplicates: Int
                var rejectedReconciliations: [Rejected]
                var failed: Int
            }
            let summary = self.state.withLock {
                Summary(
                    exports: $0.exports, duplicates: $0.duplicates, reconciliations: $0.reconciliations,
                    reconciliationDuplicates: $0.reconciliationDuplicates,
                    rejectedReconciliations: $0.rejectedReconciliations, failed: $0.failures.failed)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(summary)) ?? Data("{}".utf8))))
        }
        router.get("/mof/snt") { _, _ -> Response in
            guard let snt = self.snt, let data = FileManager.default.contents(atPath: snt.path) else {
                return Self.text(.notFound, "no SNT list (--snt)")
            }
            do { return Self.xml(try self.signedList(data)) } catch {
                return Self.text(.internalServerError, "the SNT list (--snt) cannot be signed: \(error)")
            }
        }
        return router
    }

    /// The `--snt` file as the Ministry serves it: signed with its key, unless the file is signed already (a list
    /// made elsewhere, served as it is). Signed once per content of the file, so that every GET of the same file
    /// gets the same bytes — the hub imports a list once by its digest — and a file changed while the simulator runs
    /// is a new list.
    func signedList(_ data: Data) throws -> [UInt8] {
        if let cached = sntSigned.withLock({ $0?.source == data ? $0?.signed : nil }) { return cached }
        let bytes = Array(data)
        let document = try XMLDocument.parse(bytes)
        let signed =
            document.root.descendants(named: "Signature", namespace: "http://www.w3.org/2000/09/xmldsig#").isEmpty
            ? try signer.sign(bytes) : bytes
        sntSigned.withLock { $0 = (data, signed) }
        return signed
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// The 503 of `--fail-first` while it lasts (exports and reconciliation reports count together: a receiver that
    /// is down is down for both), else nil.
    func failing() -> Response? {
        guard state.withLock({ $0.failures.fails() }) else { return nil }
        var response = Self.text(.serviceUnavailable, "the Ministry's system is unavailable (--fail-first)")
        response.headers[.retryAfter] = "1"
        return response
    }

    static func xml(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/xml"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func receive(_ request: Request) async throws -> Response {
        if let unavailable = failing() { return unavailable }
        guard let header = request.headers[HTTPField.Name("X-Tanba-Manifest")!],
            let manifestBytes = Data(base64Encoded: header)
        else { return Self.text(.badRequest, "invalid manifest: no X-Tanba-Manifest header in base64") }
        let manifest: MoFManifest
        do {
            if let pinned {
                let document = try XMLDocument.parse(Array(manifestBytes))
                do { _ = try SignatureVerifier.verify(document, pinnedTo: pinned) } catch let error as TanbaError {
                    if error.code == .sigMissing { return Self.text(.badRequest, "unsigned manifest") }
                    return Self.text(.badRequest, "wrong signer: \(error.code) \(error.message)")
                }
            }
            manifest = try MoFManifest.parse(Array(manifestBytes))
        } catch let error as TanbaError {
            return Self.text(.badRequest, "invalid manifest: \(error.code) \(error.message)")
        }
        if let earlier = state.withLock({ state -> String? in
            guard let seen = state.exports.first(where: { $0.exportId == manifest.exportId }) else { return nil }
            state.duplicates += 1
            return seen.acknowledgement
        }), let bytes = Data(base64Encoded: earlier) {
            return Self.xml(Array(bytes))
        }
        // The body, streamed: digest, size and events per kind on the way.
        var hasher = SHA256()
        var size: Int64 = 0
        var counter = EventCounter()
        for try await chunk in request.body {
            let bytes = Array(chunk.readableBytesView)
            hasher.update(data: bytes)
            size += Int64(bytes.count)
            counter.feed(bytes)
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        var reason: String?
        let declared = Dictionary(manifest.counts.map { ($0.kind, $0.count) }, uniquingKeysWith: +)
        if digest != manifest.sha256 {
            reason = "digest mismatch: received \(digest), manifest \(manifest.sha256)"
        } else if size != manifest.size {
            reason = "size mismatch: received \(size), manifest \(manifest.size)"
        } else if declared.filter({ $0.value > 0 }) != counter.counts.filter({ $0.value > 0 }) {
            reason = "counts differ from the manifest's"
        }
        let acknowledgement = MoFAcknowledgement(
            exportId: manifest.exportId, sha256: digest, accepted: reason == nil, reason: reason,
            events: counter.counts.values.reduce(0, +), acknowledgedAt: Date())
        let signed = try signer.sign(acknowledgement.xml())
        let entry = Received(
            exportId: manifest.exportId, mode: manifest.mode, from: manifest.from, to: manifest.to, sha256: digest,
            size: size, events: counter.counts.values.reduce(0, +), counts: counter.counts, accepted: reason == nil,
            reason: reason, acknowledgement: Data(signed).base64EncodedString())
        state.withLock { state in
            state.exports.append(entry)
            record?.append(entry)
        }
        return Self.xml(signed)
    }
}

extension MoFSimulator {
    /// A reconciliation report: checked, deduplicated by its id, recorded (see the class's comment for the order).
    func receiveReconciliation(_ request: Request) async throws -> Response {
        if let unavailable = failing() { return unavailable }
        // A report is small (the findings of a period); 16 MiB bounds what a wrong client can make us hold.
        let body: [UInt8]
        do { body = Array(try await request.body.collect(upTo: 16 << 20).readableBytesView) } catch {
            return Self.text(.contentTooLarge, "a reconciliation report is at most 16 MiB")
        }
        let digest = SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
        let key = request.headers[HTTPField.Name("Idempotency-Key")!].flatMap(Self.reportId)
        let document: XMLDocument
        do { document = try XMLDocument.parse(body) } catch let error as TanbaError {
            let reason = "malformed report: \(error.code) \(error.message)"
            guard let key else { return Self.text(.badRequest, reason) }
            return try reject(key, digest: digest, reason: reason)
        }
        // The report's id as it names it, else as the request's key does: what a refusal acknowledges.
        let named =
            document.root.children.first { $0.name == "ReportId" }.flatMap { Self.reportId($0.text) } ?? key
        if let named, let earlier = duplicate(named) { return Self.xml(earlier) }
        var signer: String?
        if let pinned {
            do {
                signer = try SignatureVerifier.verify(document, pinnedTo: pinned).certificate.subject
            } catch let error as TanbaError {
                let reason =
                    error.code == .sigMissing ? "unsigned report" : "wrong signer: \(error.code) \(error.message)"
                guard let named else { return Self.text(.badRequest, reason) }
                return try reject(named, digest: digest, reason: reason)
            }
        }
        let report: MoFReconciliationReport
        do { report = try MoFReconciliationReport.parse(document.root) } catch let error as TanbaError {
            let reason = "invalid report: \(error.code) \(error.message)"
            guard let named else { return Self.text(.badRequest, reason) }
            return try reject(named, digest: digest, reason: reason)
        }
        let acknowledgement = try self.signer.sign(
            MoFReconciliationAcknowledgement(
                reportId: report.reportId, sha256: digest, accepted: true, acknowledgedAt: Date()
            ).xml())
        let entry = Reconciliation(
            reportId: report.reportId, from: report.from, to: report.to, createdAt: report.createdAt,
            withoutSNT: report.withoutSNT.count, sntWithoutShipment: report.comparison?.sntWithoutShipment.count,
            quantitiesDiffer: report.comparison?.differences.count,
            partiesDiffer: report.comparison?.partiesDiffer.count, signer: signer, sha256: digest,
            acknowledgement: Data(acknowledgement).base64EncodedString())
        let answer = state.withLock { state -> String? in
            if let seen = state.reconciliations.first(where: { $0.reportId == report.reportId }) {
                state.reconciliationDuplicates += 1
                return seen.acknowledgement
            }
            state.reconciliations.append(entry)
            reconciliationRecord?.append(entry)
            return entry.acknowledgement
        }
        return Self.xml(answer.flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? acknowledgement)
    }

    /// A report id: a UUID in lower case, as the hub makes them.
    static func reportId(_ text: String) -> String? {
        UUID(uuidString: text) != nil && text == text.lowercased() && text.utf8.count == 36 ? text : nil
    }

    /// The first acknowledgement of report `id`, accepted or rejected, if one was sent (counted as a duplicate).
    func duplicate(_ id: String) -> [UInt8]? {
        state.withLock { state -> [UInt8]? in
            let seen =
                state.reconciliations.first { $0.reportId == id }?.acknowledgement
                ?? state.rejectedReconciliations.first { $0.reportId == id }?.acknowledgement
            guard let seen, let bytes = Data(base64Encoded: seen) else { return nil }
            state.reconciliationDuplicates += 1
            return Array(bytes)
        }
    }

    /// A report refused: answered 200 with a signed acknowledgement, rejected with `reason`, carrying the digest of
    /// the bytes received — the Ministry's answer the hub records on the report — and kept apart from the reports
    /// taken.
    func reject(_ id: String, digest: String, reason: String) throws -> Response {
        let signed = try signer.sign(
            MoFReconciliationAcknowledgement(
                reportId: id, sha256: digest, accepted: false, reason: reason, acknowledgedAt: Date()
            ).xml())
        let entry = Rejected(
            reportId: id, sha256: digest, reason: reason, acknowledgement: Data(signed).base64EncodedString())
        state.withLock {
            $0.rejectedReconciliations.append(entry)
            rejectedRecord?.append(entry)
        }
        return Self.xml(signed)
    }
}

/// Counts the events of an export file as it streams by: every event element starts a line (the hub writes one
/// per line), so only the first bytes of each line are kept, however long the line.
struct EventCounter {
    static let kinds: [(tag: [UInt8], kind: String)] = [
        ("<OwnershipTransfer ", "ownershipTransfer"), ("<Import ", "import"), ("<Export ", "export"),
        ("<Withdrawal ", "withdrawal"), ("<EAEUShipment ", "eaeuShipment"),
    ].map { (Array($0.0.utf8), $0.1) }

    var counts: [String: Int] = [:]
    var head: [UInt8] = []
    var headDone = false

    mutating func feed(_ bytes: [UInt8]) {
        for byte in bytes {
            if byte == 0x0A {
                head.removeAll(keepingCapacity: true)
                headDone = false
                continue
            }
            guard !headDone else { continue }
            head.append(byte)
            if head.count == 20 || byte == 0x20 {
                headDone = true
                for (tag, kind) in Self.kinds where head.starts(with: tag) { counts[kind, default: 0] += 1 }
            }
        }
    }
}
