public import TanbaDomain
import TanbaErrors

/// A code's change as decided: the state the decision read (and expects to find when it is applied) and the
/// state it leaves.
public struct CodeChange: Sendable, Hashable {
    public let before: CodeRecord
    public var after: CodeRecord

    public init(before: CodeRecord, after: CodeRecord) {
        self.before = before
        self.after = after
    }
}

/// The part of a code's record operations change, as stored: status, owner, withdrawal reason, lock and
/// package. Identity, level, emitter and verification code never change.
public struct CodeState: Sendable, Hashable {
    public let status: String
    public let owner: String
    public let reason: String?
    public let lockedBy: String?
    public let parent: String?

    public init(_ code: CodeRecord) {
        status = code.status.rawValue
        owner = code.owner
        reason = code.withdrawalReason?.rawValue
        lockedBy = code.lockedBy
        parent = code.parent
    }

    /// Codes grouped by their state: an operation on a shipment gives most codes the same one, so a store
    /// writes one statement per group.
    public static func grouped(_ codes: [CodeRecord]) -> [CodeState: [String]] {
        var groups = RunGroups<CodeState>()
        for code in codes { groups.add(code.id, to: CodeState(code)) }
        return groups.finished()
    }
}

/// A change from one state to another, and the codes that make it.
public struct CodeTransition: Sendable, Hashable {
    public let from: CodeState
    public let to: CodeState

    /// Changes grouped by (expected state, new state): a store checks and writes each group in one statement.
    public static func grouped(_ changes: [CodeChange]) -> [CodeTransition: [String]] {
        var groups = RunGroups<CodeTransition>()
        for change in changes {
            groups.add(
                change.before.id, to: CodeTransition(from: CodeState(change.before), to: CodeState(change.after)))
        }
        return groups.finished()
    }
}

/// Ids grouped by a key that neighbours mostly share (the codes of one document move from one state to one
/// other): each id is compared with the previous one's key, and the table is hashed only when the key changes.
/// A 100,000-code document hashed a key per code before (a tenth of its decision's time with the records'
/// hashing); the groups are the same, each in the order of its ids.
struct RunGroups<Key: Hashable> {
    private var groups: [Key: [String]] = [:]
    private var key: Key?
    private var run: [String] = []

    mutating func add(_ id: String, to key: Key) {
        if key != self.key {
            flush()
            self.key = key
        }
        run.append(id)
    }

    private mutating func flush() {
        guard let key, !run.isEmpty else { return }
        if groups.isEmpty {
            groups[key] = run
        } else {
            groups[key, default: []].append(contentsOf: run)
        }
        run = []
    }

    mutating func finished() -> [Key: [String]] {
        flush()
        return groups
    }
}

/// A document status change as decided: the status it was read in, and the new one (an answer settles its
/// shipment).
public struct DocumentStatusChange: Sendable, Hashable {
    public let id: String
    public let expected: DocumentStatus
    public let status: DocumentStatus

    public init(id: String, expected: DocumentStatus, status: DocumentStatus) {
        self.id = id
        self.expected = expected
        self.status = status
    }
}

/// A message to another system (an EAEU partner, the Ministry of Finance), written by the same transaction as
/// the decision that caused it, so that neither exists without the other. Delivery is the outbox workers' job.
public struct OutboundMessage: Sendable, Hashable {
    /// Who receives it (`eaeu`, `mof`…) and what it is (`P.LS.03.MSG.001`…).
    public let channel: String
    public let kind: String
    /// Unique per message: the receiver deduplicates by it.
    public let idempotencyKey: String
    public let body: [UInt8]

    public init(channel: String, kind: String, idempotencyKey: String, body: [UInt8]) {
        self.channel = channel
        self.kind = kind
        self.idempotencyKey = idempotencyKey
        self.body = body
    }
}

/// Everything one decision changes, made on a snapshot and applied later in one transaction.
///
/// Why a value: the decision (the document's controls, the codes' state machine, the receipt's signature) runs
/// without holding the writer — on a read snapshot, concurrently with other decisions — and the write only
/// checks that what the decision read still holds and stores the result. When it no longer holds (another
/// document changed a code, took the number), applying refuses with `STORE_CONFLICT` and the document is decided
/// again on what is there now.
public struct ChangeSet: Sendable {
    /// New codes with the document that created them (their first history entry), in insertion order.
    public internal(set) var inserts: [(codes: [CodeRecord], origin: String?)] = []
    /// Changed codes, each with the state the decision expects to find.
    public internal(set) var updates: [CodeChange] = []
    /// History entries and the codes they happened to.
    public internal(set) var history: [(entry: HistoryEntry, codes: [String])] = []
    /// The decided document (nil for a change set without one, e.g. an operator's command).
    public var document: DocumentRecord?
    public internal(set) var statusChanges: [DocumentStatusChange] = []
    public internal(set) var participants: [Participant] = []
    public internal(set) var products: [ProductCard] = []
    public internal(set) var emissionKeys: [StoredEmissionKey] = []
    /// Where introduced goods came from (introduction documents' lines).
    public internal(set) var origins: [GoodsOrigin] = []
    /// Messages to other systems (the state integrations' outbox).
    public var messages: [OutboundMessage] = []
    /// Cash receipts an OFD relayed (fiscal data), recorded once each: a receipt stored meanwhile is a conflict.
    public internal(set) var fiscalReceipts: [FiscalReceiptRecord] = []
    /// The events the Ministry of Finance export reports (`mof_events`), extracted from the decision.
    public internal(set) var mofEvents: [MoFEvent] = []
    /// The store's own row numbers of the codes the decision read, when its store numbers rows (`RowNumbering`):
    /// the same store finds them again by number rather than by their text key. Codes are never deleted, so a
    /// number read once names the same code forever.
    public var rowHints: [String: Int64] = [:]

    public init() {}

    /// Whether applying it would change nothing.
    public var isEmpty: Bool {
        inserts.isEmpty && updates.isEmpty && history.isEmpty && document == nil && statusChanges.isEmpty
            && participants.isEmpty && products.isEmpty && emissionKeys.isEmpty && messages.isEmpty
            && origins.isEmpty && fiscalReceipts.isEmpty
            && mofEvents.isEmpty
    }
}

/// A store connection that numbers its rows and remembers the numbers of the codes it read.
public protocol RowNumbering: AnyObject {
    var rowNumbers: [String: Int64] { get }
}

extension StoreWriter {
    public func record(_ history: [(entry: HistoryEntry, codes: [String])]) throws {
        for (entry, codes) in history { try record(entry, for: codes) }
    }

    /// Takes the row numbers a snapshot of the same store read (`ChangeSet.rowHints`); most stores ignore them.
    public func adopt(rowHints: [String: Int64]) {}

    /// Applies a decision's change set in this transaction, all of it or (by throwing) none of it.
    ///
    /// - Throws: `STORE_CONFLICT` when the database no longer holds what the decision read: a code's state
    ///   changed, a code it issues exists now, its document's number or content is stored, a document status
    ///   moved on. The caller decides again. Store errors as they come.
    public func apply(_ set: ChangeSet) throws {
        // The document first: its unique number and digest are the likeliest conflict (the same document posted
        // twice at once) and the cheapest to find.
        adopt(rowHints: set.rowHints)
        if let document = set.document { try save(document) }
        for key in set.emissionKeys { try save(key) }
        for participant in set.participants { try save(participant) }
        if !set.products.isEmpty { try save(set.products) }
        do {
            for batch in set.inserts { try insert(batch.codes, origin: batch.origin) }
        } catch let error as TanbaError where error.code == .codeDuplicate {
            // The decision saw these codes free: another decision issued them since.
            throw TanbaError(.storeConflict, "codes this decision issues were issued meanwhile: \(error.message)")
        }
        if !set.updates.isEmpty { try update(set.updates) }
        if !set.origins.isEmpty { try save(set.origins) }
        if !set.history.isEmpty { try record(set.history) }
        for change in set.statusChanges {
            guard let current = try document(id: change.id), current.status == change.expected else {
                throw TanbaError(.storeConflict, "document \(change.id) changed status meanwhile")
            }
            try setStatus(change.status, of: change.id)
        }
        if !set.messages.isEmpty { try enqueue(set.messages) }
        if !set.fiscalReceipts.isEmpty { try save(set.fiscalReceipts) }
        if !set.mofEvents.isEmpty { try save(set.mofEvents) }
    }
}
