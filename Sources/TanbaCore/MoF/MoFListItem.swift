public import Foundation
public import TanbaStore

/// What became of a record the hub sent the Ministry (an export, a reconciliation report): the Ministry's
/// acknowledgement and the delivery of its outbox message. One struct for both lists, so that each shows the same
/// fields by the same names.
public struct MoFStatusView: Sendable, Encodable, Hashable {
    /// The Ministry's answer: `pending`, `accepted` or `rejected`, when, and why (a rejection's reason).
    public let acknowledgement: String
    public let acknowledgedAt: Date?
    public let reason: String?
    /// The outbox message's state (`pending`, `delivered`, `dead`) with its failed attempts, e.g.
    /// `delivered (2 failed)`; nil when the message is not in the outbox.
    public let delivery: String?
    /// The same, apart: the state, the failed attempts and the last failure in words.
    public let deliveryState: String?
    public let failedAttempts: Int
    public let lastError: String?

    public init(_ record: some MoFAcknowledgeable, message: QueuedMessage?) {
        acknowledgement = record.ackState.rawValue
        acknowledgedAt = record.ackAt
        reason = record.ackReason
        delivery = message?.deliverySummary
        deliveryState = message?.state.rawValue
        failedAttempts = message?.attempts ?? 0
        lastError = message?.lastError
    }
}

/// What an operators' list of the Ministry's records shows of one record, apart from its status
/// (`MoFExportFields`, `MoFReconciliationFields`), and how the list is read.
public protocol MoFListFields: Sendable, Encodable, Hashable {
    associatedtype Record: MoFListedRecord & MoFAcknowledgeable
    /// The key a page writes the list's items under (`PageJSON`): `exports`, `reconciliations`.
    static var listName: String { get }
    init(_ record: Record)
    /// One page of the list as the store keeps it (`MoFReader`).
    static func page(in tx: any StoreReader, after: MoFCursor<Record>?, limit: Int) throws -> MoFPage<Record>
}

/// A record of an operators' list of the Ministry's records (`MoFExportView`, `MoFReconciliationView`): its own
/// fields and its status, read as one (`export.delivery`, `report.from`) and written as one flat JSON object, the
/// fields first. One function (`list`) makes each list, a page at a time, for every channel: the command line
/// (`tanba mof exports`, `tanba mof reconciliations`), the API (`GET /v1/operator/mof/…`) and the web page
/// `/operator/mof` (through `HubCore.mofExports`/`mofReconciliations`, which add the operator check).
@dynamicMemberLookup
public struct MoFListItem<Fields: MoFListFields>: Sendable, Encodable, Hashable {
    public let fields: Fields
    public let status: MoFStatusView

    public init(_ record: Fields.Record, message: QueuedMessage?) {
        fields = Fields(record)
        status = MoFStatusView(record, message: message)
    }

    public subscript<Value>(dynamicMember path: KeyPath<Fields, Value>) -> Value { fields[keyPath: path] }
    public subscript<Value>(dynamicMember path: KeyPath<MoFStatusView, Value>) -> Value { status[keyPath: path] }

    /// Flat, as the lists have always been written: the fields, then the status, in one object.
    public func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
        try status.encode(to: encoder)
    }

    /// The most records one page holds.
    public static var maxLimit: Int { 200 }

    /// One page of the list: its records, and the cursor of the next page (`MoFCursor.encoded`, null on the last),
    /// as the API answers and the command's `--json` prints it.
    public typealias Page = PageJSON<Self>

    /// The page `query` asks for: `limit` (1…`maxLimit`, 50) and `after` (a page's `next`), read alike for every
    /// channel, each naming the parameters its own way (`HubCore.mofListParameters` are the names). Read before
    /// the store is opened or asked: a bad parameter is refused before any work.
    /// - Throws: `REQUEST_PARAMETER_INVALID` naming the parameter that does not parse, `after` for a string that
    ///   is not a cursor of this list.
    public static func page(asked query: QueryText) throws -> (limit: Int, after: MoFCursor<Fields.Record>?) {
        (
            try query.integer("limit", in: 1...maxLimit, default: 50),
            try query.cursor("after", MoFCursor<Fields.Record>.init(encoded:))
        )
    }

    /// The `limit` records (1…`maxLimit`) after `after` (from the newest when nil), newest first, each with its
    /// outbox message, read in one transaction so that a record and its delivery are seen at one moment.
    public static func list(store: any HubStore, limit: Int = 50, after: MoFCursor<Fields.Record>? = nil) throws
        -> Page
    {
        try store.read { tx in
            let page = try Fields.page(in: tx, after: after, limit: min(max(1, limit), maxLimit))
            let messages = try MoFStatusView.messages(of: Set(page.records.map(\.id)), in: tx)
            return Page(
                Fields.listName, items: page.records.map { Self($0, message: messages[$0.id]) },
                next: page.next?.encoded)
        }
    }
}

extension MoFStatusView {
    /// The outbox messages whose idempotency keys are `ids` (an export's or a reconciliation report's id is its
    /// message's key). Exports and reports are few (one a day, a few a period), so the channel's queue is read page
    /// by page until every one is found, rather than asking the store for a lookup by key that nothing else needs.
    static func messages(of ids: Set<String>, in tx: any StoreReader) throws -> [String: QueuedMessage] {
        var found: [String: QueuedMessage] = [:]
        guard !ids.isEmpty else { return found }
        var after: Int64 = 0
        while found.count < ids.count {
            let page = try tx.queued(OutboxFilter(channel: MoFExporter.channel, after: after, limit: 200))
            for message in page where ids.contains(message.idempotencyKey) { found[message.idempotencyKey] = message }
            guard let last = page.last, page.count == 200 else { break }
            after = last.seq
        }
        return found
    }
}

extension QueuedMessage {
    /// The state with the failed attempts, as the operators' lists show it: `delivered (2 failed)`.
    var deliverySummary: String { state.rawValue + (attempts > 0 ? " (\(attempts) failed)" : "") }
}
