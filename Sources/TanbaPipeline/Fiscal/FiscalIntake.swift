import Crypto
public import Foundation
import TanbaDomain
import TanbaErrors
public import TanbaStore
public import TanbaXML

/// The hub's answer to an OFD's batch: each receipt and each line with its outcome.
public struct FiscalAnswer: Sendable, Codable {
    public struct Line: Sendable, Codable {
        public let line: Int
        /// The code's identity (`01` GTIN `21` serial).
        public let code: String
        /// `applied` (sold, or returned into circulation) or `violation` (recorded; the code's state unchanged).
        public let outcome: String
        /// The violation's kind (`soldTwice`, `soldOutOfCirculation`, `soldNotOwned`, `refundNotSold`).
        public let violation: String?
        public let message: String?
    }

    public struct Receipt: Sendable, Codable {
        public let id: String
        public let register: String
        public let fiscalSign: String
        public let kind: String
        /// `applied` (recorded now), `repeated` (recorded before: the stored outcome), or `conflict` (recorded before
        /// with other content; `error` says so, `lines` are the stored receipt's).
        public let status: String
        public let error: String?
        public let lines: [Line]
    }

    public let batch: String
    public let ofd: String
    public let receivedAt: Date
    public let receipts: [Receipt]
    public let applied: Int
    public let repeated: Int
    public let conflicts: Int
    public let violations: Int

    /// The audit trail's result: the counts.
    public var outcome: String {
        "applied \(applied), repeated \(repeated), conflicts \(conflicts), violations \(violations)"
    }
}

/// What the audit trail says of one batch, whatever became of it.
public struct FiscalAuditFacts: Sendable {
    public let batch: String?
    public let ofd: String?
    public let signer: SignerIdentity?
    /// The counts of an answer, or `refused CODE`.
    public let result: String
}

/// The fiscal data intake: batches of cash receipts an OFD relays, signed by it.
///
/// One batch: safe parse → XSD (`xsd/fiscal-receipts-1.xsd`, the pipeline's schema set) → the OFD's signature
/// (the pipeline's verifier: trust store, CRLs) → authority (the signer acts for the batch's `Operator`, a
/// participant with role `ofd`, with an NCA role `document-types.json` allows for `fiscalReceipts`) → every code
/// read (GS1, national format, verification tail) → decided on a snapshot → applied in one transaction. A batch
/// that fails any of these is refused whole, every error of its stage listed, nothing applied, audited.
///
/// Deciding: each receipt is keyed by its register and fiscal sign (`FR-<register>-<sign>`). One recorded before
/// is answered from the store (`repeated`); one new has its lines decided in order on a `ChangeRecorder` — a sale
/// withdraws the code as `retailSale`, a refund returns it (`Ledger.perform`, the codes' state machine) — and a
/// line the state machine cannot apply (sold twice, not in circulation, not the seller's, a refund of a code not
/// sold) changes no code: it is recorded with its violation, for the inspectors, and pins the code's state so
/// that the decision holds only if nothing changed it meanwhile. Applying is `StoreWriter.apply`: the receipts'
/// primary key and the codes' expected states make a concurrent copy of the batch (or any change of its codes)
/// `STORE_CONFLICT`, and the batch is decided again — its receipts then repeated.
///
/// Violations are filed in the same write (`ControlWriter.file`), each with the signal key
/// `fiscal:<receipt>:<line>` (unique in the store): on PostgreSQL one transaction; on SQLite the violations live in
/// the checks file (`<store>-checks`), which WAL commits apart from the ledger's, so a crash between the two leaves
/// receipts without their violations. Filing is therefore idempotent and repeated: every answer of a repeated
/// receipt files its violations again (nothing is filed twice: the key), and `refile(since:)` (run by `tanba
/// serve` at start and `tanba fiscal refile`) files those of every receipt recorded since a moment.
public final class FiscalIntake: Sendable {
    let pipeline: DocumentPipeline

    public init(pipeline: DocumentPipeline) { self.pipeline = pipeline }

    var store: any HubStore { pipeline.store }

    /// How often a batch is decided when what it read keeps changing under it (concurrent copies, other tills).
    static let attempts = 6

    /// Decides and applies a batch.
    /// - Parameter journal: the channel's audit entry, from what became of the batch; appended in the batch's own
    ///   transaction, or in one of its own for a refusal.
    /// - Throws: the refusal, every error of the failing stage listed (XML, XSD, signature, certificate, authority,
    ///   `FISCAL_NOT_OPERATOR`, `FISCAL_CODE_INVALID`); `STORE_*` when the store fails.
    public func submit(
        _ bytes: [UInt8], now: Date = Date(), journal: @escaping @Sendable (FiscalAuditFacts) -> Audit.Event
    ) throws -> FiscalAnswer {
        var read: (batch: FiscalBatch, signer: SignerIdentity, document: XMLDocument)?
        var clock = PhaseClock()
        defer { clock.report() }
        do {
            read = try verify(bytes, now: now, clock: &clock)
            var attempt = 1
            while true {
                do {
                    return try decideAndApply(
                        read!.batch, signer: read!.signer, now: now, journal: journal, clock: &clock)
                } catch let error as TanbaError where error.code == .storeConflict && attempt < Self.attempts {
                    attempt += 1
                }
            }
        } catch let error as TanbaError where error.category != .internal && error.code != .storeConflict {
            let facts = FiscalAuditFacts(
                batch: read?.batch.id, ofd: read?.batch.ofd, signer: read?.signer,
                result: "refused \(error.diagnostics.first?.code.rawValue ?? error.code.rawValue)")
            try Audit.record(journal(facts), in: store, at: now)
            throw error
        }
    }

    /// Parse, schema, signature: the batch as its signer sent it.
    private func verify(_ bytes: [UInt8], now: Date, clock: inout PhaseClock) throws -> (
        FiscalBatch, SignerIdentity, XMLDocument
    ) {
        let document = try XMLDocument.parse(bytes, limits: pipeline.limits)
        clock.mark("parse")
        let type = try pipeline.schemas.validate(document)
        clock.mark("xsd")
        guard type.namespace == FiscalBatch.namespace, type.rootElement == FiscalBatch.rootElement else {
            throw TanbaError(
                .flcDocumentTypeUnsupported,
                "{\(type.namespace)}\(type.rootElement) is a document: submit it to /v1/documents; the fiscal intake "
                    + "takes {\(FiscalBatch.namespace)}\(FiscalBatch.rootElement) batches only",
                line: document.root.line, path: document.root.path)
        }
        let verified = try pipeline.verifier.verify(document, at: now)
        clock.mark("signature")
        let batch = try FiscalBatch(root: document.root)
        clock.mark("batch")
        return (batch, verified.signer, document)
    }

    /// One decision on a snapshot, applied with its violations and audit entry in one write.
    private func decideAndApply(
        _ batch: FiscalBatch, signer: SignerIdentity, now: Date,
        journal: @escaping @Sendable (FiscalAuditFacts) -> Audit.Event, clock: inout PhaseClock
    ) throws -> FiscalAnswer {
        let decision = try store.read { snapshot in try decide(batch, signer: signer, now: now, in: snapshot) }
        clock.mark("decide")
        let facts = FiscalAuditFacts(
            batch: batch.id, ofd: batch.ofd, signer: signer, result: decision.answer.outcome)
        try store.write { tx in
            try tx.apply(decision.changes)
            for report in decision.violations { _ = try tx.file(report) }
            try Audit.append(journal(facts), at: now, in: tx)
        }
        clock.mark("apply")
        return decision.answer
    }

    struct Decision {
        var changes: ChangeSet
        var answer: FiscalAnswer
        /// Every violation of the batch's receipts, new and repeated (filed again: the key keeps it once).
        var violations: [ViolationReport]
    }

    func decide(_ batch: FiscalBatch, signer: SignerIdentity, now: Date, in snapshot: any StoreReader) throws
        -> Decision
    {
        try Authority.check(
            signer: signer, sender: batch.ofd, type: FiscalBatch.typeCode, roles: pipeline.signerRoles, in: snapshot)
        guard let ofd = try snapshot.participant(batch.ofd), ofd.roles.contains(.ofd) else {
            throw TanbaError(
                .fiscalNotOperator,
                "\(batch.ofd) is not registered as a fiscal data operator (its roles: "
                    + "\((try snapshot.participant(batch.ofd)?.roles.map(\.rawValue).sorted() ?? []).joined(separator: ", ")))"
            )
        }
        let codes = try readCodes(batch, in: snapshot)
        let recorder = ChangeRecorder(snapshot)
        let stored = try recorder.fiscalReceipts(ids: batch.receipts.map(\.id))
        // Every code of the batch in one read: the lines are decided from this map, kept up to date as they apply
        // (a sale and its refund in one batch), rather than one read per line (a round trip each on PostgreSQL).
        // Each line's identity, made once: `identification` builds a new string each time it is asked.
        let identities = codes.map { $0.map(\.identification) }
        var current = try snapshot.codes(Array(identities.joined()))
        var answers: [FiscalAnswer.Receipt] = []
        var recorded: [FiscalReceiptRecord] = []
        var violations: [ViolationReport] = []
        var counts = (applied: 0, repeated: 0, conflicts: 0, violations: 0)
        var digestBytes: [UInt8] = []
        // The lines' changes, given to the recorder at once (each call of its own cost more than the change).
        var pending: [CodeChange] = []
        pending.reserveCapacity(identities.reduce(0) { $0 + $1.count })
        for (index, receipt) in batch.receipts.enumerated() {
            let digest = receipt.digest(codes: identities[index], buffer: &digestBytes)
            if let earlier = stored[receipt.id] {
                let same = earlier.digest == digest
                if same { counts.repeated += 1 } else { counts.conflicts += 1 }
                answers.append(
                    Self.answer(
                        earlier, status: same ? "repeated" : "conflict",
                        error: same
                            ? nil
                            : "\(ErrorCode.fiscalReceiptConflict.rawValue): \(receipt.id) is recorded already with other content (batch \(earlier.batch))"
                    ))
                violations += try reports(of: earlier, in: snapshot)
                continue
            }
            var lines: [FiscalLineRecord] = []
            var moved: [CodeRecord] = []
            for (offset, (line, code)) in zip(receipt.lines, codes[index]).enumerated() {
                let id = identities[index][offset]
                let found = try decideLine(
                    receipt, code: id, tail: code.verificationCode ?? code.crypto93, current: &current, moved: &moved,
                    pending: &pending, in: recorder)
                lines.append(
                    FiscalLineRecord(
                        line: line.number, code: id, gtin: code.gtin.value, price: line.price, violation: found?.0,
                        message: found?.1))
            }
            // One history entry per receipt (its document) and resulting owner and status, as `Ledger` records.
            // A receipt's lines nearly always end in one entry: a list searched is cheaper than a hashed key.
            var entries: [(entry: HistoryEntry, ids: [String])] = []
            for record in moved {
                let entry = HistoryEntry(
                    at: receipt.issuedAt, operation: receipt.kind == .sale ? "withdraw" : "return",
                    status: record.status, owner: record.owner, document: receipt.id)
                if let index = entries.firstIndex(where: { $0.entry == entry }) {
                    entries[index].ids.append(record.id)
                } else {
                    entries.append((entry, [record.id]))
                }
            }
            for (entry, ids) in entries { try recorder.record(entry, for: ids) }
            let record = FiscalReceiptRecord(
                register: receipt.register, registerSerial: receipt.registerSerial, fiscalSign: receipt.fiscalSign,
                ofd: batch.ofd, batch: batch.id, seller: receipt.seller, kind: receipt.kind,
                issuedAt: receipt.issuedAt, receivedAt: now, digest: digest, lines: lines)
            recorded.append(record)
            counts.applied += 1
            counts.violations += lines.filter { $0.violation != nil }.count
            answers.append(Self.answer(record, status: "applied", error: nil))
            violations += try reports(of: record, in: snapshot)
        }
        try recorder.update(pending)
        try recorder.save(recorded)
        let answer = FiscalAnswer(
            batch: batch.id, ofd: batch.ofd, receivedAt: now, receipts: answers, applied: counts.applied,
            repeated: counts.repeated, conflicts: counts.conflicts, violations: counts.violations)
        return Decision(changes: recorder.changes, answer: answer, violations: violations)
    }

    /// Every line's code, read as the look-ups read codes: GS1 syntax, the product group's national format (from
    /// the GTIN's card), a marking code (not an SSCC) carrying its verification tail (AI 92 or 93).
    /// - Throws: `FISCAL_CODE_INVALID` for every line whose code cannot be read, at its element.
    private func readCodes(_ batch: FiscalBatch, in snapshot: any StoreReader) throws -> [[MarkingCode]] {
        let reference = pipeline.reference
        var problems: [Diagnostic] = []
        var result: [[MarkingCode]] = []
        result.reserveCapacity(batch.receipts.count)
        var formats: [String: NationalCodeFormat?] = [:]
        for receipt in batch.receipts {
            var codes: [MarkingCode] = []
            for line in receipt.lines {
                func problem(_ text: String) {
                    problems.append(
                        Diagnostic(
                            .fiscalCodeInvalid, "receipt \(receipt.id) line \(line.number): \(text)",
                            line: line.element.line, path: line.element.path))
                }
                do {
                    let parsed = try CodeReference.parse(line.text, formats: reference.codeFormats) { gtin in
                        if let known = formats[gtin.value] { return known }
                        let format = (try? snapshot.product(gtin.value)).flatMap { $0 }.flatMap {
                            reference.codeFormat(ofGroup: $0.productGroup)
                        }
                        formats[gtin.value] = format
                        return format
                    }
                    guard let code = parsed.markingCode else {
                        problem("\(parsed) is an SSCC: a receipt line names a marked unit or group package")
                        continue
                    }
                    guard code.verificationCode != nil || code.crypto93 != nil else {
                        problem(
                            "\(code) carries no verification tail (AI 92 or 93): a till sends the code as scanned")
                        continue
                    }
                    codes.append(code)
                } catch let error as TanbaError {
                    let first = error.diagnostics.first
                    problem(
                        "the code is not a marking code: \(first?.code.rawValue ?? error.code.rawValue) "
                            + (first?.column.map { "at column \($0): " } ?? "") + (first?.message ?? error.message))
                }
            }
            result.append(codes)
        }
        guard problems.isEmpty else { throw TanbaError(diagnostics: problems) }
        return result
    }

    /// One line: nil when applied, else the violation and why. A violation changes no code but pins the state it
    /// was judged on (an update to the same state, which the apply checks like any other). A unit's change is the
    /// state machine's (`CodeStateMachine.apply`, the rule `Ledger.perform` runs), added to `pending` (given to the
    /// recorder with the batch's others) and to `moved` (its history is the receipt's); a package's goes through
    /// `Ledger.perform` on the recorder, which moves its contents and records their history — after the changes
    /// pending, so that it reads what the lines before it did.
    private func decideLine(
        _ receipt: FiscalBatch.Receipt, code id: String, tail: String?, current: inout [String: CodeRecord],
        moved: inout [CodeRecord], pending: inout [CodeChange], in tx: ChangeRecorder
    ) throws -> (ViolationKind, String)? {
        guard let code = current[id] else {
            return (
                receipt.kind == .sale ? .soldOutOfCirculation : .refundNotSold, "the hub never issued this code"
            )
        }
        func pinned(_ kind: ViolationKind, _ message: String) throws -> (ViolationKind, String) {
            pending.append(CodeChange(before: code, after: code))
            return (kind, message)
        }
        func perform(_ operation: CodeOperation, on code: CodeRecord) throws {
            guard code.level == .unit else {
                try tx.update(pending)
                pending.removeAll(keepingCapacity: true)
                let changed = try Ledger.perform(
                    operation, on: [id], document: receipt.id, at: receipt.issuedAt, in: tx)
                for record in changed { current[record.id] = record }
                return
            }
            var unit = code
            // A unit sold from its package leaves it (as `Ledger.perform` takes a withdrawn unit out).
            if case .withdraw = operation { unit.parent = nil }
            let next = try CodeStateMachine.apply(operation, to: unit)
            pending.append(CodeChange(before: code, after: next))
            current[id] = next
            moved.append(next)
        }
        // The label sold is the one the hub issued: its tail is the verification code on record (a code registered
        // from abroad has none here, its tail is its state's). Another tail is a copied or made-up label: the
        // genuine code's state is not touched by it.
        if let issued = code.verificationCode, let tail, tail != issued {
            return try pinned(
                .notGenuine, "the verification tail scanned is not the one the hub issued: a copied or forged label")
        }
        // Words for a violation only: most lines are sales that apply, and building them for each was waste.
        var state: String {
            code.status.rawValue + (code.withdrawalReason.map { " (\($0.rawValue))" } ?? "")
                + (code.lockedBy.map { ", locked by the shipment \($0)" } ?? "")
        }
        let sold = code.withdrawalReason == .retailSale || code.withdrawalReason == .distanceSale
        switch receipt.kind {
        case .sale:
            if code.status == .withdrawn && sold {
                return try pinned(
                    .soldTwice, "sold already and not returned: the code is \(state), owner \(code.owner)")
            }
            guard code.status == .inCirculation, code.lockedBy == nil else {
                return try pinned(.soldOutOfCirculation, "not in circulation: the code is \(state)")
            }
            guard code.owner == receipt.seller else {
                return try pinned(.soldNotOwned, "held by \(code.owner), not by the seller \(receipt.seller)")
            }
            do {
                try perform(.withdraw(by: receipt.seller, reason: .retailSale), on: code)
            } catch let error as TanbaError where error.category != .internal {
                return try pinned(.soldOutOfCirculation, error.message)
            }
        case .refund:
            guard code.status == .withdrawn, sold, code.owner == receipt.seller else {
                return try pinned(
                    .refundNotSold,
                    "not sold by the seller \(receipt.seller): the code is \(state), owner \(code.owner)")
            }
            do {
                try perform(.returnToCirculation(by: receipt.seller), on: code)
            } catch let error as TanbaError where error.category != .internal {
                return try pinned(.refundNotSold, error.message)
            }
        }
        return nil
    }

    static func answer(_ record: FiscalReceiptRecord, status: String, error: String?) -> FiscalAnswer.Receipt {
        FiscalAnswer.Receipt(
            id: record.id, register: record.register, fiscalSign: record.fiscalSign, kind: record.kind.rawValue,
            status: status, error: error,
            lines: record.lines.map {
                FiscalAnswer.Line(
                    line: $0.line, code: $0.code, outcome: $0.violation == nil ? "applied" : "violation",
                    violation: $0.violation?.rawValue, message: $0.message)
            })
    }

    /// The inspectors' entries of a receipt's violations: source `fiscal`, the code, its GTIN and product group,
    /// the seller as participant, the register in `shop`, the receipt in the description; one per line
    /// (`signalKey`), however often it is filed.
    func reports(of receipt: FiscalReceiptRecord, in snapshot: any StoreReader) throws -> [ViolationReport] {
        try receipt.lines.compactMap { line -> ViolationReport? in
            guard let kind = line.violation else { return nil }
            var report = ViolationReport(
                reference: Self.reference(), source: .fiscal, kind: kind, createdAt: receipt.receivedAt)
            report.code = line.code
            report.gtin = line.gtin
            report.productGroup = try snapshot.product(line.gtin)?.productGroup
            report.participant = receipt.seller
            report.shop =
                "cash register \(receipt.register)" + (receipt.registerSerial.map { " (serial \($0))" } ?? "")
            report.description =
                "receipt \(receipt.fiscalSign) of \(ISO8601DateFormatter().string(from: receipt.issuedAt)), "
                + "\(receipt.kind.rawValue), line \(line.line), price \(line.price), OFD \(receipt.ofd) batch "
                + "\(receipt.batch): \(line.message ?? kind.rawValue)"
            report.signalKey = "fiscal:\(receipt.id):\(line.line)"
            return report
        }
    }

    /// A violation's reference number, as the public side draws them (`V-` and ten characters).
    static func reference() -> String {
        let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return "V-" + String((0..<10).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Files again the violations of every receipt recorded since `since` (a crash between the ledger's commit and
    /// the checks file's, on SQLite); a violation filed already is not filed again.
    /// - Returns: how many were filed now.
    @discardableResult
    public func refile(since: Date) throws -> Int {
        var filed = 0
        var from = since
        var seen: Set<String> = []
        while true {
            let receipts = try store.read { try $0.fiscalReceiptsWithViolations(since: from, limit: 10_000) }
                .filter { !seen.contains($0.id) }
            guard !receipts.isEmpty else { return filed }
            filed += try store.write { tx in
                var count = 0
                for receipt in receipts {
                    for report in try reports(of: receipt, in: tx) where try tx.file(report) { count += 1 }
                }
                return count
            }
            seen.formUnion(receipts.map(\.id))
            from = receipts.last!.receivedAt
        }
    }

    /// Receipts naming a code (its identity), newest first.
    public func receipts(code: String, limit: Int = 100) throws -> [FiscalReceiptRecord] {
        try store.read { try $0.fiscalReceipts(code: code, limit: limit) }
    }
}
