public import Foundation
public import TanbaDomain

/// The hub's durable state behind one interface: SQLite embedded (`TanbaSQLite`), PostgreSQL at scale.
///
/// Every `write` is one transaction: it commits when the closure returns and rolls back when it throws, so
/// a failed operation leaves no trace. The domain never sees which engine is behind it.
public protocol HubStore: Sendable {
    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
    /// Runs `body` in one transaction.
    func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
    /// Where the data lives, for messages (a file path, a connection string without password).
    var location: String { get }
    /// A fingerprint of the ledger: every row of every ledger table (codes, history, documents, participants,
    /// catalogue, keys), the journals (audit trail, refusals' receipts, logins) left out. Equal fingerprints mean
    /// equal ledger contents: tests show with it that a refused operation changed nothing, on either store.
    func contentFingerprint() throws -> String
    /// Whether a short read never waits on anything but memory and the local disk (an embedded store in WAL
    /// mode): such reads may run on the thread that asks rather than hop to the store's threads, which costs more
    /// than the read itself. A database server's reads wait on the network and are never run so.
    var readsAreLocal: Bool { get }
}

extension HubStore {
    public var readsAreLocal: Bool { false }
}

/// A count of the codes one participant holds of one kind.
public struct StockCount: Sendable, Hashable {
    public let gtin: String?
    public let level: PackagingLevel
    public let status: CodeStatus
    public let count: Int

    public init(gtin: String?, level: PackagingLevel, status: CodeStatus, count: Int) {
        self.gtin = gtin
        self.level = level
        self.status = status
        self.count = count
    }
}

/// Reads, inside a transaction or snapshot.
public protocol StoreReader: DocumentReader, AuditLog, LoginReader, ControlReader, OutboxReader, RegisterReader,
    FiscalReader, MoFReader, SNTReader
{
    func code(_ id: String) throws -> CodeRecord?
    /// The codes with these ids that exist.
    func codes(_ ids: [String]) throws -> [String: CodeRecord]
    /// The direct contents of these packages.
    func children(of parents: [String]) throws -> [CodeRecord]
    /// Every code a pending shipment locks (packages and their contents).
    func codes(lockedBy document: String) throws -> [CodeRecord]
    /// A code's history, oldest first; the first entry is its issue (or packaging), from `insert`'s origin.
    func events(of id: String) throws -> [CodeEvent]
    func codeCount() throws -> Int
    /// What `owner` holds, counted by GTIN (nil for packages), packaging level and status.
    func stock(owner: String) throws -> [StockCount]
    /// `owner`'s codes in id order after `after`, of one GTIN, packaging level and status when given: at most
    /// `limit`.
    func ownedCodes(
        owner: String, gtin: String?, level: PackagingLevel?, status: CodeStatus?, after: String?, limit: Int
    ) throws
        -> [CodeRecord]

    func participant(_ id: String) throws -> Participant?
    func participants() throws -> [Participant]
    func product(_ gtin: String) throws -> ProductCard?
    func products() throws -> [ProductCard]
    /// Emission keys, newest first.
    func emissionKeys() throws -> [StoredEmissionKey]
}

/// Writes, inside a transaction.
public protocol StoreWriter: StoreReader, DocumentWriter, AuditWriter, LoginWriter, ControlWriter, OutboxWriter,
    RegisterWriter,
    FiscalWriter,
    MoFWriter,
    SNTWriter
{
    /// Inserts new codes with the document that created them (a code order, an aggregation), which is their
    /// first history entry. A code that exists already (even withdrawn or cancelled) is refused with
    /// `CODE_DUPLICATE`: a GTIN + serial is never issued twice.
    func insert(_ codes: [CodeRecord], origin: String?) throws
    func update(_ codes: [CodeRecord]) throws
    /// Updates codes from the state each change expects to the state it leaves.
    /// - Throws: `STORE_CONFLICT`, changing nothing, when a code is not in its expected state.
    func update(_ changes: [CodeChange]) throws
    /// Puts messages for other systems into the outbox, in this transaction.
    func enqueue(_ messages: [OutboundMessage]) throws
    /// Takes the row numbers a snapshot of the same store read, to find those codes again by number.
    func adopt(rowHints: [String: Int64])
    /// Records that `codes` went through one event (time, operation, resulting status and owner, document): the
    /// history of each of them gains that entry.
    func record(_ event: HistoryEntry, for codes: [String]) throws
    /// Records several events, in their order (a later one gets a later place in each code's history). A store
    /// that pays a round trip per statement writes them all at once; the default records them one by one.
    func record(_ history: [(entry: HistoryEntry, codes: [String])]) throws
    func save(_ participant: Participant) throws
    /// Registers a participant not registered yet: true for the one caller that inserts it, false when it exists
    /// (two registrations of one BIN at once: one wins, in the database).
    func register(_ participant: Participant) throws -> Bool
    func save(_ products: [ProductCard]) throws
    func save(_ key: StoredEmissionKey) throws
}

/// An emission key as stored: its id (AI 91) and its secret in the emitter's exported form.
public struct StoredEmissionKey: Sendable, Hashable {
    public let id: String
    public let secret: String
    public let createdAt: Date

    public init(id: String, secret: String, createdAt: Date) {
        self.id = id
        self.secret = secret
        self.createdAt = createdAt
    }
}

/// One step of history shared by the codes it happened to.
public struct HistoryEntry: Sendable, Hashable {
    public let at: Date
    public let operation: String
    public let status: CodeStatus
    public let owner: String
    public let document: String?

    public init(at: Date, operation: String, status: CodeStatus, owner: String, document: String?) {
        self.at = at
        self.operation = operation
        self.status = status
        self.owner = owner
        self.document = document
    }
}

/// Where a document stands, as a client polls it.
public enum DocumentStatus: String, Sendable, Codable, CaseIterable {
    /// Accepted by the hub; nothing more is expected (withdrawal, introduction…).
    case accepted
    /// A shipment accepted by the hub, waiting for the buyer's answer.
    case waitingForCounterparty
    /// A shipment the buyer accepted in full, in part, or rejected.
    case acceptedByCounterparty, partlyAcceptedByCounterparty, rejectedByCounterparty
    /// Refused by the hub: see the receipt's errors.
    case rejected
    /// A shipment its seller cancelled before the buyer answered: its codes went back to the seller.
    case cancelled
}

/// A document the hub has decided, with its receipt.
public struct DocumentRecord: Sendable, Hashable {
    /// The hub's id for the document (also in its receipt).
    public let id: String
    /// The document type code (reference/document-types.json), e.g. `shipment`.
    public let type: String
    /// The sender's BIN/IIN and the sender's own number and date.
    public let sender: String
    public let number: String
    public let date: String
    /// The participant the document is addressed to (its inbox), if any.
    public let recipient: String?
    public let receivedAt: Date
    public var status: DocumentStatus
    /// SHA-256 (hex) of the document's canonical form (Canonical XML 1.0): the same document sent twice, through
    /// any channel and in any byte form, is recognised by it.
    public let digest: String
    public let content: [UInt8]
    public var receipt: [UInt8]
    /// For a refused document in a list (status `rejected`, only its receipt kept): the first error's code.
    public var code: String? = nil
    /// The document's totals for lists: the codes and packages its decision changed, and its amount when it has
    /// one (`Totals/Amount`, as the document writes it).
    public var items: Int? = nil
    public var amount: String? = nil

    public init(
        id: String, type: String, sender: String, number: String, date: String, recipient: String?,
        receivedAt: Date, status: DocumentStatus, digest: String, content: [UInt8], receipt: [UInt8]
    ) {
        self.id = id
        self.type = type
        self.sender = sender
        self.number = number
        self.date = date
        self.recipient = recipient
        self.receivedAt = receivedAt
        self.status = status
        self.digest = digest
        self.content = content
        self.receipt = receipt
    }
}

/// The receipt of a refused document, kept so that its submitter can fetch it again.
///
/// Refusals live in their own journal, apart from the ledger: a refused document changes no code, no document
/// and no participant (the ledger's tables stay byte-for-byte the same), and its bytes are not kept (anyone
/// can send a refused 64 MB file; only the hub's answer to it is worth keeping).
public struct RejectionRecord: Sendable, Hashable {
    /// The id the receipt gives the document (`DOC-` and its canonical digest).
    public let id: String
    /// The participant a channel authenticated (HTTP login, drop folder), if any.
    public let submitter: String?
    /// What the document says of itself, when it could be read that far.
    public let type: String?
    public let sender: String?
    public let number: String?
    public let receivedAt: Date
    /// The first error's stable code (the receipt lists them all).
    public let code: String
    public let receipt: [UInt8]
    /// The sender's own document date (`YYYY-MM-DD`), when it could be read that far.
    public let date: String?

    public init(
        id: String, submitter: String?, type: String?, sender: String?, number: String?, receivedAt: Date,
        code: String, receipt: [UInt8], date: String? = nil
    ) {
        self.date = date
        self.id = id
        self.submitter = submitter
        self.type = type
        self.sender = sender
        self.number = number
        self.receivedAt = receivedAt
        self.code = code
        self.receipt = receipt
    }

    /// Who may read it: its submitter, the sender it names, or a state body (checked by the caller).
    public func concerns(_ participant: String) -> Bool { submitter == participant || sender == participant }
}

/// Which documents to list, and from where: every condition narrows the list; `after` continues it.
///
/// A list without a recipient (an outbox, or every document) also holds the documents the hub refused, with
/// status `rejected` and their first error's code: a submitter's refused documents are in its outbox (by the
/// participant that submitted them, else the sender they name). An inbox never holds them: they reached no one.
public struct DocumentFilter: Sendable {
    /// Sent by this BIN/IIN (an outbox), and/or addressed to this one (an inbox).
    public var sender: String?
    public var recipient: String?
    /// Of this document type (`reference/document-types.json`).
    public var type: String?
    public var status: DocumentStatus?
    /// Received at or after `receivedFrom` and strictly before `receivedBefore` (the hub's clock).
    public var receivedFrom: Date?
    public var receivedBefore: Date?
    /// The sender's own document date (`YYYY-MM-DD`), from and to, both inclusive.
    public var dateFrom: String?
    public var dateTo: String?
    /// The sender's own document number, exactly.
    public var number: String? = nil
    /// Only documents after this one in the list's order (the previous page's `next`).
    public var after: DocumentCursor?
    /// At most this many documents a page.
    public var limit: Int

    public init(
        sender: String? = nil, recipient: String? = nil, type: String? = nil, status: DocumentStatus? = nil,
        receivedFrom: Date? = nil, receivedBefore: Date? = nil, dateFrom: String? = nil, dateTo: String? = nil,
        after: DocumentCursor? = nil, limit: Int = 100
    ) {
        self.sender = sender
        self.recipient = recipient
        self.type = type
        self.status = status
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.dateFrom = dateFrom
        self.dateTo = dateTo
        self.after = after
        self.limit = limit
    }
}

/// A position in a document list (newest first, ties broken by id, descending): the received time as the store
/// keeps it and the id of the last document a page showed. Clients see it as an opaque string (`OpaqueCursor`,
/// tag `v1`).
public struct DocumentCursor: Sendable, Hashable {
    public let receivedAt: Double
    public let id: String

    public init(receivedAt: Double, id: String) {
        self.receivedAt = receivedAt
        self.id = id
    }

    /// The opaque form: base64url (no padding) of `v1|<seconds>|<id>`.
    public var encoded: String { OpaqueCursor.encode(tag: "v1", seconds: receivedAt, key: id) }

    /// Reads a cursor a page gave out; nil for anything else (a damaged, made-up or foreign string).
    public init?(encoded text: String) {
        guard let decoded = OpaqueCursor.decode(text, tag: "v1") else { return nil }
        self.init(receivedAt: decoded.seconds, id: decoded.key)
    }
}

/// One page of a document list: at most `limit` documents, and where the next page starts (nil on the last).
public struct DocumentPage: Sendable {
    public let documents: [DocumentRecord]
    public let next: DocumentCursor?

    public init(documents: [DocumentRecord], next: DocumentCursor?) {
        self.documents = documents
        self.next = next
    }
}

/// Documents, for stores that keep them (every `HubStore` does).
public protocol DocumentReader {
    func document(id: String) throws -> DocumentRecord?
    /// The accepted document a sender numbered `number`, if any (numbers are unique per sender).
    func document(sender: String, number: String) throws -> DocumentRecord?
    /// One page of the documents `filter` selects, newest first (received time, then id, both descending);
    /// refused documents included where `DocumentFilter` says.
    func documentPage(_ filter: DocumentFilter) throws -> DocumentPage
    /// The latest refusal of the document `id`, if it was ever refused.
    func rejection(id: String) throws -> RejectionRecord?
}

extension DocumentReader {
    /// The first page only, newest first.
    public func documents(_ filter: DocumentFilter) throws -> [DocumentRecord] {
        try documentPage(filter).documents
    }
}

public protocol DocumentWriter: DocumentReader {
    func save(_ document: DocumentRecord) throws
    func setStatus(_ status: DocumentStatus, of id: String) throws
    /// Keeps a refusal's receipt if none is kept for its id yet: the first refusal of a document stays its answer,
    /// and nobody's replay of the same bytes changes who made it (the store enforces it, not only this call).
    func save(_ rejection: RejectionRecord) throws
}

/// One entry of the audit trail: who did what, from where, when, with what result; chained to the previous
/// entry by hash so that a changed or removed entry is detected (`tanba audit verify`).
public struct AuditRecord: Sendable, Hashable, Codable {
    public let seq: Int64
    public let at: Date
    /// The person (IIN from the certificate) and the participant (BIN/IIN) acting, when known.
    public let iin: String?
    public let participant: String?
    public let address: String?
    /// `http`, `cli`, `folder`, `web`.
    public let channel: String
    /// `login`, `submit`, `read`, `list`, `refused`…
    public let action: String
    public let object: String?
    public let result: String
    /// SHA-256 (hex) of the previous entry, and of this one.
    public let previous: String
    public let hash: String

    public init(
        seq: Int64, at: Date, iin: String?, participant: String?, address: String?, channel: String, action: String,
        object: String?, result: String, previous: String, hash: String
    ) {
        self.seq = seq
        self.at = at
        self.iin = iin
        self.participant = participant
        self.address = address
        self.channel = channel
        self.action = action
        self.object = object
        self.result = result
        self.previous = previous
        self.hash = hash
    }
}

/// The append-only audit trail.
public protocol AuditLog {
    /// The newest entry, if any.
    func lastAudit() throws -> AuditRecord?
    /// Entries in order, from `after` (exclusive), at most `limit`.
    func audit(after: Int64, limit: Int) throws -> [AuditRecord]
}

public protocol AuditWriter: AuditLog {
    /// Appends an entry (its `seq` is assigned by the store and must be `lastAudit().seq + 1`).
    func append(_ record: AuditRecord) throws
}
