import Crypto
public import Foundation
public import TanbaDomain
public import TanbaErrors
import TanbaIntegrations
public import TanbaStore
public import TanbaXML

/// What the pipeline decided about one document.
public struct Decision: Sendable, CustomStringConvertible {
    public let documentID: String
    public let type: String?
    public let accepted: Bool
    public let status: DocumentStatus
    public let diagnostics: [Diagnostic]
    /// The codes the document changed (or would change, for a dry run).
    public let changes: [CodeRecord]
    /// The receipt: signed by the hub; for a dry run, an unsigned preview.
    public let receipt: [UInt8]
    /// Whether this is the stored answer to an identical earlier submission.
    public let repeated: Bool
    public let dryRun: Bool
    /// The sender the document names, when it could be read that far.
    public var sender: String? = nil
    /// The document's number, when it could be read that far (an EAEU message's EDocId).
    public var number: String? = nil
    /// Who signed it and with what, when the signature was verified (not for a repeated document: its stored
    /// receipt answers it before any check).
    public var signer: SignerIdentity? = nil
    public var algorithm: String? = nil

    /// The audit trail's result for this decision: `accepted`, or `rejected` with the first error's code.
    public var outcome: String {
        accepted ? "accepted" : "rejected \(diagnostics.first?.code.rawValue ?? "")"
    }

    public var description: String {
        "\(documentID) \(type ?? "?"): \(accepted ? "accepted" : "rejected") (\(status.rawValue)), "
            + "\(changes.count) changes" + (diagnostics.isEmpty ? "" : ", errors: \(diagnostics)")
    }
}

/// The one pipeline every channel feeds: safe parse → XSD → signature and authority → format-logical control →
/// atomic application → signed receipt.
public final class DocumentPipeline: Sendable {
    public let store: any HubStore
    let schemas: SchemaSet
    public let verifier: SignatureVerifier
    /// The reference lists (NSI) the rules check against; the HTTP API serves them to clients as they are.
    public let reference: ReferenceData
    let hub: DocumentSigner
    let limits: ParseLimits
    let signerRoles: SignerRoles
    /// The partner states' systems whose goods messages (arrivals) the hub accepts.
    public let partners: EAEUPartners

    public init(
        store: any HubStore, schemas: SchemaSet, verifier: SignatureVerifier, reference: ReferenceData,
        hub: DocumentSigner, limits: ParseLimits = .default, partners: EAEUPartners = .none
    ) {
        self.partners = partners
        self.store = store
        self.schemas = schemas
        self.verifier = verifier
        self.reference = reference
        self.hub = hub
        self.limits = limits
        // Reference data was validated when loaded; a document-types list that does not parse allows no signer.
        signerRoles = (try? SignerRoles(reference: reference)) ?? SignerRoles(allowed: [:])
    }

    /// Decides a document. Refusals are answers, not throws: the decision carries every diagnostic.
    /// - Parameters:
    ///   - dryRun: run every check and compute the changes, then roll everything back.
    ///   - now: the moment of receipt (certificate validity, "not in the future").
    /// - Parameter submitter: the participant a channel authenticated (HTTP login); a document it did not send
    ///   itself is refused with `AUTH_FORBIDDEN`. Nil for local use (`tanba submit`).
    /// - Parameter journal: the channel's audit entry for the decision. It is appended in the same transaction
    ///   as the document (or its refusal's receipt), so the two are durable together and share one sync.
    /// - Parameter types: the document types this channel takes (nil: any); another is refused with
    ///   `XSD_UNKNOWN_DOCUMENT` (the EAEU endpoint takes partners' goods messages only).
    public func submit(
        _ bytes: [UInt8], dryRun: Bool = false, now: Date = Date(), submitter: String? = nil,
        types: Set<String>? = nil, journal: (@Sendable (Decision) -> Audit.Event)? = nil
    ) throws -> Decision {
        var attempt = 1
        var decision: Decision
        while true {
            do {
                decision = try decide(
                    bytes, dryRun: dryRun, now: now, submitter: submitter, types: types, journal: journal)
                break
            } catch let error as TanbaError where error.code == .storeConflict && attempt < Self.attempts {
                // What the decision expected changed before it was applied (the same number or the same document
                // stored meanwhile): decided again against what is there now — a repeat or FLC_NUMBER_USED.
                attempt += 1
            }
        }
        // A repeated document or a dry run wrote nothing of its own: its audit entry gets a transaction.
        if let journal, decision.repeated || decision.dryRun {
            try Audit.record(journal(decision), in: store, at: now)
        }
        return decision
    }

    /// How often a document is decided when what it expected keeps changing under it.
    static let attempts = 3

    /// What a document `submitter` has prepared would do once signed: every check but the signature's and the
    /// signer's authority (both made when the signed document is submitted), the changes computed and nothing
    /// written. The web application shows it to the user before the user signs. The receipt is not signed.
    public func preview(_ bytes: [UInt8], submitter: String, now: Date = Date()) throws -> Decision {
        try decide(bytes, dryRun: true, unsigned: true, now: now, submitter: submitter, journal: nil)
    }

    private func decide(
        _ bytes: [UInt8], dryRun: Bool, unsigned: Bool = false, now: Date, submitter: String?,
        types: Set<String>? = nil, journal: (@Sendable (Decision) -> Audit.Event)?
    ) throws -> Decision {
        var clock = PhaseClock()
        defer { clock.report() }
        var context = Context(bytes: bytes, now: now, dryRun: dryRun)
        context.reference = reference
        do {
            let document = try XMLDocument.parse(bytes, limits: limits)
            clock.mark("parse")
            // The document's identity is its canonical form: the same document through another channel (other
            // line endings, declaration, quoting) is the same document and gets its original receipt.
            context.identify(digest: try document.canonicalDigest())
            clock.mark("c14n")
            let digest = context.digest
            let type = try schemas.validate(document)
            clock.mark("xsd")
            guard let handlerType = Handlers.all.first(where: { $0.namespace == type.namespace }) else {
                throw TanbaError(
                    .flcDocumentTypeUnsupported,
                    type.namespace == FiscalBatch.namespace
                        ? "a batch of cash receipts is not a document: an OFD posts it to /v1/fiscal/receipts"
                        : "{\(type.namespace)}\(type.rootElement) is not processed yet",
                    path: document.root.path)
            }
            if let types, !types.contains(handlerType.typeCode) {
                throw TanbaError(
                    .xsdUnknownDocument,
                    "{\(type.namespace)}\(type.rootElement) is not taken here: this channel takes "
                        + types.sorted().joined(separator: ", "), line: document.root.line, path: document.root.path)
            }
            let handler = try handlerType.init(root: document.root)
            clock.mark("read")
            if let submitter, submitter != handler.sender {
                throw TanbaError(
                    .authForbidden, "\(submitter) may submit only its own documents; this one is \(handler.sender)'s",
                    line: handler.numberLine, path: handler.numberPath)
            }
            context.type = handlerType.typeCode
            context.sender = handler.sender
            context.number = handler.number
            context.date = handler.date
            context.ruleSet = RuleSet.forDocument(dated: handler.date)
            // Decide on one snapshot: every control and the codes' state machine run on a recorder that writes
            // nothing, so decisions run side by side and the writer is held only to store their results. One read
            // transaction for all of it (on PostgreSQL each is several round trips).
            let (decided, outcome) = try store.read { snapshot in
                // The same document twice gets the same answer and is applied once: a repeat is answered before its
                // signature is checked again. What is stored after this snapshot (an ERP retrying, two channels at
                // once) the apply below and the unique indexes catch.
                try Self.checkNumber(
                    try snapshot.document(sender: handler.sender, number: handler.number), handler, digest)
                if !unsigned, let country = handler.partnerCountry {
                    // A partner state's message: signed by that state's pinned system, not by a participant.
                    let verified = try partners.verify(document, country: country, at: now)
                    context.signer = verified.signer
                    context.algorithm = verified.algorithm.name
                    clock.mark("signature")
                } else if !unsigned {
                    let verified = try verifier.verify(document, at: now)
                    context.signer = verified.signer
                    context.algorithm = verified.algorithm.name
                    clock.mark("signature")
                    try Authority.check(
                        signer: verified.signer, sender: handler.sender, type: handlerType.typeCode,
                        roles: signerRoles, in: snapshot)
                }
                let recorder = ChangeRecorder(snapshot)
                let outcome = try handler.process(in: recorder, context: context)
                return (recorder.changes, outcome)
            }
            clock.mark("controls")
            context.changes = outcome.changes
            context.status = outcome.status
            context.recipient = outcome.recipient
            // The receipt is signed outside the write: the signature costs more than storing a small document.
            context.receipt = try Receipts.make(context, accepted: true, diagnostics: [], signer: dryRun ? nil : hub)
            clock.mark("receipt")
            if dryRun { return context.acceptance }
            var changes = decided
            // Messages to other systems leave signed by the hub, as its receipts do, and signed here, outside the
            // write: the outbox keeps them as sent, so a retry sends the same bytes.
            changes.messages = try changes.messages.map {
                OutboundMessage(
                    channel: $0.channel, kind: $0.kind, idempotencyKey: $0.idempotencyKey, body: try hub.sign($0.body))
            }
            changes.document = DocumentRecord(
                id: context.id, type: handlerType.typeCode, sender: handler.sender, number: handler.number,
                date: handler.date, recipient: outcome.recipient, receivedAt: now, status: outcome.status,
                digest: digest, content: bytes, receipt: context.receipt)
            // Totals for the lists: what changed, and the amount the document states.
            changes.document?.items = outcome.changes.count
            let namespace = document.root.namespaceURI
            changes.document?.amount =
                document.root.child(named: "Totals", namespace: namespace)?
                .child(named: "Amount", namespace: namespace)?.text
            let acceptance = context.acceptance
            try store.write { tx in
                // Refused with STORE_CONFLICT when what the decision read has changed: decided again (`submit`).
                try tx.apply(changes)
                if let journal { try Audit.append(journal(acceptance), at: now, in: tx) }
            }
            clock.mark("commit")
            return context.acceptance
        } catch let repeated as Repeated {
            let earlier = repeated.earlier
            return Decision(
                documentID: earlier.id, type: earlier.type, accepted: true, status: earlier.status, diagnostics: [],
                changes: [], receipt: earlier.receipt, repeated: true, dryRun: dryRun, sender: earlier.sender,
                number: earlier.number)
        } catch let error as TanbaError
            where error.category != .internal && (error.category != .request || error.code == .authForbidden)
        {
            // A refused document leaves no trace in the ledger: nothing was written (the transaction rolled back).
            // Unreadable bytes have no canonical form: they are named by the digest of the bytes themselves.
            if context.digest.isEmpty {
                context.identify(digest: Hex.encode(SHA256.hash(data: bytes)))
            }
            let receipt = try Receipts.make(
                context, accepted: false, diagnostics: error.diagnostics, signer: dryRun ? nil : hub)
            let decision = Decision(
                documentID: context.id, type: context.type, accepted: false, status: .rejected,
                diagnostics: error.diagnostics, changes: [], receipt: receipt, repeated: false, dryRun: dryRun,
                sender: context.sender.isEmpty ? nil : context.sender,
                number: context.number.isEmpty ? nil : context.number, signer: context.signer,
                algorithm: context.algorithm)
            // Only its receipt is kept, in the refusals' journal, so the submitter can fetch it again by its id.
            if !dryRun {
                let rejection = RejectionRecord(
                    id: context.id, submitter: submitter, type: context.type,
                    sender: context.sender.isEmpty ? nil : context.sender,
                    number: context.number.isEmpty ? nil : context.number, receivedAt: now,
                    code: error.diagnostics.first?.code.rawValue ?? error.code.rawValue, receipt: receipt,
                    date: context.date.isEmpty ? nil : context.date)
                try store.write { tx in
                    try tx.save(rejection)
                    if let journal { try Audit.append(journal(decision), at: now, in: tx) }
                }
            }
            return decision
        }
    }
}

/// The document was stored before, with the same content: its stored receipt is the answer.
struct Repeated: Error {
    let earlier: DocumentRecord
}

extension DocumentPipeline {
    /// Whether the sender's number is free, or taken by this very document (`Repeated`), or by another one.
    /// - Throws: `Repeated`, or `FLC_NUMBER_USED` at the number's line.
    static func checkNumber(_ earlier: DocumentRecord?, _ handler: any DocumentHandler, _ digest: String) throws {
        guard let earlier else { return }
        if earlier.digest == digest { throw Repeated(earlier: earlier) }
        throw TanbaError(
            .flcNumberUsed,
            "\(handler.sender) already sent document \(handler.number) (\(earlier.id)) with different content",
            line: handler.numberLine, path: handler.numberPath)
    }
}

/// What a handler and the receipt need to know about the submission.
struct Context {
    /// `DOC-` and the first 24 hex digits of `digest`.
    private(set) var id = ""
    /// SHA-256 of the canonical form (of the bytes, for a document that does not parse).
    private(set) var digest = ""
    let bytes: [UInt8]
    let now: Date
    let dryRun: Bool
    var type: String?
    var sender = ""
    var number = ""
    var date = ""
    var ruleSet = RuleSet.all[0]
    /// Reference data, for controls against the lists (countries, reasons…).
    var reference: ReferenceData?
    var changes: [CodeRecord] = []
    var status: DocumentStatus = .rejected
    var recipient: String?
    var receipt: [UInt8] = []
    /// The verified signer and algorithm, once the signature is checked.
    var signer: SignerIdentity?
    var algorithm: String?

    init(bytes: [UInt8], now: Date, dryRun: Bool) {
        self.bytes = bytes
        self.now = now
        self.dryRun = dryRun
    }

    /// The decision to accept, as computed so far.
    var acceptance: Decision {
        Decision(
            documentID: id, type: type, accepted: true, status: status, diagnostics: [], changes: changes,
            receipt: receipt, repeated: false, dryRun: dryRun, sender: sender, number: number, signer: signer,
            algorithm: algorithm)
    }

    mutating func identify(digest: String) {
        self.digest = digest
        id = "DOC-" + digest.prefix(24)
    }

    /// Today's date where the hub is (Astana/Almaty), as `YYYY-MM-DD`.
    var today: String {
        let parts = Self.calendar.dateComponents([.year, .month, .day], from: now)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))"
    }

    /// Built once: a calendar with its time zone costs more than deciding a small document's dates.
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Almaty") ?? .gmt
        return calendar
    }()
}

/// What processing a document did.
struct Outcome {
    var changes: [CodeRecord]
    var status: DocumentStatus
    var recipient: String?
}

/// A document type the pipeline processes.
protocol DocumentHandler {
    static var typeCode: String { get }
    static var namespace: String { get }
    init(root: XMLElement) throws
    var sender: String { get }
    var number: String { get }
    var date: String { get }
    var numberLine: Int? { get }
    var numberPath: String? { get }
    /// The format-logical rules this document type runs, in order (docs/FLC.md lists them).
    static var rules: [any DocumentRule] { get }
    /// What the document states that the rules check.
    var facts: DocumentFacts { get }
    /// Runs every control and applies the document to `tx` — a recorder over a snapshot, whose writes become the
    /// decision's change set; throws every violation at once.
    func process(in tx: any StoreWriter, context: Context) throws -> Outcome
    /// The member state whose system signs this document instead of a participant (an EAEU arrival); nil for a
    /// participant's document.
    var partnerCountry: EAEUCountry? { get }
}

extension DocumentHandler {
    var partnerCountry: EAEUCountry? { nil }
}

extension DocumentHandler {
    /// Every violation of the document type's rules, checked against `tx` (the decision's snapshot).
    func checkRules(_ context: Context, in tx: any StoreReader) throws -> [Diagnostic] {
        try Self.rules.check(
            facts, in: RuleContext(reader: tx, reference: context.reference, today: context.today, documentDate: date))
    }
}

enum Handlers {
    // A constant list of types, never mutated: metatypes of a non-Sendable protocol are not Sendable themselves,
    // though nothing here can be shared mutable state.
    nonisolated(unsafe) static let all: [any DocumentHandler.Type] = [
        ShipmentHandler.self, ShipmentAnswerHandler.self, ShipmentCancellationHandler.self, WithdrawalHandler.self,
        ReturnHandler.self,
        ApplicationReportHandler.self, IntroductionProductionHandler.self, AggregationHandler.self,
        IntroductionImportHandler.self, DisaggregationHandler.self, ReaggregationHandler.self, RemarkingHandler.self,
        EAEUShipmentHandler.self, ExportHandler.self, CodeOrderHandler.self, EAEUArrivalHandler.self,
    ]
}

/// Phase durations of one submission, printed to standard error when `TANBA_TRACE` is set (for profiling the
/// pipeline on real documents; `make bench` reports the totals): wall time, and the calling thread's CPU time in
/// brackets, which another process competing for the cores does not inflate as it does the wall time.
struct PhaseClock {
    private static let enabled = ProcessInfo.processInfo.environment["TANBA_TRACE"] != nil
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = Self.threadCPU()
    private var phases: [(String, Double, Double)] = []

    private static func threadCPU() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) * 1e3 + Double(now.tv_nsec) / 1e6
    }

    mutating func mark(_ phase: String) {
        guard Self.enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.threadCPU()
        phases.append((phase, Double(now - last) / 1e6, cpu - lastCPU))
        last = now
        lastCPU = cpu
    }

    func report() {
        guard Self.enabled, !phases.isEmpty else { return }
        let line = phases.map { "\($0.0) \(String(format: "%.2f ms (%.2f)", $0.1, $0.2))" }.joined(separator: ", ")
        FileHandle.standardError.write(Data("tanba: \(line)\n".utf8))
    }
}
