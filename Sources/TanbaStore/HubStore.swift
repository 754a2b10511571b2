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
}

/// Reads, inside a transaction or snapshot.
public protocol StoreReader {
    func code(_ id: String) throws -> CodeRecord?
    /// The codes with these ids that exist.
    func codes(_ ids: [String]) throws -> [String: CodeRecord]
    /// The direct contents of these packages.
    func children(of parents: [String]) throws -> [CodeRecord]
    /// A code's history, oldest first; the first entry is its issue (or packaging), from `insert`'s origin.
    func events(of id: String) throws -> [CodeEvent]
    func codeCount() throws -> Int

    func participant(_ id: String) throws -> Participant?
    func participants() throws -> [Participant]
    func product(_ gtin: String) throws -> ProductCard?
    func products() throws -> [ProductCard]
    /// Emission keys, newest first.
    func emissionKeys() throws -> [StoredEmissionKey]
}

/// Writes, inside a transaction.
public protocol StoreWriter: StoreReader {
    /// Inserts new codes with the document that created them (a code order, an aggregation), which is their
    /// first history entry. A code that exists already (even withdrawn or cancelled) is refused with
    /// `CODE_DUPLICATE`: a GTIN + serial is never issued twice.
    func insert(_ codes: [CodeRecord], origin: String?) throws
    func update(_ codes: [CodeRecord]) throws
    /// Records that `codes` went through one event (time, operation, resulting status and owner, document): the
    /// history of each of them gains that entry.
    func record(_ event: HistoryEntry, for codes: [String]) throws
    func save(_ participant: Participant) throws
    func save(_ products: [ProductCard]) throws
    func save(_ key: StoredEmissionKey) throws
}

/// An emission key as stored: its id (AI 91) and its private key in PEM.
public struct StoredEmissionKey: Sendable, Hashable {
    public let id: String
    public let privateKeyPEM: String
    public let createdAt: Date

    public init(id: String, privateKeyPEM: String, createdAt: Date) {
        self.id = id
        self.privateKeyPEM = privateKeyPEM
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
