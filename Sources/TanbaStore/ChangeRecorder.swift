public import Foundation
public import TanbaDomain
import TanbaErrors

/// A writer that writes nothing: it reads through to a snapshot and records every write into a `ChangeSet`.
///
/// The document handlers are written against `StoreWriter`; run on a recorder they decide without a write
/// transaction. The recorder answers reads as the transaction would (its own writes first), so a handler that
/// inserts a package and then fills it sees the package. It remembers the state it first read of every code,
/// which becomes the state the change set expects to find when applied.
///
/// Not for concurrent use: one decision, one recorder.
public final class ChangeRecorder: StoreWriter {
    private let base: any StoreReader
    /// What was decided so far, with the snapshot's row numbers of the codes read when its store has them.
    public var changes: ChangeSet {
        var decided = self.decided
        if let numbered = base as? any RowNumbering { decided.rowHints = numbered.rowNumbers }
        return decided
    }
    private var decided = ChangeSet()
    /// Where the latest state of each code this decision inserted or changed is kept in `decided`: one table,
    /// so a decision on 100,000 codes makes one lookup per code and step, not three.
    private enum Written {
        case inserted(batch: Int, index: Int)
        case updated(Int)
    }
    private var written: [String: Written] = [:]
    /// Fiscal receipts the snapshot was asked for and does not hold (it answers the same every time).
    private var receiptsAbsent: Set<String> = []

    public init(_ snapshot: any StoreReader) { base = snapshot }

    // MARK: Codes
    //
    // Nothing read is kept: the snapshot answers the same way every time it is asked (a consistent read
    // transaction), so a code this decision did not write is read from it again, and a decision on 100,000 codes
    // holds each code once in its change set (state expected, state left) rather than again in a cache.

    /// The latest state of a code this decision wrote.
    private func mine(_ id: String) -> CodeRecord? {
        guard !written.isEmpty, let place = written[id] else { return nil }
        switch place {
        case .inserted(let batch, let index): return decided.inserts[batch].codes[index]
        case .updated(let index): return decided.updates[index].after
        }
    }

    public func code(_ id: String) throws -> CodeRecord? {
        if let mine = mine(id) { return mine }
        return try base.code(id)
    }

    public func codes(_ ids: [String]) throws -> [String: CodeRecord] {
        // The first look-up of a decision: everything comes from the snapshot as it is.
        if written.isEmpty { return try base.codes(ids) }
        var result: [String: CodeRecord] = [:]
        var ask: [String] = []
        for id in ids {
            if let known = mine(id) { result[id] = known } else { ask.append(id) }
        }
        if !ask.isEmpty { result.merge(try base.codes(ask)) { mine, _ in mine } }
        return result
    }

    /// The snapshot's answer with this decision's changes laid over it: records it changed replace the
    /// snapshot's, those that no longer match drop out, and those it made match come in.
    private func merged(_ fromBase: [CodeRecord], matching: (CodeRecord) -> Bool) -> [CodeRecord] {
        var seen: Set<String> = []
        var result: [CodeRecord] = []
        for record in fromBase {
            let current = mine(record.id) ?? record
            seen.insert(current.id)
            if matching(current) { result.append(current) }
        }
        for id in written.keys where !seen.contains(id) {
            if let record = mine(id), matching(record) { result.append(record) }
        }
        return result
    }

    public func children(of parents: [String]) throws -> [CodeRecord] {
        let wanted = Set(parents)
        return merged(try base.children(of: parents)) { $0.parent.map(wanted.contains) ?? false }
    }

    public func codes(lockedBy document: String) throws -> [CodeRecord] {
        merged(try base.codes(lockedBy: document)) { $0.lockedBy == document }
    }

    public func events(of id: String) throws -> [CodeEvent] { try base.events(of: id) }

    // A decision never lists stock: these read the snapshot as it was, without the decision's own changes.
    public func stock(owner: String) throws -> [StockCount] { try base.stock(owner: owner) }
    public func ownedCodes(
        owner: String, gtin: String?, level: PackagingLevel?, status: CodeStatus?, after: String?, limit: Int
    ) throws -> [CodeRecord] {
        try base.ownedCodes(owner: owner, gtin: gtin, level: level, status: status, after: after, limit: limit)
    }
    public func codeCount() throws -> Int {
        try base.codeCount() + decided.inserts.reduce(0) { $0 + $1.codes.count }
    }

    public func insert(_ codes: [CodeRecord], origin: String?) throws {
        // The store refuses a code that exists (a GTIN + serial is issued once): refused here the same way, with
        // the same diagnostics, so the decision is the one the store would have made.
        let taken = try self.codes(codes.map(\.id)).keys.sorted()
        guard taken.isEmpty else {
            throw TanbaError(
                diagnostics: taken.map {
                    Diagnostic(.codeDuplicate, "\($0): this code exists already and is never issued again", subject: $0)
                })
        }
        let batch = decided.inserts.count
        written.reserveCapacity(written.count + codes.count)
        for (index, code) in codes.enumerated() { written[code.id] = .inserted(batch: batch, index: index) }
        decided.inserts.append((codes, origin))
    }

    /// Changes codes, each expected in the state the snapshot has it (read again here, in one look-up).
    public func update(_ codes: [CodeRecord]) throws {
        let unseen = codes.filter { written[$0.id] == nil }.map(\.id)
        let befores = unseen.isEmpty ? [:] : try base.codes(unseen)
        try update(
            codes.map { code in
                guard let before = mine(code.id) ?? befores[code.id] else {
                    throw TanbaError(.codeNotFound, "\(code.id): no such code", subject: code.id)
                }
                return CodeChange(before: before, after: code)
            })
    }

    /// Changes codes from the states the decision read (`before`, as the snapshot has them) to their new ones.
    /// A code this decision wrote already keeps its first expected state (or its insert) and takes the new one.
    public func update(_ changes: [CodeChange]) throws {
        if written.isEmpty {
            // The decision's first change: the list becomes the change set's own, shared rather than copied
            // (100,000 changes of a large document are not held twice) — unless it names a code twice.
            written.reserveCapacity(changes.count)
            var once = true
            for (index, change) in changes.enumerated()
            where written.updateValue(.updated(index), forKey: change.after.id) != nil {
                once = false
                break
            }
            if once {
                decided.updates = changes
                return
            }
            written = [:]
        }
        // Grown geometrically: a decision that changes one code at a time (a fiscal batch's lines) would otherwise
        // copy its whole list of changes on every call, each copy retaining every record — quadratic.
        if decided.updates.capacity < decided.updates.count + changes.count {
            decided.updates.reserveCapacity(max(decided.updates.count + changes.count, decided.updates.capacity * 2))
        }
        if written.capacity < written.count + changes.count {
            written.reserveCapacity(max(written.count + changes.count, written.capacity * 2))
        }
        for change in changes {
            let code = change.after
            switch written[code.id] {
            case .inserted(let batch, let index):
                // Made by this decision: the insert carries its final state.
                decided.inserts[batch].codes[index] = code
            case .updated(let index):
                decided.updates[index].after = code
            case nil:
                written[code.id] = .updated(decided.updates.count)
                decided.updates.append(change)
            }
        }
    }

    public func record(_ event: HistoryEntry, for codes: [String]) throws {
        decided.history.append((event, codes))
    }

    // MARK: Documents, participants, catalogue

    public func document(id: String) throws -> DocumentRecord? {
        if let mine = decided.document, mine.id == id { return mine }
        guard var found = try base.document(id: id) else { return nil }
        if let change = decided.statusChanges.last(where: { $0.id == id }) { found.status = change.status }
        return found
    }

    public func document(sender: String, number: String) throws -> DocumentRecord? {
        if let mine = decided.document, mine.sender == sender, mine.number == number { return mine }
        return try base.document(sender: sender, number: number)
    }

    public func documentPage(_ filter: DocumentFilter) throws -> DocumentPage { try base.documentPage(filter) }
    public func rejection(id: String) throws -> RejectionRecord? { try base.rejection(id: id) }

    public func save(_ document: DocumentRecord) throws { decided.document = document }

    public func setStatus(_ status: DocumentStatus, of id: String) throws {
        guard let current = try base.document(id: id) else {
            throw TanbaError(.storeConflict, "document \(id) is not stored")
        }
        decided.statusChanges.removeAll { $0.id == id }
        decided.statusChanges.append(DocumentStatusChange(id: id, expected: current.status, status: status))
    }

    public func save(_ rejection: RejectionRecord) throws {
        throw TanbaError(.internal, "a refusal is journalled by the pipeline, not decided")
    }

    public func participant(_ id: String) throws -> Participant? {
        try decided.participants.last { $0.id == id } ?? base.participant(id)
    }

    public func participants() throws -> [Participant] { try base.participants() }

    public func product(_ gtin: String) throws -> ProductCard? {
        try decided.products.last { $0.gtin == gtin } ?? base.product(gtin)
    }

    public func products() throws -> [ProductCard] { try base.products() }

    public func emissionKeys() throws -> [StoredEmissionKey] {
        decided.emissionKeys.reversed() + (try base.emissionKeys())
    }

    public func save(_ participant: Participant) throws { decided.participants.append(participant) }
    public func save(_ products: [ProductCard]) throws { decided.products += products }
    public func save(_ key: StoredEmissionKey) throws { decided.emissionKeys.append(key) }
    public func enqueue(_ messages: [OutboundMessage]) throws { decided.messages += messages }

    // MARK: Journals and logins: not part of a decision

    public func lastAudit() throws -> AuditRecord? { try base.lastAudit() }
    public func audit(after: Int64, limit: Int) throws -> [AuditRecord] { try base.audit(after: after, limit: limit) }

    public func append(_ record: AuditRecord) throws {
        // The chain's head is only known inside the write: the audit entry is appended when the set is applied.
        throw TanbaError(.internal, "audit entries are appended when a change set is applied")
    }

    public func session(tokenHash: String, at now: Date) throws -> StoredSession? {
        try base.session(tokenHash: tokenHash, at: now)
    }

    public func save(_ session: StoredSession) throws {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    public func saveChallenge(nonce: String, expiresAt: Date) throws {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    public func consumeChallenge(nonce: String, at now: Date) throws -> Bool {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    public func purgeExpiredLogins(before now: Date) throws {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    public func register(_ participant: Participant) throws -> Bool {
        throw TanbaError(.internal, "registrations are not part of a document's decision")
    }

    public func extendSession(tokenHash: String, to expiresAt: Date, at now: Date) throws -> Bool {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    public func endSession(tokenHash: String) throws {
        throw TanbaError(.internal, "logins are not part of a document's decision")
    }

    // MARK: Public control

    public func origin(document: String, gtin: String) throws -> GoodsOrigin? {
        if let mine = decided.origins.first(where: { $0.document == document && $0.gtin == gtin }) { return mine }
        return try base.origin(document: document, gtin: gtin)
    }

    public func violation(_ reference: String) throws -> ViolationReport? { try base.violation(reference) }
    public func violations(_ filter: ViolationFilter) throws -> ViolationPage { try base.violations(filter) }
    public func steps(of reference: String) throws -> [ViolationStep] { try base.steps(of: reference) }
    public func introduction(of id: String) throws -> String? { try base.introduction(of: id) }
    public func issuedCodes(order: String, after: String?, limit: Int) throws -> [CodeRecord] {
        try base.issuedCodes(order: order, after: after, limit: limit)
    }
    public func locatedChecks(of code: String, since: Date, limit: Int) throws -> [PublicCheckEntry] {
        try base.locatedChecks(of: code, since: since, limit: limit)
    }

    public func save(_ origins: [GoodsOrigin]) throws { decided.origins += origins }

    public func file(_ report: ViolationReport) throws -> Bool {
        throw TanbaError(.internal, "violation reports are not part of a document's decision")
    }

    public func setStatus(of reference: String, expected: ViolationStatus, to step: ViolationStep) throws -> Bool {
        throw TanbaError(.internal, "violation reports are not part of a document's decision")
    }

    public func record(_ checks: [PublicCheckEntry]) throws {
        throw TanbaError(.internal, "public checks are not part of a document's decision")
    }

    // MARK: Fiscal receipts

    public func fiscalReceipts(ids: [String]) throws -> [String: FiscalReceiptRecord] {
        var found = try base.fiscalReceipts(ids: ids)
        for id in ids where found[id] == nil { receiptsAbsent.insert(id) }
        let wanted = Set(ids)
        for receipt in decided.fiscalReceipts where wanted.contains(receipt.id) { found[receipt.id] = receipt }
        return found
    }

    public func fiscalReceipts(code: String, limit: Int) throws -> [FiscalReceiptRecord] {
        try base.fiscalReceipts(code: code, limit: limit)
    }

    public func fiscalReceiptsWithViolations(since: Date, limit: Int) throws -> [FiscalReceiptRecord] {
        try base.fiscalReceiptsWithViolations(since: since, limit: limit)
    }

    /// A receipt this decision records; one it recorded already, or one the snapshot holds, is refused as the
    /// store would refuse it.
    public func save(_ receipts: [FiscalReceiptRecord]) throws {
        // The snapshot is asked only of receipts it was not asked of already (the intake asks it of every receipt
        // of a batch first: reading them again cost as much as the first time).
        let unread = receipts.map(\.id).filter { !receiptsAbsent.contains($0) }
        var taken = unread.isEmpty ? [] : Array(try base.fiscalReceipts(ids: unread).keys)
        if !decided.fiscalReceipts.isEmpty {
            let ids = Set(receipts.map(\.id))
            taken += decided.fiscalReceipts.map(\.id).filter { ids.contains($0) }
        }
        var seen: Set<String> = []
        for receipt in receipts where !seen.insert(receipt.id).inserted { taken.append(receipt.id) }
        guard taken.isEmpty else {
            throw TanbaError(.storeConflict, "fiscal receipt \(taken.sorted()[0]) is recorded already")
        }
        decided.fiscalReceipts += receipts
    }

    // MARK: Outbox

    public func queued(_ filter: OutboxFilter) throws -> [QueuedMessage] { try base.queued(filter) }
    public func outboxCounts() throws -> [OutboxCount] { try base.outboxCounts() }

    public func claim(channel: String, limit: Int, worker: String, now: Date, leaseUntil: Date) throws
        -> [QueuedMessage]
    {
        throw TanbaError(.internal, "delivering messages is not part of a document's decision")
    }

    public func markDelivered(_ seq: Int64, reply: [UInt8]?, at: Date) throws -> Bool {
        throw TanbaError(.internal, "delivering messages is not part of a document's decision")
    }

    public func markFailed(_ seq: Int64, error: String, retryAt: Date, dead: Bool) throws -> Bool {
        throw TanbaError(.internal, "delivering messages is not part of a document's decision")
    }

    public func resend(_ seq: Int64, at: Date) throws -> Bool {
        throw TanbaError(.internal, "delivering messages is not part of a document's decision")
    }

    // MARK: Registers

    public func registerEntry(_ id: String) throws -> RegisterEntry? { try base.registerEntry(id) }
    public func registerImported() throws -> Bool { try base.registerImported() }

    public func save(_ entries: [RegisterEntry]) throws -> Int {
        throw TanbaError(.internal, "the registers' copy is not part of a document's decision")
    }

    // MARK: Ministry of Finance export

    public func mofEvents(from: String, to: String, after: MoFEvent.Position, limit: Int) throws -> [MoFEvent] {
        try base.mofEvents(from: from, to: to, after: after, limit: limit)
    }
    public func mofExportPage(after: MoFExportCursor?, limit: Int) throws -> MoFExportPage {
        try base.mofExportPage(after: after, limit: limit)
    }
    public func mofExport(id: String) throws -> MoFExportRecord? { try base.mofExport(id: id) }
    public func dailyMoFExport(day: String) throws -> MoFExportRecord? { try base.dailyMoFExport(day: day) }
    public func lastDailyMoFDay() throws -> String? { try base.lastDailyMoFDay() }
    public func mofReconciliation(id: String) throws -> MoFReconciliationRecord? {
        try base.mofReconciliation(id: id)
    }
    public func mofReconciliationPage(after: MoFReconciliationCursor?, limit: Int) throws -> MoFReconciliationPage {
        try base.mofReconciliationPage(after: after, limit: limit)
    }

    public func save(_ events: [MoFEvent]) throws { decided.mofEvents += events }

    public func save(_ export: MoFExportRecord) throws {
        throw TanbaError(.internal, "exports are not part of a document's decision")
    }

    public func acknowledge(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        throw TanbaError(.internal, "acknowledgements are not part of a document's decision")
    }

    public func save(_ report: MoFReconciliationRecord) throws {
        throw TanbaError(.internal, "reconciliation reports are not part of a document's decision")
    }

    public func acknowledgeReconciliation(_ id: String, state: MoFAckState, at: Date, reason: String?) throws -> Bool {
        throw TanbaError(.internal, "acknowledgements are not part of a document's decision")
    }

    // MARK: The Ministry's SNT lists

    public func sntList(digest: String) throws -> SNTListRecord? { try base.sntList(digest: digest) }
    public func sntCoverage(from: String, to: String) throws -> [String: (list: String, createdAt: Date)] {
        try base.sntCoverage(from: from, to: to)
    }
    public func sntListPage(from: String, to: String, after: SNTListCursor?, limit: Int) throws -> SNTListPage {
        try base.sntListPage(from: from, to: to, after: after, limit: limit)
    }
    public func sntPage(from: String, to: String, after: SNTCursor?, limit: Int) throws -> SNTPage {
        try base.sntPage(from: from, to: to, after: after, limit: limit)
    }

    public func save(_ list: SNTListRecord, days: [String], snts: [SNTRecord]) throws {
        throw TanbaError(.internal, "SNT lists are not part of a document's decision")
    }
}
